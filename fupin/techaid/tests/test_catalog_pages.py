"""The catalog's own pages and API beyond the shared bases: industries, the household's 产业
section, the group page (members, chief, figures), phones per reader, poor villages, and
another county's officer kept out."""

import pytest
from django.urls import reverse

from fupin.areas.models import Area
from fupin.core.models import AccessLog
from fupin.core.testing.resources import _xlsx_rows
from fupin.registry.tests.factories import make_household
from fupin.techaid import catalog as services
from fupin.techaid.models import Consultation, GroupMember, Industry

from .factories_catalog import (
    make_expert,
    make_group,
    make_household_industry,
    make_industry,
    make_technician,
)

pytestmark = pytest.mark.django_db

LIZHOU, WANGCANG = "510802", "510821"


def api(client, method, url, data=None):
    return getattr(client, method)(url, data=data or {}, content_type="application/json")


# --- industries -----------------------------------------------------------------------------------

def test_industry_pages(client, demo_users):
    client.force_login(demo_users["village_a"])
    make_industry("茶叶")
    page = client.get(reverse("techaid:industry_list"))
    assert page.status_code == 200 and "茶叶" in page.content.decode()
    assert client.post(reverse("techaid:industry_create"), {"name": "核桃"}).status_code == 403
    client.force_login(demo_users["lizhou_county"])
    resp = client.post(reverse("techaid:industry_create"),
                       {"name": "核桃", "kind": "种植", "order": "20"})
    assert resp.status_code == 302
    walnut = Industry.objects.get(name="核桃")
    dup = client.post(reverse("techaid:industry_create"), {"name": "核桃", "order": "1"})
    assert dup.status_code == 400 and "已有名为“核桃”的产业" in dup.content.decode()
    stale = client.post(reverse("techaid:industry_edit", args=[walnut.pk]),
                        {"name": "核桃", "kind": "林果", "order": "20", "_version": "9"})
    assert stale.status_code == 409
    client.post(reverse("techaid:industry_retire", args=[walnut.pk]))
    walnut.refresh_from_db()
    assert walnut.retired_at is not None
    assert "核桃" not in client.get(reverse("techaid:industry_list")).content.decode()
    assert client.post(reverse("techaid:industry_restore", args=[walnut.pk])).status_code == 404
    client.force_login(demo_users["admin"])
    client.post(reverse("techaid:industry_restore", args=[walnut.pk]))
    walnut.refresh_from_db()
    assert walnut.retired_at is None


def test_industry_api(client, demo_users):
    url = reverse("api:industry-list")
    client.force_login(demo_users["technician"])
    make_industry("茶叶")
    assert [r["name"] for r in client.get(url).json()["results"]] == ["茶叶"]
    assert api(client, "post", url, {"name": "核桃"}).status_code == 403
    client.force_login(demo_users["wangcang_county"])
    created = api(client, "post", url, {"name": "核桃"})
    assert created.status_code == 201
    detail = reverse("api:industry-detail", args=[created.json()["id"]])
    assert api(client, "patch", detail, {"kind": "林果"}).status_code == 400  # no version
    assert api(client, "patch", detail, {"kind": "林果", "version": 1}).status_code == 200
    assert api(client, "patch", detail, {"kind": "x", "version": 1}).status_code == 409
    assert api(client, "post", url, {"name": "核桃"}).status_code == 400
    assert api(client, "delete", detail).status_code == 204
    assert Industry.objects.get(name="核桃").retired_at is not None


# --- the household page ---------------------------------------------------------------------------

def test_household_page_shows_its_industries(client, demo_users):
    worker = demo_users["village_a"]
    household = make_household(area_code=worker.scope_code)
    make_household_industry(household=household, industry=make_industry("茶叶"),
                            scale="茶园 5 亩")
    client.force_login(worker)
    html = client.get(reverse("registry:household_detail", args=[household.pk])).content.decode()
    assert 'data-section="techaid_industries"' in html
    assert "茶园 5 亩" in html
    assert reverse("techaid:householdindustry_create") + f"?household={household.number}" in html
    client.force_login(demo_users["leader"])
    html = client.get(reverse("registry:household_detail", args=[household.pk])).content.decode()
    assert "茶园 5 亩" in html and "登记产业" not in html


# --- the group page -------------------------------------------------------------------------------

def _consultation(group, status, number, user):
    return Consultation.objects.create(
        number=number, industry=group.industry, title="茶饼病", description="叶片起泡",
        area_code=LIZHOU + "001001", raised_by=user, status=status, group=group)


