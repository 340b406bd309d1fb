"""Follow-up visits in the demo (issue 10): Lizhou's and Wangcang's visits through 2017, made
as a village worker would make them — each labourer visited at their plan's interval, most on
time or a few days early, some late (an on-time rate of about 85 %, not 100 %) — and the needs
those visits raised, most met, some not, some still open. The demo township (the township
officer's and the village workers') is also visited through this year, so that their working
lists show a realistic day rather than everyone overdue since 2017.

Deterministic (seeded) and idempotent: a county that already has visits is left alone. Records
are written in bulk with their history; the needs' closing steps are written as workflow events;
then the plans take their last visit and next due date."""

from __future__ import annotations

import datetime
import random

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from fupin.core.models import DomainEvent
from fupin.core.stamps import bulk_create_records, bulk_update_records

from . import plans
from .models import Category, MetBy, Method, Need, NeedKind, Visit, VisitPlan

YEAR = 2017
COUNTIES = ("510802", "510821")  # Lizhou, Wangcang
ON_TIME = 0.85
METHODS = [(Method.HOME, 50), (Method.PHONE, 35), (Method.WECHAT, 12), (Method.OTHER, 3)]
FINDINGS = {
    Category.REGULAR: ["在岗稳定，收入正常", "务工正常，按时领取工资", "在外务工，电话联系正常",
                       "暂未就业，有外出务工意愿", "家中务农，愿意参加技能培训"],
    Category.NEEDS: ["经营正常，希望扩大规模", "经营正常，销路需要拓展", "资金周转紧张",
                     "需要技术指导", "带动本村群众就业"],
    Category.KEY: ["暂无就业，身体状况一般", "有就近务工意愿", "家庭负担较重，需要帮扶",
                   "愿意从事公益性岗位", "已推荐参加培训"],
}
NEED_KINDS = {
    Category.NEEDS: [NeedKind.FUNDS, NeedKind.TECHNOLOGY, NeedKind.MARKET, NeedKind.LAND,
                     NeedKind.LABOUR],
    Category.KEY: [NeedKind.JOB, NeedKind.TRAINING, NeedKind.JOB, NeedKind.OTHER],
    Category.REGULAR: [NeedKind.TRAINING, NeedKind.JOB],
}
NEED_RATE = {Category.NEEDS: 0.25, Category.KEY: 0.12, Category.REGULAR: 0.03}
UNMET_REASONS = ["暂不具备条件", "本人放弃，暂不外出", "所需资金超出政策支持范围"]
MET_BY = {NeedKind.FUNDS: MetBy.LOAN, NeedKind.TECHNOLOGY: MetBy.TECHNICIAN,
          NeedKind.TRAINING: MetBy.ENROLMENT, NeedKind.JOB: MetBy.JOB}


def _method(rng):
    return rng.choices([m for m, _ in METHODS], weights=[w for _, w in METHODS])[0]


def _visits_for(rng, plan: dict, start: datetime.date, end: datetime.date):
    """The visits one labourer gets between two days: each due an interval after the last,
    made on time (a few days early) or late; the last one may be missed (still due)."""
    interval = plan["interval_days"]
    last = start - datetime.timedelta(days=rng.randrange(interval))
    out = []
    while True:
        due = last + datetime.timedelta(days=interval)
        if rng.random() < ON_TIME:
            day = due - datetime.timedelta(days=rng.randrange(0, 8))
        else:
            day = due + datetime.timedelta(days=rng.randrange(1, 25))
        if day > end:
            return out
        if day >= start:
            out.append((day, due))
        last = day


