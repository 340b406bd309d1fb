"""A village worker on a 375 px phone records a visit offline that ends a job, goes back
online: the outbox empties, the job is ended, the person's status, category and next due date
change, and exactly one visit is recorded (the client key makes a retry safe)."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import expect

from fupin.core.demo import DEMO_PASSWORD
from tests.browser.conftest import PHONE
from tests.browser.nav import assert_fits_phone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _employed_person_with_a_due_plan(user):
    """A person of the worker's village with one open job, on the list (overdue)."""
    from django.utils import timezone

    from fupin.employment.models import Employment
    from fupin.followups.models import VisitPlan
    from fupin.registry.models import Person

    job = (Employment.objects.visible_to(user).active().filter(end_date__isnull=True)
           .order_by("pk").first())
    assert job is not None, "the demo village has a labourer in work"
    Employment.objects.filter(person=job.person, end_date__isnull=True).exclude(pk=job.pk) \
        .update(end_date=job.start_date)
    person = Person.objects.get(pk=job.person_id)
    due = timezone.localdate() - datetime.timedelta(days=3)
    plan = VisitPlan.objects.get(person=person, retired_at=None)  # derived by the demo
    VisitPlan.objects.filter(pk=plan.pk).update(due_on=due)
    plan.refresh_from_db()
    return person, job, plan


def test_record_a_visit_offline_that_ends_a_job(live_server, demo, browser, artifacts_dir):
    from django.contrib.auth import get_user_model

    from fupin.employment.models import Employment
    from fupin.followups.models import Visit, VisitPlan
    from fupin.registry.models import Person

    user = get_user_model().objects.get(username="village_a")
    person, job, plan = _employed_person_with_a_due_plan(user)
    status_before, category_before, due_before = (person.employment_status, plan.category,
                                                  plan.due_on)
    visits_before = Visit.objects.filter(person=person).count()  # the demo's, of past years
    context = browser.new_context(viewport=PHONE, locale="zh-CN",
                                  timezone_id="Asia/Shanghai", service_workers="allow")
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/accounts/login/")
        page.locator('input[name="username"]').fill("village_a")
        page.locator('input[name="password"]').fill(DEMO_PASSWORD)
        page.locator('form button[type="submit"]').click()
        page.wait_for_url(live_server.url + "/")
        page.goto(live_server.url + "/followups/")
        row = page.locator(f'[data-pane="overdue"] [data-person="{person.pk}"]')
        expect(row.locator(f'[data-record="{person.pk}"]')).to_be_visible()
        expect(page.get_by_test_id("sync-status")).to_have_text("已同步")
        assert_fits_phone(page, "the working list")
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")

        # no signal: the visit waits in the outbox
        context.set_offline(True)
        row.locator(f'[data-record="{person.pk}"]').click()
        form = page.get_by_test_id("visit-form")
        expect(form).to_be_visible()
        form.locator('select[name="method"]').select_option("home")
        form.locator('textarea[name="findings"]').fill("已返乡，不再务工")
        form.locator(f'[data-job] [data-testid="end-job-{job.pk}"]').check()
        assert_fits_phone(page, "the visit form")
        form.get_by_test_id("visit-submit").click()
        status = page.get_by_test_id("sync-status")
        expect(status).to_contain_text("离线")
        expect(status).to_contain_text("1 条待同步")
        page.screenshot(path=str(artifacts_dir / "followups-offline-phone.png"), full_page=True)
        assert Visit.objects.filter(person=person).count() == visits_before
        # still without signal, the page comes back from the service worker's cache, the
        # outbox with it
        page.reload()
        expect(page.get_by_test_id("sync-status")).to_contain_text("1 条待同步")
        expect(page.locator("#fupin-worklist")).to_be_visible()

        context.set_offline(False)
        page.evaluate("window.dispatchEvent(new Event('online'))")  # as the phone would
        expect(status).to_have_text("已同步", timeout=30_000)
        # a second flush (page load) sends nothing twice
        page.reload()
        expect(page.get_by_test_id("sync-status")).to_have_text("已同步")
    finally:
        context.close()

    assert Visit.objects.filter(person=person).count() == visits_before + 1
    visit = Visit.objects.filter(person=person).latest("pk")
    assert visit.client_key and visit.findings == "已返乡，不再务工"
    job.refresh_from_db()
    assert job.end_date is not None
    person = Person.objects.get(pk=person.pk)
    plan = VisitPlan.objects.get(pk=plan.pk)
    assert person.employment_status != status_before
    assert plan.category != category_before or plan.reason != "employed"
    assert plan.due_on != due_before
    assert not Employment.objects.filter(pk=job.pk, end_date__isnull=True).exists()


def _login(page, base):
    page.goto(base + "/accounts/login/")
    page.locator('input[name="username"]').fill("village_a")
    page.locator('input[name="password"]').fill(DEMO_PASSWORD)
    page.locator('form button[type="submit"]').click()
    page.wait_for_url(base + "/")


