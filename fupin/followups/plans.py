"""Visit plans, derived (issue 10 item 1): every labourer's category, why, interval and next
due date, from the person's records and the policy (rules.py). Kept in the writer's
transaction through core.listeners.people_changed (`plans_refresh`) and moved with the
calendar by the nightly routine (`plans_refresh_all`). Due date: never visited → since +
interval; a category change → min(current due, (last visit or since) + new interval)."""

from __future__ import annotations

import datetime

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.core.stamps import bulk_create_records, bulk_update_records
from fupin.employment.models import Employment, Placement, Venture
from fupin.registry.models import Person
from fupin.registry.rules import labour_ages

from . import rules
from .models import Category, Reason, VisitPlan

WORKING = ("employed", "venture", "welfare_post")
DISABLED, CHRONIC = "04", "02"
CHUNK = 5000
PERSON_FIELDS = ("id", "household_id", "area_code", "birth_date", "gender", "health",
                 "employment_status", "created_at", "retired_at", "labour_capacity",
                 "schooling")
PLAN_FIELDS = ["category", "reason", "interval_days", "since", "due_on", "area_code",
               "retired_at", "retired_reason", "version", "updated_at"]


def _age(birth: datetime.date, on: datetime.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _months_between(start: datetime.date, end: datetime.date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)


def derive(*, status: str, household_working: bool, health: str, gender: str,
           age: int, unemployed_since: datetime.date, on: datetime.date, policy) -> tuple:
    """(category, reason, interval) for one labourer. Pure: everything comes in."""
    if status in ("employed", "welfare_post"):
        category, reason = Category.REGULAR, (Reason.EMPLOYED if status == "employed"
                                              else Reason.WELFARE_POST)
    elif status == "venture":
        category, reason = Category.NEEDS, Reason.VENTURE
    else:
        reason = None
        if policy.rule_zero_household and not household_working:
            reason = Reason.ZERO_HOUSEHOLD
        elif policy.rule_disabled_ill and health in (DISABLED, CHRONIC):
            reason = Reason.DISABLED_ILL
        elif policy.unemployed_months and \
                _months_between(unemployed_since, on) >= policy.unemployed_months:
            reason = Reason.LONG_UNEMPLOYED
        elif (gender == "F" and policy.women_age and age >= policy.women_age) or \
                (gender == "M" and policy.men_age and age >= policy.men_age):
            reason = Reason.AGE
        if reason:
            category = Category.KEY
        else:
            category, reason = Category.REGULAR, Reason.UNEMPLOYED
    return str(category), str(reason), rules.interval(policy, category, reason)


def _latest_ends(ids, on) -> dict[int, datetime.date]:
    ends: dict[int, datetime.date] = {}
    for model in (Employment, Venture, Placement):
        for row in (model.objects.active().filter(person_id__in=ids, end_date__lte=on)
                    .values("person_id").annotate(m=Max("end_date")).order_by()):
            if row["m"] and (row["person_id"] not in ends or ends[row["person_id"]] < row["m"]):
                ends[row["person_id"]] = row["m"]
    return ends


def _is_labourer_row(row, on) -> bool:
    from fupin.registry.rules import ABLE, NOT_IN_SCHOOL

    low, high = labour_ages()
    return (low <= _age(row["birth_date"], on) <= high and row["labour_capacity"] in ABLE
            and row["schooling"] in NOT_IN_SCHOOL)


def _apply(rows, *, on, policy, actor=None) -> int:
    """Derive and write the plans of these people (rows from Person.values); their
    households' members must be among the rows for the zero-employment rule."""
    ids = [r["id"] for r in rows]
    working_households = {r["household_id"] for r in rows
                          if r["retired_at"] is None and r["employment_status"] in WORKING}
    ends = _latest_ends(ids, on)
    plans = {p.person_id: p for p in VisitPlan.objects.filter(person_id__in=ids)}
    now = timezone.now()
    create, update = [], []
    for r in rows:
        plan = plans.get(r["id"])
        if r["retired_at"] is not None or not _is_labourer_row(r, on):
            if plan is not None and plan.retired_at is None:
                plan.retired_at = now
                plan.retired_reason = (_("已停用") if r["retired_at"] is not None
                                       else _("不再是劳动力"))
                plan.version += 1
                plan.updated_at = now
                update.append(plan)
            continue
        since_unemployed = ends.get(r["id"]) or timezone.localtime(r["created_at"]).date()
        category, reason, days = derive(
            status=r["employment_status"], household_working=r["household_id"] in
            working_households, health=r["health"], gender=r["gender"],
            age=_age(r["birth_date"], on), unemployed_since=since_unemployed, on=on,
            policy=policy)
        if plan is None:
            create.append(VisitPlan(person_id=r["id"], area_code=r["area_code"],
                                    category=category, reason=reason, interval_days=days,
                                    since=on, due_on=on + datetime.timedelta(days=days)))
            continue
        before = [getattr(plan, f) for f in PLAN_FIELDS]
        if plan.retired_at is not None:
            plan.retired_at, plan.retired_reason = None, ""
        if (plan.category, plan.reason, plan.interval_days) != (category, reason, days):
            if plan.category != category:
                plan.since = on
            base = plan.last_visit_on or plan.since
            plan.due_on = min(plan.due_on, base + datetime.timedelta(days=days))
            plan.category, plan.reason, plan.interval_days = category, reason, days
        plan.area_code = r["area_code"]
        if [getattr(plan, f) for f in PLAN_FIELDS] != before:
            plan.version += 1
            plan.updated_at = now
            update.append(plan)
    if create:
        bulk_create_records(create, VisitPlan, batch_size=500, default_user=actor)
    if update:
        bulk_update_records(update, VisitPlan, PLAN_FIELDS, batch_size=500,
                            default_user=actor)
    return len(create) + len(update)


def plans_refresh(*, person_ids, actor=None, on: datetime.date | None = None) -> int:
    """Derive the plans of these people and the other members of their households (in the
    writer's transaction). Returns how many plans were written."""
    on = on or timezone.localdate()
    households = set(Person.objects.filter(pk__in=list(person_ids))
                     .values_list("household_id", flat=True))
    rows = list(Person.objects.filter(household_id__in=households).values(*PERSON_FIELDS))
    return _apply(rows, on=on, policy=rules.policy(), actor=actor) if rows else 0


def plans_refresh_all(*, on: datetime.date | None = None, progress=None) -> int:
    """Every plan, by households in chunks (the nightly routine)."""
    on = on or timezone.localdate()
    policy = rules.policy()
    household_ids = list(Person.objects.order_by("household_id").values_list(
        "household_id", flat=True).distinct())
    written = 0
    for start in range(0, len(household_ids), CHUNK):
        chunk = household_ids[start:start + CHUNK]
        rows = list(Person.objects.filter(household_id__in=chunk).values(*PERSON_FIELDS))
        written += _apply(rows, on=on, policy=policy)
        if progress:
            progress(min(start + CHUNK, len(household_ids)), len(household_ids))
    # plans of people no longer on the register at all (none expected: persons are kept)
    return written


def plan_visited(*, person, visited_on: datetime.date, actor) -> VisitPlan | None:
    """After a visit: the last visit and the next due date (visited_on + interval)."""
    plan = VisitPlan.objects.select_for_update().filter(person=person).first()
    if plan is None:
        plans_refresh(person_ids=[person.pk], actor=actor, on=visited_on)
        plan = VisitPlan.objects.select_for_update().filter(person=person).first()
        if plan is None:
            return None
    if plan.last_visit_on and plan.last_visit_on > visited_on:
        return plan  # an older visit recorded late does not move the plan back
    plan.last_visit_on = visited_on
    plan.due_on = visited_on + datetime.timedelta(days=plan.interval_days)
    plan.version += 1
    plan.updated_at = timezone.now()
    plan._history_user = actor
    plan.save()
    return plan


def due_state(plan: VisitPlan, on: datetime.date | None = None) -> tuple:
    """(category, due_on, on_time): whether a visit on `on` is on time."""
    on = on or timezone.localdate()
    return plan.category, plan.due_on, on <= plan.due_on


def overdue_days(plan: VisitPlan, on: datetime.date | None = None) -> int:
    on = on or timezone.localdate()
    return max(0, (on - plan.due_on).days)
