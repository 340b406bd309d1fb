"""The five lists in the demo (DESIGN §6): Lizhou's 2017 employment work, as records from
which every figure is computed — 1,690 poor labourers trained with 1,624,000 yuan of training
subsidies (course standards × completions), 300 public-welfare posts, transferred employment
with 300 job introductions, and ventures, 5 of them by college students from poor households.

Deterministic (seeded) and idempotent: a county that already has its demo courses is left
alone. Records are written in bulk with their history, then statuses are derived."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from fupin.areas.models import Area
from fupin.core.stamps import bulk_create_records
from fupin.employment.models import Employment, Placement, Venture, WelfarePost
from fupin.employment.status import person_status_refresh
from fupin.registry.models import Person
from fupin.registry.rules import labourer_q
from fupin.training.models import Course, Enrolment

YEAR = 2017
# (subsidy standard per person, completions, people per course): 760×1000 + 630×800 +
# 300×1200 = 1,624,000 yuan for 1,690 people.
COURSE_PLAN = [(Decimal(1000), 760, 40, "02", "电焊工"), (Decimal(800), 630, 45, "04", "茶叶种植"),
               (Decimal(1200), 300, 30, "03", "创业培训")]
POSTS = 300
REFERRALS = 300
VENTURES = 60
COLLEGE_VENTURES = 5
POST_KINDS = ["01", "02", "03", "04", "05", "06"]
POST_NAMES = {"01": "保洁员", "02": "护林员", "03": "治安巡逻员", "04": "水管员",
              "05": "道路维护员", "06": "村级就业服务协理员"}


def _date(rng, start: datetime.date, end: datetime.date) -> datetime.date:
    return start + datetime.timedelta(days=rng.randrange((end - start).days + 1))


def _stamp(objs, now):
    for o in objs:
        o.created_at = o.updated_at = now
    return objs


@transaction.atomic
def five_lists_demo(*, county: str, actor, seed: int = 2017, scale: float = 1.0) -> str:
    if Course.objects.filter(area_code__startswith=county, name__startswith=f"{YEAR}年").exists():
        return f"五名单：{county} 已有演示数据，未改动"
    rng = random.Random(seed)
    now = timezone.now()
    on = datetime.date(YEAR, 12, 31)
    townships = list(Area.objects.filter(parent_id=county).order_by("code")
                     .values_list("code", flat=True))
    labourers = list(Person.objects.active().filter(labourer_q(on), area_code__startswith=county)
                     .order_by("pk").values_list("pk", "area_code", "wants_training",
                                                 "labour_capacity"))
    rng.shuffle(labourers)
    wishing = [p for p in labourers if p[2]]

    # --- training: courses by townships, completions at the planned standards ---------------
    courses, enrolments = [], []
    pool = iter(wishing)
    for standard, completions, size, kind, topic in COURSE_PLAN:
        completions = round(completions * scale)
        n = 0
        while completions > 0:
            take = min(size, completions)
            start = _date(rng, datetime.date(YEAR, 3, 1), datetime.date(YEAR, 10, 31))
            end = start + datetime.timedelta(days=rng.choice((7, 10, 15)))
            n += 1
            course = Course(area_code=rng.choice(townships), name=f"{YEAR}年{topic}培训班第{n}期",
                            kind=kind, provider="广元市就业培训中心", trainer="",
                            start_date=start, end_date=end, place="乡镇便民服务中心",
                            capacity=size + 5, subsidy_per_person=standard,
                            status=Course.Status.ENDED)  # the demo's year is past
            courses.append(course)
            for _ in range(take):
                person = next(pool, None)
                if person is None:
                    break
                enrolments.append(Enrolment(course=course, person_id=person[0],
                                            area_code=person[1], status="completed",
                                            days_attended=(end - start).days + 1,
                                            completed_on=end, certificate=""))
            if rng.random() < 0.5:  # a drop-out now and then: enrolled, not completed
                person = next(pool, None)
                if person is not None:
                    enrolments.append(Enrolment(course=course, person_id=person[0],
                                                area_code=person[1], status="dropped",
                                                days_attended=2))
            completions -= take
    bulk_create_records(_stamp(courses, now), Course, batch_size=500, default_user=actor)
    for e in enrolments:
        e.course_id = e.course.pk
    bulk_create_records(_stamp(enrolments, now), Enrolment, batch_size=500,
                             default_user=actor)

    # --- employment, posts, ventures on labourers not already placed ------------------------
    rest = list(labourers)
    rng.shuffle(rest)
    cursor = 0

    def take(n):
        nonlocal cursor
        chunk = rest[cursor:cursor + n]
        cursor += n
        return chunk

    posts, placements = [], []
    weak_first = sorted(rest, key=lambda p: p[3] != "03")[:round(POSTS * scale)]
    used = {p[0] for p in weak_first}
    rest = [p for p in rest if p[0] not in used]
    for i, person in enumerate(weak_first):
        kind = POST_KINDS[i % len(POST_KINDS)]
        start = _date(rng, datetime.date(YEAR, 1, 1), datetime.date(YEAR, 9, 30))
        post = WelfarePost(area_code=person[1], name=f"{POST_NAMES[kind]}岗{i + 1:03d}号",
                           kind=kind, monthly_pay=rng.choice((400, 500, 600, 800)),
                           established=start)
        posts.append(post)
        placements.append(Placement(post=post, person_id=person[0], area_code=person[1],
                                    start_date=start))
    bulk_create_records(_stamp(posts, now), WelfarePost, batch_size=500,
                             default_user=actor)
    for p in placements:
        p.post_id = p.post.pk
    bulk_create_records(_stamp(placements, now), Placement, batch_size=500,
                             default_user=actor)

    employments = []
    employed = take(round(len(rest) * 0.45))
    referrals = round(REFERRALS * scale)
    for i, person in enumerate(employed):
        start = _date(rng, datetime.date(YEAR - 1, 3, 1), datetime.date(YEAR, 11, 30))
        ended = rng.random() < 0.15
        employments.append(Employment(
            person_id=person[0], area_code=person[1],
            employer=rng.choice(("广元市某建筑公司", "成都某电子厂", "浙江某服装厂",
                                 "利州区某物流公司", "广东某制造企业", "本地种养殖合作社")),
            place=rng.choice(("01", "02", "02", "03", "03", "04", "04")),
            industry=rng.choice(("建筑", "制造", "物流", "家政", "餐饮", "种养殖")),
            start_date=start,
            end_date=min(start + datetime.timedelta(days=rng.randrange(60, 300)), on)
            if ended else None,
            monthly_income=rng.choice((2200, 2800, 3200, 3800, 4500)),
            channel="referral" if i < referrals else rng.choice(
                ("job_fair", "labour_export", "relatives", "self_found")),
            contract=rng.random() < 0.6))
    bulk_create_records(_stamp(employments, now), Employment, batch_size=500,
                             default_user=actor)

    ventures = []
    for i, person in enumerate(take(round(VENTURES * scale) or 1)):
        start = _date(rng, datetime.date(YEAR, 1, 1), datetime.date(YEAR, 11, 30))
        loan = rng.random() < 0.6
        employees = rng.randint(0, 8)
        ventures.append(Venture(
            person_id=person[0], area_code=person[1],
            business=rng.choice(("农家乐", "茶叶加工坊", "电商网店", "核桃收购点", "养殖场")),
            industry=rng.choice(("餐饮", "农产品加工", "电商", "种养殖")), start_date=start,
            college_student=i < COLLEGE_VENTURES,
            loan_amount=Decimal(rng.choice((50000, 100000))) if loan else None,
            loan_bank="四川省农村信用社" if loan else "", loan_start=start if loan else None,
            loan_end=start.replace(year=start.year + 2) if loan else None,
            interest_subsidy=Decimal(rng.choice((1500, 3000, 4500))) if loan else None,
            employees=employees, poor_employees=rng.randint(0, employees)))
    bulk_create_records(_stamp(ventures, now), Venture, batch_size=500,
                             default_user=actor)

    touched = {e.person_id for e in employments} | {v.person_id for v in ventures} | \
        {p.person_id for p in placements}
    person_status_refresh(person_ids=sorted(touched), actor=actor)
    return (f"五名单：{county} 培训班 {len(courses)} 个、参训 {len(enrolments)} 人次，"
            f"转移就业 {len(employments)}，公益性岗位 {len(posts)}，创业 {len(ventures)}")


def demo_step(*, password: str, options: dict) -> str:
    actor = get_user_model().objects.get(username="admin")
    return five_lists_demo(county="510802", actor=actor, scale=options.get("scale", 1.0))
