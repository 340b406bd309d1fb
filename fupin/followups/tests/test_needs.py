"""The needs workflow (models.Need.workflow, needs.py): steps, refusals, the linked record's
checks, the raiser told."""

import pytest
from django.core.exceptions import PermissionDenied

from fupin.core import workflows
from fupin.core.errors import ServiceError
from fupin.core.models import Notification
from fupin.employment.tests.factories import make_employment
from fupin.followups.models import Need
from fupin.followups.tests.factories import make_need
from fupin.registry.tests.factories import make_person

S = Need.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def step(django_capture_on_commit_callbacks):
    """A transition whose after-commit effects (the raiser told) run at once."""
    def run(**kw):
        with django_capture_on_commit_callbacks(execute=True):
            return workflows.transition(**kw)
    return run


@pytest.fixture
def village(demo_users):
    return demo_users["village_a"].scope_code


@pytest.fixture
def officer(demo_users):
    return demo_users["lizhou_township"]


def test_accept_then_meet_with_a_linked_record_of_the_person(demo_users, village, officer,
                                                             step):
    need = make_need(area_code=village, raised_by=demo_users["village_a"])
    need = workflows.transition(actor=officer, obj=need, name="accept")
    assert need.status == S.ACCEPTED
    job = make_employment(person=need.person)
    need = step(actor=officer, obj=need, name="meet", met_by="job",
                                resolution="介绍到园区企业",
                met_record_type="employment.employment",
                                met_record_id=str(job.pk))
    need.refresh_from_db()
    assert need.status == S.MET and need.met_by == "job" and need.closed_on
    assert (need.met_record_type, need.met_record_id) == ("employment.employment", job.pk)
    n = Notification.objects.get(recipient=demo_users["village_a"], kind="followups.need")
    assert str(need.pk) in n.link


def test_a_household_members_record_is_accepted(village, officer):
    need = make_need(area_code=village)
    other = make_person(household=need.person.household)
    job = make_employment(person=other)
    workflows.transition(actor=officer, obj=need, name="meet", met_by="job",
                         met_record_type="employment.employment", met_record_id=job.pk)
    need.refresh_from_db()
    assert need.status == S.MET


def test_another_households_record_is_refused(village, officer):
    need = make_need(area_code=village)
    job = make_employment(person=make_person(area_code=village))
    with pytest.raises(ServiceError, match="家庭成员"):
        workflows.transition(actor=officer, obj=need, name="meet", met_by="job",
                             met_record_type="employment.employment", met_record_id=job.pk)
    need.refresh_from_db()
    assert need.status == S.RAISED and need.version == 1


@pytest.mark.parametrize(("payload", "match"), [
    ({"met_by": "bogus"}, "解决方式"),
    ({"met_by": "job", "met_record_type": "registry.person", "met_record_id": 1}, "类型无效"),
    ({"met_by": "job", "met_record_type": "employment.employment", "met_record_id": 999999},
     "不存在"),
    ({"met_by": "job", "met_record_type": "employment.employment", "met_record_id": "x"},
     "编号"),
])
def test_bad_meet_payloads_are_refused(village, officer, payload, match):
    need = make_need(area_code=village)
    with pytest.raises(ServiceError, match=match):
        workflows.transition(actor=officer, obj=need, name="meet", **payload)


def test_a_retired_record_is_refused(village, officer):
    from django.utils import timezone

    need = make_need(area_code=village)
    job = make_employment(person=need.person, retired_at=timezone.now())
    with pytest.raises(ServiceError, match="不存在"):
        workflows.transition(actor=officer, obj=need, name="meet", met_by="job",
                             met_record_type="employment.employment", met_record_id=job.pk)


def test_fail_needs_a_reason_and_closes(demo_users, village, officer, step):
    need = make_need(area_code=village, raised_by=demo_users["village_a"])
    with pytest.raises(ServiceError):
        workflows.transition(actor=officer, obj=need, name="fail")
    need = step(actor=officer, obj=need, name="fail", reason="无合适项目")
    need.refresh_from_db()
    assert need.status == S.UNMET and need.closed_on
    # the reason is the need's 办理情况 (the list and the export show it), with history
    assert need.resolution == "无合适项目"
    assert need.history.latest().resolution == "无合适项目"
    assert Notification.objects.filter(recipient=demo_users["village_a"]).exists()


def test_a_village_worker_cannot_take_the_steps(demo_users, village):
    need = make_need(area_code=village)
    with pytest.raises(PermissionDenied):
        workflows.transition(actor=demo_users["village_a"], obj=need, name="accept")


@pytest.mark.parametrize("state", [S.MET, S.UNMET])
def test_closed_needs_take_no_step(village, officer, state):
    need = make_need(area_code=village, status=state)
    for name in ("accept", "meet", "fail"):
        with pytest.raises(ServiceError, match="当前状态为"):
            workflows.transition(actor=officer, obj=need, name=name, met_by="job", reason="x")


def test_a_raiser_who_no_longer_sees_it_is_not_told(demo_users, village, officer, step):
    raiser = demo_users["village_b"]  # another village: cannot see this need
    need = make_need(area_code=village, raised_by=raiser)
    step(actor=officer, obj=need, name="fail", reason="x")
    assert not Notification.objects.filter(recipient=raiser, kind="followups.need").exists()


def test_the_detail_page_shows_the_linked_record(client, village, officer):
    from django.urls import reverse

    need = make_need(area_code=village)
    job = make_employment(person=need.person)
    workflows.transition(actor=officer, obj=need, name="meet", met_by="job",
                         met_record_type="employment.employment", met_record_id=job.pk)
    client.force_login(officer)
    r = client.get(reverse("followups:need_detail", args=[need.pk]))
    assert r.status_code == 200 and b'data-testid="met-record"' in r.content
    assert reverse("employment:employment_detail", args=[job.pk]).encode() in r.content


def test_the_api_takes_the_meet_step_with_a_choice_payload(client, village, officer):
    need = make_need(area_code=village)
    job = make_employment(person=need.person)
    client.force_login(officer)
    url = f"/api/v1/followups/needs/{need.pk}/transitions/"
    steps = [s["name"] for s in client.get(url).json()]
    assert steps == ["accept", "meet", "fail"]
    bad = client.post(f"{url}meet/", {"version": 1, "payload": {"met_by": "nope"}},
                      content_type="application/json")
    assert bad.status_code == 400 and "解决方式" in bad.content.decode()
    resp = client.post(f"{url}meet/", {"version": 1, "payload": {
        "met_by": "job", "met_record_type": "employment.employment",
        "met_record_id": job.pk}}, content_type="application/json")
    assert resp.status_code == 200, resp.content
    assert resp.json()["status"] == "met" and resp.json()["met_record_id"] == job.pk


def test_a_long_fail_reason_is_cut_to_the_resolutions_length(village, officer, client):
    need = make_need(area_code=village)
    reason = "因" * 450
    workflows.transition(actor=officer, obj=need, name="fail", reason=reason)
    need.refresh_from_db()
    assert need.resolution == reason[:300]
    from fupin.core.models import DomainEvent
    assert DomainEvent.objects.get(object_id=need.pk, transition="fail").reason == reason
    client.force_login(officer)
    page = client.get("/followups/needs/").content.decode()
    assert "因" * 300 in page
    # and the list's export: a 办理情况 column holding it
    import io

    from python_calamine import CalamineWorkbook

    response = client.get("/followups/needs/export/")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content))) \
        .get_sheet_by_index(0).to_python()
    column = [str(c) for c in rows[0]].index("办理情况")
    assert [r[column] for r in rows[1:] if any(r)] == [reason[:300]]
