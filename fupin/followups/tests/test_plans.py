"""Visit plans move with the records: hires, job ends, ventures, visits, policy changes."""

import datetime

import pytest
from django.utils import timezone

from fupin.core.errors import ConcurrentEditError, ServiceError
from fupin.employment import services
from fupin.followups import plans, rules
from fupin.followups.models import VisitPlan
from fupin.registry.services import person_retire
from fupin.registry.tests.factories import fake_id, make_household, make_person

D = datetime.date
DAYS = datetime.timedelta


@pytest.fixture
def worker(demo_users):
    return demo_users["village_a"]


@pytest.fixture
def household(worker):
    return make_household(area_code=worker.scope_code)


def plan_of(person):
    return VisitPlan.objects.get(person=person)


def test_sequence_of_hires_job_ends_ventures_and_visits(worker, household):
    today = timezone.localdate()
    a = make_person(household=household, name="张三")
    b = make_person(household=household, name="李四", relation="02")
    plans.plans_refresh(person_ids=[a.pk])
    p = plan_of(a)
    assert (p.category, p.reason, p.interval_days) == ("key", "zero_household", 30)
    assert p.due_on == today + DAYS(30)
    assert plan_of(b).reason == "zero_household"  # the household's other member too

    # a household member hired: a is no longer of a zero-employment household
    services.employment_create(actor=worker, data={
        "person": b, "employer": "广元某电子厂", "place": "04", "start_date": D(2017, 3, 1)})
    p = plan_of(a)
    assert (p.category, p.reason, p.interval_days) == ("regular", "unemployed", 60)
    assert p.due_on == today + DAYS(30)  # min(current, since + 60)
    assert plan_of(b).reason == "employed" and plan_of(b).interval_days == 90

    # a hired himself
    job = services.employment_create(actor=worker, data={
        "person": a, "employer": "某建筑公司", "place": "02", "start_date": D(2017, 4, 1)})
    p = plan_of(a)
    assert (p.category, p.reason, p.interval_days) == ("regular", "employed", 90)
    assert p.history.filter(history_user=worker).exists()

    # a visit moves the due date
    visited = today - DAYS(10)
    p = plans.plan_visited(person=a, visited_on=visited, actor=worker)
    assert p.last_visit_on == visited and p.due_on == visited + DAYS(90)

    # the job ends: unemployed again → regular at the unemployed interval, due = min(...)
    job.refresh_from_db()
    services.employment_update(actor=worker, employment=job,
                               data={"end_date": today - DAYS(1)},
                               expected_version=job.version)
    p = plan_of(a)
    assert (p.category, p.reason, p.interval_days) == ("regular", "unemployed", 60)
    assert p.due_on == visited + DAYS(60)

    # a venture: needs, every 60 days
    services.venture_create(actor=worker, data={"person": a, "business": "张三农家乐",
                                                "start_date": today})
    p = plan_of(a)
    assert (p.category, p.reason, p.interval_days) == ("needs", "venture", 60)
    assert p.history.count() >= 5


def test_difficulty_rules_in_order(worker, household):
    today = timezone.localdate()
    b = make_person(household=household, name="李四", relation="02")
    services.employment_create(actor=worker, data={
        "person": b, "employer": "广元某电子厂", "place": "04", "start_date": D(2017, 3, 1)})
    ill = make_person(household=household, name="王五", relation="03", health="02")
    woman = make_person(household=household, name="赵六", relation="03",
                        id_number=fake_id(male=False))
    man = make_person(household=household, name="钱七", relation="03")
    plans.plans_refresh(person_ids=[b.pk])
    assert plan_of(ill).reason == "disabled_ill"
    assert plan_of(woman).reason == "age"
    assert plan_of(man).reason == "unemployed"
    # long unemployed: six months since the latest end of a job
    ended = services.employment_create(actor=worker, data={
        "person": man, "employer": "某厂", "place": "02", "start_date": D(2017, 1, 1),
        "end_date": today - DAYS(200)})
    assert ended.pk and plan_of(man).reason == "long_unemployed"
    assert plan_of(man).category == "key"