def test_group_page_members_chief_and_figures(client, demo_users):
    county = demo_users["lizhou_county"]
    tea = make_industry("茶叶")
    member = make_expert(area_code=LIZHOU, industries=[tea], name="孙成员")
    newcomer = make_expert(area_code=LIZHOU, industries=[tea], name="李新来")
    group = make_group(area_code=LIZHOU, industry=tea, members=[member])
    for i, status in enumerate(["pending", "awaiting", "answered", "onsite", "solved",
                                "solved", "solved", "unsolved"]):
        _consultation(group, status, f"T{i}", county)
    client.force_login(county)
    url = reverse("techaid:expertgroup_detail", args=[group.pk])
    html = client.get(url).content.decode()
    assert 'data-figure="open">4<' in html
    assert 'data-figure="year_total">8<' in html
    assert 'data-figure="solved_rate">75.0%<' in html
    assert "李新来" in html  # offered to join
    client.post(reverse("techaid:expertgroup_member_add", args=[group.pk]),
                {"expert": newcomer.pk})
    assert group.members.filter(expert=newcomer, left_on__isnull=True).exists()
    client.post(reverse("techaid:expertgroup_chief", args=[group.pk]),
                {"expert": newcomer.pk, "_version": group.version})
    group.refresh_from_db()
    assert group.chief == newcomer
    client.post(reverse("techaid:expertgroup_member_remove", args=[group.pk]),
                {"expert": member.pk})
    assert GroupMember.objects.get(group=group, expert=member).left_on is not None
    refused = client.post(reverse("techaid:expertgroup_member_remove", args=[group.pk]),
                          {"expert": newcomer.pk}, follow=True)
    assert "请先更换首席专家" in refused.content.decode()


def test_group_api_members(client, demo_users):
    tea = make_industry("茶叶")
    group = make_group(area_code=LIZHOU, industry=tea)
    newcomer = make_expert(area_code=LIZHOU, industries=[tea])
    client.force_login(demo_users["lizhou_county"])
    resp = api(client, "post", reverse("api:expertgroup-add-member", args=[group.pk]),
               {"expert": newcomer.pk})
    assert resp.status_code == 200
    assert newcomer.pk in [m["expert"] for m in resp.json()["members"]]
    resp = api(client, "post", reverse("api:expertgroup-remove-member", args=[group.pk]),
               {"expert": group.chief_id})
    assert resp.status_code == 400


def test_another_countys_officer_sees_nothing_of_lizhou(client, demo_users):
    group = make_group(area_code=LIZHOU)
    expert = group.chief
    tech = make_technician(area_code=LIZHOU + "001")
    client.force_login(demo_users["wangcang_county"])
    for url in (reverse("techaid:expert_detail", args=[expert.pk]),
                reverse("techaid:expert_edit", args=[expert.pk]),
                reverse("techaid:expertgroup_detail", args=[group.pk]),
                reverse("techaid:technician_detail", args=[tech.pk]),
                reverse("api:expert-detail", args=[expert.pk])):
        assert client.get(url).status_code == 404, url
    resp = client.post(reverse("techaid:expertgroup_member_add", args=[group.pk]),
                       {"expert": expert.pk})
    assert resp.status_code == 404
    assert expert.name not in client.get(reverse("techaid:expert_list")).content.decode()


# --- phones: personal data ------------------------------------------------------------------------

@pytest.mark.parametrize("username, shown", [
    ("wangcang_county", "138****5678"), ("expert", "138********"),
    ("technician", "138********"), ("leader", "138********")])
def test_phones_are_masked_per_reader(client, demo_users, username, shown):
    county = demo_users["wangcang_county"]
    expert = services.expert_create(actor=county, data={
        "area_code": WANGCANG, "name": "王建国", "institution": "省农科院"},
        phone="13812345678")
    tech = services.technician_create(actor=county, data={
        "area_code": demo_users["technician"].scope_code, "name": "周志强"},
        phone="13812345678")
    client.force_login(demo_users[username])
    pages = [reverse("techaid:expert_detail", args=[expert.pk]),
             reverse("techaid:expert_list"), reverse("techaid:technician_detail", args=[tech.pk]),
             reverse("techaid:technician_list"), reverse("api:expert-detail", args=[expert.pk]),
             reverse("api:technician-list"),
             reverse("techaid:expert_history", args=[expert.pk])]
    if username == "technician":  # a township's scope holds no county-level expert
        assert client.get(pages[0]).status_code == 404
        pages = [u for u in pages if "expert" not in u]
    for url in pages:
        body = client.get(url).content.decode()
        assert "13812345678" not in body, url
        if "history" not in url:
            assert shown in body, url
    export = client.get(reverse("techaid:technician_export"))
    content = b"".join(export.streaming_content)
    text = "\n".join("\t".join(str(c) for c in row) for row in _xlsx_rows(content))
    assert ("13812345678" in text) == (username == "wangcang_county")
    reveal = client.post(reverse("techaid:technician_reveal", args=[tech.pk]))
    if username == "wangcang_county":
        assert "13812345678" in reveal.content.decode()
        assert AccessLog.objects.filter(action="reveal", field="phone",
                                        object_id=str(tech.pk)).exists()
    else:
        assert reveal.status_code == 404


