"""The plans' bulk writes (history for every plan created or changed, only changed columns)
and the re-derivation after a policy change as a background task with its progress."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from fupin.followups import plans, rules
from fupin.followups.models import VisitPlan
from fupin.registry.tests.factories import make_household, make_person

DAYS = datetime.timedelta


@pytest.fixture(autouse=True)
def _clear_progress():
    cache.delete(plans.REPLAN_KEY)
    yield
    cache.delete(plans.REPLAN_KEY)


@pytest.fixture
def worker(demo_users):
    return demo_users["village_a"]


@pytest.fixture
def admin(demo_users):
    return demo_users["admin"]


@pytest.fixture
def household(worker):
    return make_household(area_code=worker.scope_code)


def _labourers(household, n):
    return [make_person(household=household, name=f"人{i}") for i in range(n)]


def test_first_fill_writes_created_history(household):
    people = _labourers(household, 3)
    VisitPlan.history.all().delete()
    VisitPlan.objects.all().delete()
    assert plans.plans_refresh_all() == 3
    for person in people:
        plan = VisitPlan.objects.get(person=person)
        history = list(plan.history.all())
        assert [h.history_type for h in history] == ["+"]
        assert history[0].history_user_id is None  # the nightly: the system
        assert history[0].category == plan.category and history[0].due_on == plan.due_on
        assert abs(history[0].history_date - timezone.now()) < DAYS(minutes=1)
    assert plans.plans_refresh_all() == 0  # steady: nothing written, no history
    assert VisitPlan.history.count() == 3


def test_change_writes_changed_history_with_user_and_only_changed_columns(household, admin):
    a, b = _labourers(household, 2)
    assert plans.plans_refresh_all() == 2
    plan = VisitPlan.objects.get(person=a)
    untouched = VisitPlan.objects.get(person=b)
    # a visit recorded since: the refresh must not lose it (it writes only what it changes)
    VisitPlan.objects.filter(pk=plan.pk).update(
        last_visit_on=timezone.localdate(), reminded_for=timezone.localdate())
    VisitPlan.objects.filter(pk=untouched.pk).update(interval_days=1)  # off: gets fixed
    before = plan.history.count()
    policy = rules.policy()
    policy.key_days = 25
    policy.save()
    written = plans.plans_refresh_all(actor=admin)
    assert written == 2
    plan.refresh_from_db()
    assert plan.interval_days == 25 and plan.version == 2
    assert plan.last_visit_on == timezone.localdate()
    assert plan.reminded_for == timezone.localdate()
    latest = plan.history.first()
    assert plan.history.count() == before + 1
    assert latest.history_type == "~" and latest.history_user == admin
    assert latest.interval_days == 25 and latest.version == 2
    assert latest.last_visit_on == timezone.localdate()


def test_retired_person_plan_retired_with_history(household, worker):
    from fupin.registry.models import Person

    a = make_person(household=household)
    plans.plans_refresh(person_ids=[a.pk])
    Person.objects.filter(pk=a.pk).update(retired_at=timezone.now())
    assert plans.plans_refresh_all() == 1
    plan = VisitPlan.objects.get(person=a)
    assert plan.retired_at is not None and plan.retired_reason == "已停用"
    assert plan.history.first().history_type == "~"
    Person.objects.filter(pk=a.pk).update(retired_at=None)
    assert plans.plans_refresh_all() == 1
    plan.refresh_from_db()
    assert plan.retired_at is None and plan.retired_reason == ""


def test_progress_callback_and_stop(household, worker, monkeypatch):
    _labourers(household, 2)
    make_person(area_code=worker.scope_code, name="另一户")
    monkeypatch.setattr(plans, "CHUNK", 1)
    seen = []
    plans.plans_refresh_all(progress=lambda done, total: seen.append((done, total)))
    assert seen == [(0, 2), (1, 2), (2, 2)]
    asked = []

    def stop():
        asked.append(1)
        return len(asked) > 1

    with pytest.raises(plans.Stopped):
        plans.plans_refresh_all(stop=stop)


# --- the policy change: a task, with the page following it -----------------------------------

class _Recorder:
    """Stands for the task: records what would be queued."""

    def __init__(self, queued):
        self.enqueue = lambda *args: queued.append(args)


def _post_change(client, **changes):
    from fupin.followups.views.plans import PolicyForm

    pol = rules.policy()
    data = {k: v for k, v in PolicyForm(instance=pol).initial.items() if v is not False}
    data.update(changes, version=pol.version)
    return client.post(reverse("followups:policy"), data)


def test_policy_change_enqueues_the_task_after_commit(client, admin, household, monkeypatch,
                                                      django_capture_on_commit_callbacks):
    a = make_person(household=household)
    plans.plans_refresh(person_ids=[a.pk])
    queued = []
    monkeypatch.setattr(plans, "replan_task", _Recorder(queued))
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        resp = _post_change(client, key_days=21)
    assert resp.status_code == 200 and rules.policy().key_days == 21
    assert queued == [] and len(callbacks) == 1  # not before the commit
    callbacks[0]()
    assert queued == [(rules.policy().version, admin.pk)]
    assert VisitPlan.objects.get(person=a).interval_days != 21  # the worker has not run yet
    page = client.get(reverse("followups:policy")).content.decode()
    assert "已排队" in page and 'hx-get="/followups/settings/replan/status/"' in page


def test_task_updates_plans_and_page_says_done(client, admin, household,
                                               django_capture_on_commit_callbacks):
    a = make_person(household=household)
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        resp = _post_change(client, key_days=22)  # the immediate backend runs the task
    plan = VisitPlan.objects.get(person=a)
    assert plan.interval_days == 22 and plan.history.first().history_user == admin
    state = plans.replan_progress()
    assert state["phase"] == "done" and state["version"] == rules.policy().version
    assert state["done"] == state["total"] == 1 and state["written"] == 1
    assert resp.status_code == 200
    assert "已按第" in client.get(reverse("followups:policy")).content.decode()
    status = client.get(reverse("followups:replan_status"))
    assert status.status_code == 200 and 'data-phase="done"' in status.content.decode()
    assert "hx-get" not in status.content.decode()  # finished: no more polling


def test_progress_endpoint_admins_only(client, worker, demo_users):
    client.force_login(worker)
    assert client.get(reverse("followups:replan_status")).status_code == 403
    assert client.post(reverse("followups:replan")).status_code == 403
    client.force_login(demo_users["county"] if "county" in demo_users else worker)
    assert client.get(reverse("followups:replan_status")).status_code == 403
    client.logout()
    assert client.get(reverse("followups:replan_status")).status_code == 302
    page_as_worker = None
    client.force_login(worker)
    page_as_worker = client.get(reverse("followups:policy")).content.decode()
    assert "replan-status" not in page_as_worker


def test_running_progress_and_interrupted(client, admin, monkeypatch):
    client.force_login(admin)
    version = rules.policy().version
    plans._replan_note(version, "running", done=3, total=10)
    body = client.get(reverse("followups:replan_status")).content.decode()
    assert "3 / 10" in body and 'data-width="30"' in body and "hx-get" in body
    state = cache.get(plans.REPLAN_KEY)
    cache.set(plans.REPLAN_KEY, {**state, "at": state["at"] - 3600})  # no beat for an hour
    body = client.get(reverse("followups:replan_status")).content.decode()
    assert 'data-phase="interrupted"' in body and "已中断" in body and "hx-get" not in body


def test_failed_task_shows_chinese_message_and_retry(client, admin, household, monkeypatch,
                                                     django_capture_on_commit_callbacks):
    a = make_person(household=household)

    def boom(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(plans, "plans_refresh_all", boom)
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        resp = _post_change(client, key_days=23)
    assert resp.status_code == 200 and rules.policy().key_days == 23  # the change is kept
    assert plans.replan_progress()["phase"] == "failed"
    body = client.get(reverse("followups:replan_status")).content.decode()
    assert "回访计划重新计算失败" in body and 'data-testid="replan-retry"' in body
    monkeypatch.undo()
    resp = client.post(reverse("followups:replan"))  # the retry, run at once here
    assert resp.status_code == 302
    assert VisitPlan.objects.get(person=a).interval_days == 23
    assert plans.replan_progress()["phase"] == "done"


def test_two_quick_changes_leave_plans_on_the_latest(admin, household, monkeypatch,
                                                     django_capture_on_commit_callbacks):
    a = make_person(household=household)
    queued = []
    monkeypatch.setattr(plans, "replan_task", _Recorder(queued))
    with django_capture_on_commit_callbacks(execute=True):
        rules.policy_update(actor=admin, data={"key_days": 24}, expected_version=None)
    with django_capture_on_commit_callbacks(execute=True):
        rules.policy_update(actor=admin, data={"key_days": 26}, expected_version=None)
    assert len(queued) == 2
    monkeypatch.undo()
    # the worker runs them in order: the first is superseded, the second derives all
    assert plans.replan_task.call(*queued[0]) == "superseded"
    assert plans.replan_progress()["phase"] == "queued"  # the newer run's state is kept
    assert plans.replan_task.call(*queued[1]) == "done"
    assert VisitPlan.objects.get(person=a).interval_days == 26


def test_run_stops_when_a_newer_change_lands(admin, household, worker, monkeypatch):
    _labourers(household, 1)
    make_person(area_code=worker.scope_code, name="另一户")
    monkeypatch.setattr(plans, "CHUNK", 1)
    version = rules.policy().version
    real = plans.plans_refresh_all

    def refresh_then_change(**kwargs):
        def progress(done, total):
            kwargs["progress"](done, total)
            if done == 1:  # a newer change is saved while the first run is going
                rules.VisitPolicy.objects.filter(pk=1).update(version=version + 1)
        return real(**{**kwargs, "progress": progress})

    monkeypatch.setattr(plans, "plans_refresh_all", refresh_then_change)
    assert plans.replan_task.call(version, admin.pk) == "superseded"


def test_incremental_refresh_in_slices_of_households(worker, monkeypatch):
    """plans_refresh names households in slices (SQLite's parameter limit)."""
    monkeypatch.setattr(plans, "IDS_PER_QUERY", 2)
    people = [make_person(household=make_household(area_code=worker.scope_code), name=f"户{i}")
              for i in range(5)]
    assert plans.plans_refresh(person_ids=[p.pk for p in people], actor=worker) == 5
    assert VisitPlan.objects.filter(person__in=people).count() == 5
    assert VisitPlan.history.filter(history_type="+", history_user=worker).count() == 5
    assert plans.plans_refresh(person_ids=[p.pk for p in people]) == 0


def test_unemployed_since_registration_is_the_local_date(worker, household):
    """Without an ended job, months unemployed count from the local day of registration
    (SQLite: read as stored text, in UTC, and converted)."""
    from fupin.employment import services
    from fupin.registry.models import Person

    b = make_person(household=household, name="李四", relation="02")
    services.employment_create(actor=worker, data={
        "person": b, "employer": "某厂", "place": "04",
        "start_date": datetime.date(2017, 3, 1)})
    man = make_person(household=household, name="钱七", relation="03")
    # 17:00 UTC on 31 January is 1 February in Beijing
    Person.objects.filter(pk=man.pk).update(
        created_at=datetime.datetime(2026, 1, 31, 17, 0, tzinfo=datetime.UTC))
    plans.plans_refresh_all(on=datetime.date(2026, 7, 31))
    assert VisitPlan.objects.get(person=man).reason == "unemployed"  # 5 months
    plans.plans_refresh_all(on=datetime.date(2026, 8, 1))
    assert VisitPlan.objects.get(person=man).reason == "long_unemployed"  # 6 months
