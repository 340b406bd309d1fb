"""/api/v1/techaid/missions/ and /api/v1/techaid/prescriptions/: nested measures written
through the service, the issue transition, the refusals in Chinese."""

import pytest

from fupin.areas.models import Area
from fupin.techaid.models import Prescription

from .factories_catalog import make_expert, make_industry
from .factories_prescriptions import make_mission, make_poor_village, make_prescription

MISSIONS = "/api/v1/techaid/missions/"
PRESCRIPTIONS = "/api/v1/techaid/prescriptions/"


def _post(client, url, data):
    return client.post(url, data=data, content_type="application/json")


def _patch(client, url, data):
    return client.patch(url, data=data, content_type="application/json")


@pytest.fixture
def county(demo_users, client):
    client.force_login(demo_users["wangcang_county"])
    return demo_users["wangcang_county"]


def test_mission_api_refuses_a_village_that_is_not_poor(county, client):
    village = make_poor_village("510821")
    Area.objects.filter(pk=village).update(poor_village=False)
    resp = _post(client, MISSIONS, {"area_code": village, "name": "团",
                                    "leader": make_expert().pk, "formed_on": "2017-03-01"})
    assert resp.status_code == 400 and "不是贫困村" in resp.content.decode()


def test_mission_api_refuses_a_leader_outside_a_research_institute(county, client):
    village = make_poor_village("510821")
    leader = make_expert(research_institute=False)
    resp = _post(client, MISSIONS, {"area_code": village, "name": "团", "leader": leader.pk,
                                    "formed_on": "2017-03-01"})
    assert resp.status_code == 400 and "科研院所专家" in resp.content.decode()


def test_mission_api_shows_members(county, client):
    from .factories_prescriptions import make_member

    mission = make_mission(area_code="510821")
    make_member(mission=mission)
    body = client.get(f"{MISSIONS}{mission.pk}/").json()
    assert body["leader_name"] == mission.leader.name and len(body["members"]) == 1


def test_prescription_api_writes_nested_measures_through_the_service(county, client):
    mission = make_mission(area_code="510821")
    resp = _post(client, PRESCRIPTIONS, {
        "area_code": mission.area_code, "industry": make_industry().pk, "year": 2017,
        "problems": "杂草多", "diagnosis": "管理粗放",
        "measures": [{"name": "春季修剪", "timing": "3月"}, {"name": "施肥"}]})
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert body["number"].startswith("CF-") and body["mission"] == mission.pk
    assert [(m["order"], m["name"]) for m in body["measures"]] == [(1, "春季修剪"), (2, "施肥")]
    url = f"{PRESCRIPTIONS}{body['id']}/"
    resp = _patch(client, url, {"measures": [{"name": "冬季清园"}], "version": 1})
    assert resp.status_code == 200 and [m["name"] for m in resp.json()["measures"]] == \
        ["冬季清园"]
    assert resp.json()["version"] == 2


def test_prescription_api_refuses_read_only_fields(county, client):
    p = make_prescription(area_code="510821")
    resp = _patch(client, f"{PRESCRIPTIONS}{p.pk}/", {"status": "issued", "version": 1})
    assert resp.status_code == 400 and "只读" in resp.content.decode()


def test_issue_through_the_api_then_no_edit(county, client):
    p = make_prescription(area_code="510821")
    options = client.get(f"{PRESCRIPTIONS}{p.pk}/transitions/").json()
    assert [o["name"] for o in options] == ["issue"]
    resp = _post(client, f"{PRESCRIPTIONS}{p.pk}/transitions/issue/", {"version": 1})
    assert resp.status_code == 200 and resp.json()["status"] == "issued"
    assert resp.json()["signed_by"] == p.mission.leader_id
    resp = _patch(client, f"{PRESCRIPTIONS}{p.pk}/", {"problems": "改", "version": 2})
    assert resp.status_code == 400 and "已签发，不能修改" in resp.content.decode()


def test_issue_without_measures_is_refused_through_the_api(county, client):
    p = make_prescription(area_code="510821", measures=0)
    resp = _post(client, f"{PRESCRIPTIONS}{p.pk}/transitions/issue/", {"version": 1})
    assert resp.status_code == 400 and "至少要有一条技术措施" in resp.content.decode()
    p.refresh_from_db()
    assert p.status == Prescription.Status.DRAFT


def test_an_expert_not_leading_the_mission_cannot_issue(demo_users, client):
    expert = demo_users["expert"]
    make_expert(area_code="510821", user=expert)
    p = make_prescription(area_code="510821")
    client.force_login(expert)
    resp = _post(client, f"{PRESCRIPTIONS}{p.pk}/transitions/issue/", {"version": 1})
    assert resp.status_code == 400 and "只有特派团团长" in resp.content.decode()


def test_the_leader_issues_through_the_api(demo_users, client):
    expert = demo_users["expert"]
    leader = make_expert(area_code="510821", user=expert)
    mission = make_mission(area_code="510821", leader=leader)
    p = make_prescription(mission=mission)
    client.force_login(expert)
    resp = _post(client, f"{PRESCRIPTIONS}{p.pk}/transitions/issue/", {"version": 1})
    assert resp.status_code == 200 and resp.json()["status"] == "issued"


def test_another_county_prescription_is_not_found(county, client):
    theirs = make_prescription(area_code="510802")
    assert client.get(f"{PRESCRIPTIONS}{theirs.pk}/").status_code == 404
    resp = _post(client, f"{PRESCRIPTIONS}{theirs.pk}/transitions/issue/", {"version": 1})
    assert resp.status_code == 404
