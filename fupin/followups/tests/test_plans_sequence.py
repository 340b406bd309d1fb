"""Issue 10 item 1: plans by category, derived from the records, moved by every change in the
writer's transaction — a sequence of hires, job ends, ventures and visits."""

import datetime

import pytest
from django.utils import timezone

from fupin.employment import services as jobs
from fupin.followups import plans
from fupin.followups.models import Category, Reason, VisitPlan
from fupin.followups.rules import policy
from fupin.registry import services as registry
from fupin.registry.tests.factories import fake_id, make_household, make_person

D = datetime.date
TODAY = timezone.localdate


@pytest.fixture
def worker(demo_users):
    return demo_users["village_a"]


def plan_of(person):
    return VisitPlan.objects.get(person=person)


def days(n):
    return datetime.timedelta(days=n)


def test_a_labourers_category_follows_hires_job_ends_ventures_and_visits(worker):
    household = make_household(area_code=worker.scope_code)
    me = make_person(household=household, id_number=fake_id(birth=D(1990, 1, 1)))
    sister = make_person(household=household, relation="10",
                         id_number=fake_id(birth=D(1995, 1, 1), male=False))
    plans.plans_refresh(person_ids=[me.pk], actor=worker)
    # nobody in the household works: both are key visits, because of the household
    p = plan_of(me)
    assert (p.category, p.reason, p.interval_days) == (Category.KEY, Reason.ZERO_HOUSEHOLD,
                                                       30)
    assert p.due_on == TODAY() + days(30)
    assert plan_of(sister).category == Category.KEY  # the household's members came along

    # the sister is hired: she is a regular visit, and I am no longer of a zero household
    jobs.employment_create(actor=worker, data={
        "person": sister, "employer": "成都某电子厂", "place": "04",
        "start_date": TODAY() - days(10)})
    s = plan_of(sister)
    assert (s.category, s.reason, s.interval_days) == (Category.REGULAR, Reason.EMPLOYED, 90)
    assert s.due_on == TODAY() + days(30)  # the earlier of the current due date and 90 days
    p = plan_of(me)
    # registered today, never worked: not yet 6 months unemployed, not old → regular
    assert (p.category, p.reason, p.interval_days) == (Category.REGULAR, Reason.UNEMPLOYED,
                                                       60)

    # I start a venture: a needs visit
    venture = jobs.venture_create(actor=worker, data={
        "person": me, "business": "农家乐", "start_date": TODAY() - days(5)})
    p = plan_of(me)
    assert (p.category, p.reason, p.interval_days) == (Category.NEEDS, Reason.VENTURE, 60)

    # a visit moves the due date an interval after it; an older visit moves nothing
    plans.plan_visited(person=me, visited_on=TODAY(), actor=worker)
    assert plan_of(me).due_on == TODAY() + days(60)
    plans.plan_visited(person=me, visited_on=TODAY() - days(20), actor=worker)
    assert plan_of(me).last_visit_on == TODAY()

    # the venture closes and the sister's job ends: a zero household again, key, and due
    # at the earlier of the current date and 30 days after the last visit
    jobs.venture_update(actor=worker, venture=venture, data={"end_date": TODAY() - days(1)},
                        expected_version=venture.version)
    job = sister.employments.get()
    jobs.employment_update(actor=worker, employment=job, data={"end_date": TODAY() - days(1)},
                           expected_version=job.version)
    p = plan_of(me)
    assert (p.category, p.reason) == (Category.KEY, Reason.ZERO_HOUSEHOLD)
    assert p.due_on == TODAY() + days(30)
    assert p.history.count() >= 4  # every move is in the history


def test_difficulty_rules_in_their_order_and_settings_change_them(worker):
    working = make_household(area_code=worker.scope_code)
    make_person(household=working, id_number=fake_id(birth=D(1990, 1, 1)))
    jobs.employment_create(actor=worker, data={
        "person": working.members.get(), "employer": "某厂", "place": "01",
        "start_date": D(2020, 1, 1)})
    ill = make_person(household=working, relation="10", health="04",
                      id_number=fake_id(birth=D(1992, 1, 1)))
    older = make_person(household=working, relation="10",
                        id_number=fake_id(birth=D(1970, 1, 1), male=False))
    plans.plans_refresh(person_ids=[ill.pk], actor=worker)
    assert plan_of(ill).reason == Reason.DISABLED_ILL
    assert plan_of(older).reason == Reason.AGE  # a woman over 40 without work
    rules = policy()
    rules.women_age = 0
    rules.save()
    plans.plans_refresh_all()
    assert plan_of(older).reason == Reason.UNEMPLOYED


def test_long_unemployed_counts_from_the_last_job(worker):
    household = make_household(area_code=worker.scope_code)
    me = make_person(household=household, id_number=fake_id(birth=D(1995, 1, 1)))
    other = make_person(household=household, relation="10",
                        id_number=fake_id(birth=D(1996, 1, 1)))
    jobs.employment_create(actor=worker, data={"person": other, "employer": "某厂",
                                               "place": "01", "start_date": D(2020, 1, 1)})
    jobs.employment_create(actor=worker, data={
        "person": me, "employer": "某厂", "place": "01", "start_date": D(2020, 1, 1),
        "end_date": TODAY() - days(200)})
    assert plan_of(me).reason == Reason.LONG_UNEMPLOYED
    plans.plans_refresh(person_ids=[me.pk], on=TODAY() - days(100))
    assert plan_of(me).reason == Reason.UNEMPLOYED  # 100 days after the job: not yet


def test_non_labourers_and_retired_people_have_no_active_plan(worker):
    child = make_person(area_code=worker.scope_code, id_number=fake_id(birth=D(2015, 1, 1)))
    adult = make_person(area_code=worker.scope_code)
    plans.plans_refresh(person_ids=[child.pk, adult.pk])
    assert not VisitPlan.objects.filter(person=child).exists()
    registry.person_retire(actor=worker, person=adult, reason="迁出")
    plan = VisitPlan.objects.get(person=adult)
    assert plan.retired_at is not None
    registry.person_restore(actor=worker.__class__.objects.get(username="admin"),
                            person=adult)
    assert VisitPlan.objects.get(person=adult).retired_at is None


def test_nightly_agrees_with_the_incremental_refresh_and_writes_nothing_twice(worker):
    for _ in range(3):
        make_person(area_code=worker.scope_code)
    first = plans.plans_refresh_all()
    assert first == 3
    assert plans.plans_refresh_all() == 0