def test_policy_change_rederives_and_keeps_history(worker, household, demo_users,
                                                    django_capture_on_commit_callbacks):
    a = make_person(household=household)
    plans.plans_refresh(person_ids=[a.pk])
    admin = demo_users["admin"]
    pol = rules.policy()
    with django_capture_on_commit_callbacks(execute=True):
        rules.policy_update(actor=admin, data={"key_days": 20}, expected_version=pol.version)
    assert plan_of(a).interval_days == 20
    assert rules.policy().history.filter(history_user=admin).exists()
    with pytest.raises(ConcurrentEditError, match="已被他人修改"):
        rules.policy_update(actor=admin, data={"key_days": 25}, expected_version=pol.version)
    with pytest.raises(ServiceError, match="系统管理员"):
        rules.policy_update(actor=worker, data={"key_days": 25}, expected_version=None)
    with django_capture_on_commit_callbacks(execute=True):
        rules.policy_update(actor=admin, data={"rule_zero_household": False},
                            expected_version=None)
    assert plan_of(a).reason == "unemployed"


def test_non_labourer_and_retired_get_no_plan(worker, household):
    a = make_person(household=household)
    child = make_person(household=household, name="小明", relation="03", labour_capacity="05")
    plans.plans_refresh(person_ids=[a.pk])
    assert not VisitPlan.objects.filter(person=child).exists()
    person_retire(actor=worker, person=a, reason="迁出")
    p = plan_of(a)
    assert p.retired_at is not None and p.retired_reason


def test_nightly_agrees_with_incremental(worker, household):
    today = timezone.localdate()
    a = make_person(household=household)
    services.employment_create(actor=worker, data={
        "person": a, "employer": "某厂", "place": "02", "start_date": D(2017, 1, 1)})
    other = make_person(area_code=worker.scope_code, name="孙八")
    before = {p.person_id: (p.category, p.reason, p.due_on) for p in VisitPlan.objects.all()}
    assert plans.plans_refresh_all(on=today) == 1  # only the one nobody told yet
    after = {p.person_id: (p.category, p.reason, p.due_on) for p in VisitPlan.objects.all()}
    assert {k: v for k, v in after.items() if k != other.pk} == before
    assert plans.plans_refresh_all(on=today) == 0


# --- the settings page and the person page ---------------------------------------------------

def test_settings_page_admin_edits_stale_refused_others_refused(
        client, demo_users, worker, household, django_capture_on_commit_callbacks):
    from django.urls import reverse

    from fupin.followups.views.plans import PolicyForm

    a = make_person(household=household)
    plans.plans_refresh(person_ids=[a.pk])
    url = reverse("followups:policy")
    pol = rules.policy()
    data = {k: v for k, v in PolicyForm(instance=pol).initial.items() if v is not False}
    data.update(key_days=21, version=pol.version)
    client.force_login(demo_users["admin"])
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(url, data)
    assert resp.status_code == 200 and "回访设置已保存" in resp.content.decode()
    assert plan_of(a).interval_days == 21
    resp = client.post(url, {**data, "key_days": 22})  # the version the page had: stale
    assert resp.status_code == 409 and "已被他人修改" in resp.content.decode()
    assert rules.policy().key_days == 21
    history = client.get(reverse("followups:policy_history")).content.decode()
    assert "重点回访间隔" in history
    client.force_login(worker)
    assert client.get(url).status_code == 200
    assert "只有系统管理员" in client.get(url).content.decode()
    assert client.post(url, {**data, "version": rules.policy().version}).status_code == 403
    assert rules.policy().key_days == 21


def test_person_page_shows_the_plan(client, worker, household):
    from django.urls import reverse

    a = make_person(household=household)
    plans.plans_refresh(person_ids=[a.pk])
    VisitPlan.objects.filter(person=a).update(due_on=timezone.localdate() - DAYS(5))
    client.force_login(worker)
    page = client.get(reverse("registry:person_detail", args=[a.pk])).content.decode()
    assert "零就业家庭的未就业劳动力" in page and "已逾期 5 天" in page