@transaction.atomic
def followups_demo(*, actor, seed: int = 2017, recent_area: str = "") -> str:
    lines = []
    plans.plans_refresh_all()
    rng = random.Random(seed)
    now = timezone.now()
    today = timezone.localdate()
    for county in COUNTIES:
        if Visit.objects.filter(area_code__startswith=county).exists():
            lines.append(f"回访：{county} 已有演示数据，未改动")
            continue
        rows = list(VisitPlan.objects.active().filter(area_code__startswith=county)
                    .order_by("pk").values("pk", "person_id", "area_code", "category",
                                           "interval_days"))
        visits, pending_needs = [], []
        for plan in rows:
            spans = [(datetime.date(YEAR, 1, 1), datetime.date(YEAR, 12, 31))]
            if recent_area and plan["area_code"].startswith(recent_area):
                spans.append((datetime.date(today.year, 1, 1), today))
            for start, end in spans:
                for day, due in _visits_for(rng, plan, start, end):
                    category = plan["category"]
                    visit = Visit(person_id=plan["person_id"], area_code=plan["area_code"],
                                  visited_on=day, method=_method(rng), category=category,
                                  due_on=due, on_time=day <= due,
                                  findings=rng.choice(FINDINGS[category]),
                                  visitor="村级专职人员", recorded_by=actor,
                                  created_at=now, updated_at=now)
                    visits.append(visit)
                    if rng.random() < NEED_RATE[category]:
                        pending_needs.append((visit, rng.choice(NEED_KINDS[category])))
        bulk_create_records(visits, Visit, batch_size=1000, default_user=actor)
        needs, events = _needs(rng, pending_needs, actor=actor, now=now, today=today)
        lines.append(f"回访：{county} 回访 {len(visits)} 次（按时 "
                     f"{sum(v.on_time for v in visits)}），需求 {len(needs)} 条"
                     f"（已解决 {sum(n.status == Need.Status.MET for n in needs)}），"
                     f"流程记录 {events}")
        _plans_follow_visits(visits, actor=actor)
    return "\n".join(lines)


def _needs(rng, pending, *, actor, now, today) -> tuple[list, int]:
    """The needs the visits raised: 60 % met, 10 % not, the rest accepted or just raised; the
    closing steps written as the workflow's events."""
    needs, steps = [], []
    for visit, kind in pending:
        roll = rng.random()
        closed = visit.visited_on + datetime.timedelta(days=rng.randrange(5, 45))
        if closed > today:
            roll = 0.8
        fields = {}
        if roll < 0.6:
            fields = {"status": Need.Status.MET, "closed_on": closed, "resolution": "已协调解决",
                      "met_by": MET_BY.get(kind, MetBy.OTHER)}
            made = [("accept", "raised", "accepted", visit.visited_on, ""),
                    ("meet", "accepted", "met", closed, "")]
        elif roll < 0.7:
            # the reason is the need's 办理情况 too, as the workflow's fail step keeps it
            reason = UNMET_REASONS[len(needs) % len(UNMET_REASONS)]
            fields = {"status": Need.Status.UNMET, "closed_on": closed, "resolution": reason}
            made = [("fail", "raised", "unmet", closed, reason)]
        elif roll < 0.85:
            fields = {"status": Need.Status.ACCEPTED}
            made = [("accept", "raised", "accepted", visit.visited_on, "")]
        else:
            made = []
        need = Need(person_id=visit.person_id, visit_id=visit.pk, area_code=visit.area_code,
                    kind=kind, note=rng.choice(FINDINGS[visit.category]),
                    raised_on=visit.visited_on, raised_by=actor, created_at=now,
                    updated_at=now, **fields)
        steps.extend((need, *step) for step in made)
        needs.append(need)
    bulk_create_records(needs, Need, batch_size=1000, default_user=actor)
    ct = ContentType.objects.get_for_model(Need)
    tz = timezone.get_current_timezone()
    DomainEvent.objects.bulk_create(
        [DomainEvent(content_type=ct, object_id=need.pk, area_code=need.area_code, actor=actor,
                     at=datetime.datetime.combine(day, datetime.time(10), tzinfo=tz),
                     transition=name, source=source, target=target, reason=reason)
         for need, name, source, target, day, reason in steps], batch_size=1000)
    return needs, len(steps)


def _plans_follow_visits(visits, *, actor) -> None:
    """Each plan takes its person's last visit and the due date an interval after it."""
    last: dict[int, datetime.date] = {}
    for v in visits:
        last[v.person_id] = max(v.visited_on, last.get(v.person_id, v.visited_on))
    changed = []
    for plan in VisitPlan.objects.filter(person_id__in=list(last)).iterator(chunk_size=2000):
        plan.last_visit_on = last[plan.person_id]
        plan.due_on = plan.last_visit_on + datetime.timedelta(days=plan.interval_days)
        changed.append(plan)
    bulk_update_records(changed, VisitPlan, ["last_visit_on", "due_on"], batch_size=1000,
                        default_user=actor)


def demo_step(*, password: str, options: dict) -> str:
    from fupin.accounts.demo import demo_areas

    actor = get_user_model().objects.get(username="admin")
    return followups_demo(actor=actor, recent_area=demo_areas()["township"])
