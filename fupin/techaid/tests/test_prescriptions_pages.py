"""The pages of missions and prescriptions: the mission's page with its members and
prescriptions, members joined and left there, the prescription form's measures, the issue
button, the filters, the menu."""

import pytest

from fupin.techaid.models import Prescription

from .factories_catalog import make_expert, make_industry, make_technician
from .factories_prescriptions import make_member, make_mission, make_prescription


@pytest.fixture
def county(demo_users, client):
    client.force_login(demo_users["wangcang_county"])
    return demo_users["wangcang_county"]


def test_mission_page_shows_members_and_prescriptions(county, client):
    mission = make_mission(area_code="510821")
    member = make_member(mission=mission)
    p = make_prescription(mission=mission)
    html = client.get(f"/techaid/missions/{mission.pk}/").content.decode()
    assert member.technician.name in html and p.number in html
    assert f"/techaid/prescriptions/new/?village={mission.area_code}" in html


def test_members_join_and_leave_on_the_mission_page(county, client):
    mission = make_mission(area_code="510821")
    technician = make_technician(area_code=mission.area_code[:9])
    resp = client.post(f"/techaid/missions/{mission.pk}/members/",
                       {"technician": technician.pk, "industry": make_industry().pk},
                       follow=True)
    assert "已增加成员" in resp.content.decode()
    member = mission.members.get()
    resp = client.post(f"/techaid/missions/members/{member.pk}/leave/", follow=True)
    assert "已退出特派团" in resp.content.decode()
    member.refresh_from_db()
    assert member.left_on is not None


def test_a_technician_of_another_county_is_not_offered(county, client):
    mission = make_mission(area_code="510821")
    theirs = make_technician(area_code="510802001", name="外县技术员")
    html = client.get(f"/techaid/missions/{mission.pk}/").content.decode()
    assert "外县技术员" not in html
    client.post(f"/techaid/missions/{mission.pk}/members/", {"technician": theirs.pk})
    assert not mission.members.exists()


def test_another_county_member_cannot_be_removed(county, client):
    theirs = make_member(mission=make_mission(area_code="510802"))
    assert client.post(f"/techaid/missions/members/{theirs.pk}/leave/").status_code == 404


def test_mission_list_filters_by_township_and_prescriptions(county, client):
    with_p = make_mission(area_code="510821")
    make_prescription(mission=with_p)
    without = make_mission(area_code="510821")
    html = client.get("/techaid/missions/", {"has_prescriptions": "true"}).content.decode()
    assert f"/techaid/missions/{with_p.pk}/" in html
    assert f"/techaid/missions/{without.pk}/" not in html
    html = client.get("/techaid/missions/", {"has_prescriptions": "false"}).content.decode()
    assert f"/techaid/missions/{without.pk}/" in html
    township = with_p.area_code[:9]
    html = client.get("/techaid/missions/", {"township": township}).content.decode()
    assert f"/techaid/missions/{with_p.pk}/" in html


def _form(mission, industry, measures, **extra):
    data = {"area_code": mission.area_code, "industry": industry.pk, "year": "2017",
            "problems": "杂草多", "diagnosis": "管理粗放", "m-TOTAL_FORMS": str(len(measures)),
            "m-INITIAL_FORMS": "0", "m-MIN_NUM_FORMS": "0", "m-MAX_NUM_FORMS": "1000", **extra}
    for i, row in enumerate(measures):
        data.update({f"m-{i}-{k}": v for k, v in row.items()})
    return data


def test_prescription_form_takes_several_measures_and_drops_removed_rows(county, client):
    mission = make_mission(area_code="510821")
    page = client.get(f"/techaid/prescriptions/new/?village={mission.area_code}")
    assert page.status_code == 200 and 'id="add-measure"' in page.content.decode()
    resp = client.post("/techaid/prescriptions/new/", _form(mission, make_industry(), [
        {"name": "春季修剪", "timing": "3月"}, {"name": "删除的", "DELETE": "on"},
        {"name": "施肥", "inputs": "复合肥"}, {"name": ""}]))
    assert resp.status_code == 302, resp.content.decode()[:2000]
    p = Prescription.objects.get()
    assert [m.name for m in p.measures.all()] == ["春季修剪", "施肥"]


def test_measure_with_details_but_no_name_is_refused(county, client):
    mission = make_mission(area_code="510821")
    resp = client.post("/techaid/prescriptions/new/",
                       _form(mission, make_industry(), [{"timing": "3月"}]))
    assert resp.status_code == 400 and "请填写技术措施" in resp.content.decode()
    assert not Prescription.objects.exists()