# --- poor villages --------------------------------------------------------------------------------

def test_poor_village_page(client, demo_users):
    township = demo_users["lizhou_township"].scope_code
    village = Area.objects.filter(parent_id=township).order_by("code").first()
    url = reverse("areas:poor_village_edit", args=[village.code])
    client.force_login(demo_users["village_a"])
    assert client.get(url).status_code in (403, 404)
    client.force_login(demo_users["wangcang_county"])
    assert client.get(url).status_code == 404
    client.force_login(demo_users["lizhou_county"])
    assert client.get(reverse("areas:poor_village_edit", args=[township])).status_code == 404
    bad = client.post(url, {"poor_village": "on", "poor_identified_year": "2016",
                            "poor_exit_year": "2015"})
    assert bad.status_code == 400 and "退出年度不能早于识别年度" in bad.content.decode()
    out = client.post(url, {"poor_village": "on", "poor_identified_year": "3000"})
    assert out.status_code == 400 and "年度应在" in out.content.decode()
    village.refresh_from_db()
    assert not village.poor_village
    ok = client.post(url, {"poor_village": "on", "poor_identified_year": "2014",
                           "poor_exit_year": "2018"})
    assert ok.status_code == 302
    village.refresh_from_db()
    assert (village.poor_village, village.poor_identified_year, village.poor_exit_year) == \
        (True, 2014, 2018)
    assert village.history.first().history_user == demo_users["lizhou_county"]
    listing = client.get(reverse("areas:browse"), {"code": LIZHOU, "poor": "1"}).content.decode()
    assert village.name in listing
    body = client.get(reverse("api:area-detail", args=[village.code])).json()
    assert (body["poor_village"], body["poor_identified_year"], body["poor_exit_year"]) == \
        (True, 2014, 2018)
    poor = client.get(reverse("api:area-list"), {"poor_village": "1"}).json()
    assert [a["code"] for a in poor] == [village.code]


def test_poor_villages_export_reimports_unchanged(client, demo_users):
    from fupin.core.tabular import importer
    from fupin.techaid.imports.catalog import poor_villages_import

    county = demo_users["lizhou_county"]
    village = Area.objects.filter(parent_id=demo_users["lizhou_township"].scope_code).first()
    Area.objects.filter(pk=village.pk).update(poor_village=True, poor_identified_year=2014)
    theirs = Area.objects.filter(parent_id=demo_users["technician"].scope_code).first()
    Area.objects.filter(pk=theirs.pk).update(poor_village=True, poor_identified_year=2014)
    client.force_login(county)
    resp = client.get(reverse("areas:poor_villages_export"))
    content = b"".join(resp.streaming_content)
    rows = _xlsx_rows(content)
    assert [r[3] for r in rows[1:]] == [village.code]  # not Wangcang's
    report = importer.commit(poor_villages_import, importer.load(content, "t.xlsx"),
                             actor=county)
    assert report.ok and report.outcome.updated == 0
    assert AccessLog.objects.filter(action="export").exists()


def test_forms_and_pages_open(client, demo_users):
    group = make_group(area_code=LIZHOU)
    tech = make_technician(area_code=LIZHOU + "001")
    household = make_household(area_code=demo_users["village_a"].scope_code)
    client.force_login(demo_users["lizhou_county"])
    for url in (reverse("techaid:expert_create"), reverse("techaid:expertgroup_create"),
                reverse("techaid:technician_create"), reverse("techaid:industry_create"),
                reverse("techaid:expert_edit", args=[group.chief_id]),
                reverse("techaid:expertgroup_edit", args=[group.pk]),
                reverse("techaid:technician_edit", args=[tech.pk]),
                reverse("techaid:expert_list") + f"?industry={group.industry_id}&title=senior",
                reverse("techaid:technician_list") + f"?industry={group.industry_id}",
                reverse("techaid:expertgroup_list"), reverse("techaid:householdindustry_list"),
                reverse("areas:browse") + "?poor=1"):
        assert client.get(url).status_code == 200, url
    listing = client.get(reverse("techaid:expert_list"),
                         {"industry": group.industry_id}).content.decode()
    assert group.chief.name in listing
    client.force_login(demo_users["village_a"])
    page = client.get(reverse("techaid:householdindustry_create"),
                      {"household": household.number})
    assert page.status_code == 200 and household.number in page.content.decode()
    client.force_login(demo_users["leader"])
    html = client.get(reverse("techaid:expertgroup_detail", args=[group.pk])).content.decode()
    assert group.chief.name in html and "加入成员" not in html