def test_record_an_intention_change_offline(live_server, demo, browser, artifacts_dir):
    """The offline form's 就业意向变化 block: the code lists come with the page (offline), the
    change goes in the visits API's shape and, after the sync, is the person's registry
    record (with the visit)."""
    from django.contrib.auth import get_user_model

    from fupin.core import codes
    from fupin.followups.models import Visit
    from fupin.registry.models import Person

    user = get_user_model().objects.get(username="village_a")
    person, _job, _plan = _employed_person_with_a_due_plan(user)
    version, visits_before = person.version, Visit.objects.filter(person=person).count()
    place, place_label = codes.choices("work_place")[2]
    kind, kind_label = codes.choices("training_kind")[1]
    context = browser.new_context(viewport=PHONE, locale="zh-CN",
                                  timezone_id="Asia/Shanghai", service_workers="allow")
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        _login(page, live_server.url)
        page.goto(live_server.url + "/followups/")
        expect(page.get_by_test_id("sync-status")).to_have_text("已同步")
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        row = page.locator(f'[data-pane="overdue"] [data-person="{person.pk}"]')
        page.reload()  # now under the service worker, which keeps the page and the list
        expect(row.locator(f'[data-record="{person.pk}"]')).to_be_visible()
        context.set_offline(True)
        page.reload()  # the page from the service worker's cache: its code lists with it
        row.locator(f'[data-record="{person.pk}"]').click()
        form = page.get_by_test_id("visit-form")
        expect(form).to_be_visible()
        form.locator('select[name="method"]').select_option("phone")
        form.locator('textarea[name="findings"]').fill("想学厨师，去市内县外务工")
        form.get_by_test_id("intention").locator("summary").click()
        expect(form.get_by_test_id("change-intention")).not_to_be_checked()
        form.locator('select[name="work_place_wish"]').select_option(label=place_label)
        expect(form.get_by_test_id("change-intention")).to_be_checked()  # changing is recording
        form.locator('input[name="wants_training"]').check()
        form.locator('input[name="wants_work"]').check()
        form.locator('select[name="training_wish"]').select_option(label=kind_label)
        form.locator('input[name="industry_wish"]').fill("餐饮")
        form.locator('input[name="expected_wage"]').fill("4500")
        assert_fits_phone(page, "the visit form with the intention block")
        page.screenshot(path=str(artifacts_dir / "followups-offline-intention.png"),
                        full_page=True)
        form.get_by_test_id("visit-submit").click()
        status = page.get_by_test_id("sync-status")
        expect(status).to_contain_text("1 条待同步")
        assert Person.objects.get(pk=person.pk).version == version  # nothing sent yet
        context.set_offline(False)
        page.evaluate("window.dispatchEvent(new Event('online'))")
        expect(status).to_have_text("已同步", timeout=30_000)
    finally:
        context.close()
    person = Person.objects.get(pk=person.pk)
    assert (person.wants_work, person.wants_training, person.work_place_wish,
            person.training_wish, person.industry_wish, person.expected_wage) == (
        True, True, place, kind, "餐饮", 4500)
    assert person.version == version + 1
    assert Visit.objects.filter(person=person).count() == visits_before + 1
    visit = Visit.objects.filter(person=person).latest("pk")
    assert [c["action"] for c in visit.changes] == ["change_intention"]


def test_a_conflict_is_shown_with_both_versions(live_server, demo, browser):
    """The client against the contract (the endpoint answered by the test): 409 keeps the
    visit and shows mine and the server's; "discard my change" resends without it; 201
    empties the outbox. The same client key is sent each time."""
    import json

    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="village_a")
    person, job, _plan = _employed_person_with_a_due_plan(user)
    sent: list[dict] = []

    def visits(route):
        body = json.loads(route.request.post_data)
        sent.append(body)
        if len(sent) == 1:
            route.fulfill(status=409, content_type="application/json", body=json.dumps({
                "detail": "记录已被修改", "code": "conflict", "conflicts": [{
                    "action": "end_employment", "label": job.employer,
                    "mine": {"id": job.pk, "version": job.version, "end_date": "2026-11-30"},
                    "server": {"id": job.pk, "version": job.version + 1,
                               "monthly_income": 4000}}]}))
        else:
            route.fulfill(status=201, content_type="application/json", body="{}")

    context = browser.new_context(viewport=PHONE, locale="zh-CN",
                                  timezone_id="Asia/Shanghai", service_workers="block")
    context.set_default_timeout(15_000)
    context.route("**/api/v1/followups/visits/", visits)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/accounts/login/")
        page.locator('input[name="username"]').fill("village_a")
        page.locator('input[name="password"]').fill(DEMO_PASSWORD)
        page.locator('form button[type="submit"]').click()
        page.wait_for_url(live_server.url + "/")
        page.goto(live_server.url + "/followups/")
        page.locator(f'[data-record="{person.pk}"]').click()
        form = page.get_by_test_id("visit-form")
        form.locator(f'[data-testid="end-job-{job.pk}"]').check()
        form.get_by_test_id("visit-submit").click()
        conflict = page.get_by_test_id("conflict")
        expect(conflict).to_contain_text("我的记录")
        expect(conflict).to_contain_text("服务器上的记录")
        expect(page.get_by_test_id("sync-status")).to_contain_text("1 条待同步")
        conflict.get_by_role("button", name="放弃我的修改").click()
        expect(page.get_by_test_id("sync-status")).to_have_text("已同步")
    finally:
        context.close()
    assert len(sent) == 2 and sent[0]["client_key"] == sent[1]["client_key"]
    assert sent[0]["changes"][0] == {"action": "end_employment", "id": job.pk,
                                     "version": job.version,
                                     "end_date": (datetime.date.fromisoformat(
                                         sent[0]["visited_on"]) - datetime.timedelta(days=1)
                                     ).isoformat()}  # the last day worked: yesterday
    assert sent[1]["changes"] == []
    assert set(sent[0]) == {"client_key", "person", "visited_on", "method", "findings",
                            "changes", "needs"}