def test_issue_button_then_edit_is_refused(county, client):
    p = make_prescription(area_code="510821")
    html = client.get(f"/techaid/prescriptions/{p.pk}/").content.decode()
    assert 'data-transition="issue"' in html and "打印处方笺" in html
    resp = client.post(f"/techaid/prescriptions/{p.pk}/transitions/issue/",
                       {"_version": p.version}, follow=True)
    assert "已办理：签发" in resp.content.decode()
    p.refresh_from_db()
    assert p.status == "issued"
    resp = client.get(f"/techaid/prescriptions/{p.pk}/edit/", follow=True)
    assert "已签发，不能修改" in resp.content.decode()
    resp = client.post(f"/techaid/prescriptions/{p.pk}/edit/", {
        **_form(p.mission, p.industry, [{"name": "改"}]), "_version": p.version})
    assert resp.status_code == 400 and "已签发，不能修改" in resp.content.decode()


def test_a_refused_issue_shows_why(county, client):
    p = make_prescription(area_code="510821", measures=0)
    html = client.get(f"/techaid/prescriptions/{p.pk}/").content.decode()
    assert 'data-refused="issue"' in html and "至少要有一条技术措施" in html


def test_prescription_list_filters(county, client):
    tea = make_prescription(area_code="510821", issued=True)
    walnut = make_prescription(mission=tea.mission, industry=make_industry("核桃"), year=2018)
    html = client.get("/techaid/prescriptions/", {"status": "issued"}).content.decode()
    assert tea.number in html and walnut.number not in html
    html = client.get("/techaid/prescriptions/", {"year": "2018"}).content.decode()
    assert walnut.number in html and tea.number not in html
    html = client.get("/techaid/prescriptions/",
                      {"industry": walnut.industry_id,
                       "village": tea.area_code}).content.decode()
    assert walnut.number in html and tea.number not in html


def test_menu_has_the_techaid_entries(county, client, demo_users):
    html = client.get("/").content.decode()
    for label in ("特派团", "处方", "处方覆盖"):
        assert label in html
    client.force_login(demo_users["village_a"])
    html = client.get("/").content.decode()
    assert "/techaid/missions/" in html and "/techaid/coverage/" not in html


def test_the_leader_writes_drafts_of_the_mission(demo_users, client):
    expert = demo_users["expert"]
    mission = make_mission(area_code="510821", leader=make_expert(user=expert))
    client.force_login(expert)
    resp = client.post("/techaid/prescriptions/new/",
                       _form(mission, make_industry(), [{"name": "修剪"}]))
    assert resp.status_code == 302
    other = make_mission(area_code="510821")
    resp = client.post("/techaid/prescriptions/new/",
                       _form(other, make_industry(), [{"name": "修剪"}]))
    assert resp.status_code in (400, 403)
    assert Prescription.objects.count() == 1


def test_a_new_version_of_an_issued_prescription_is_a_draft_copy(county, client):
    old = make_prescription(area_code="510821", issued=True, measures=2)
    html = client.get(f"/techaid/prescriptions/{old.pk}/").content.decode()
    assert 'data-testid="revise"' in html
    resp = client.post(f"/techaid/prescriptions/{old.pk}/revise/")
    new = Prescription.objects.exclude(pk=old.pk).get()
    assert resp["Location"] == f"/techaid/prescriptions/{new.pk}/edit/"
    assert (new.status, new.area_code, new.industry, new.year) == \
        ("draft", old.area_code, old.industry, old.year)
    assert [m.name for m in new.measures.all()] == [m.name for m in old.measures.all()]
    old.refresh_from_db()
    assert old.status == "issued" and old.version == 1  # the old one is untouched


def test_workbench_card_counts_the_drafts_of_the_scope(demo_users, client):
    mine = make_prescription(area_code="510821")
    make_prescription(area_code="510821", issued=True)
    make_prescription(area_code="510802")  # another county
    client.force_login(demo_users["wangcang_county"])
    html = client.get("/").content.decode()
    card = next(c for c in client.get("/").context["cards"]
                if c["card"].key == "prescriptions_draft")
    assert card["count"] == 1 and 'data-card="prescriptions_draft"' in html
    listed = client.get(card["url"]).content.decode()
    import re

    assert set(re.findall(r'href="/techaid/prescriptions/(\d+)/"', listed)) == {str(mine.pk)}
    client.force_login(demo_users["leader"])
    assert 'data-card="prescriptions_draft"' not in client.get("/").content.decode()
