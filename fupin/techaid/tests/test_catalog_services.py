"""The catalog's rules (catalog.py): levels, scope, one group per industry and county, the
chief, members leaving, linked accounts, sealed phones."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from fupin.accounts.services import user_upsert
from fupin.core import crypto
from fupin.core.errors import ConcurrentEditError, ServiceError
from fupin.core.roles import Role
from fupin.core.testing.fixtures import TEST_PASSWORD
from fupin.registry.tests.factories import make_household
from fupin.techaid import catalog as services
from fupin.techaid.models import Expert, ExpertGroup, GroupMember, HouseholdIndustry, Industry

from .factories_catalog import make_expert, make_group, make_industry, make_technician

pytestmark = pytest.mark.django_db

LIZHOU, WANGCANG = "510802", "510821"


@pytest.fixture
def county(demo_users):
    return demo_users["lizhou_county"]


def _expert_data(**kw):
    return {"area_code": LIZHOU, "name": "王建国", "institution": "四川省农业科学院",
            "title": "senior", **kw}


# --- industries -----------------------------------------------------------------------------------

def test_industry_names_are_unique_and_only_managers_keep_them(county, demo_users):
    services.industry_create(actor=county, data={"name": "茶叶"})
    with pytest.raises(ServiceError, match="已有名为“茶叶”的产业"):
        services.industry_create(actor=county, data={"name": " 茶叶 "})
    with pytest.raises(ServiceError, match="请填写产业名称"):
        services.industry_create(actor=county, data={"name": ""})
    for user in ("village_a", "leader", "expert"):
        with pytest.raises(PermissionDenied):
            services.industry_create(actor=demo_users[user], data={"name": "核桃"})
    assert Industry.objects.count() == 1


def test_industry_update_is_version_guarded_and_retire_keeps_it(county, demo_users):
    tea = services.industry_create(actor=county, data={"name": "茶叶"})
    tea = services.industry_update(actor=county, industry=tea, data={"kind": "种植"},
                                   expected_version=1)
    assert (tea.kind, tea.version) == ("种植", 2)
    with pytest.raises(ConcurrentEditError):
        services.industry_update(actor=county, industry=tea, data={"kind": "x"},
                                 expected_version=1)
    services.industry_retire(actor=county, industry=tea)
    tea.refresh_from_db()
    assert tea.retired_at is not None
    with pytest.raises(PermissionDenied):
        services.industry_restore(actor=county, industry=tea)
    services.industry_restore(actor=demo_users["admin"], industry=tea)
    tea.refresh_from_db()
    assert tea.retired_at is None
    assert tea.history.first().history_user == demo_users["admin"]


# --- household industries -------------------------------------------------------------------------

def test_household_industry_takes_the_household_village_and_is_once(demo_users):
    worker = demo_users["village_a"]
    household = make_household(area_code=worker.scope_code)
    tea = make_industry("茶叶")
    record = services.household_industry_create(actor=worker, household=household,
                                                industry=tea, main=True, scale="茶园 5 亩")
    assert record.area_code == household.area_code
    assert record.history.first().history_user == worker
    with pytest.raises(ServiceError, match="已登记产业“茶叶”"):
        services.household_industry_create(actor=worker, household=household, industry=tea)


def test_household_industry_of_another_village_is_refused(demo_users):
    theirs = make_household(area_code=demo_users["village_b"].scope_code)
    with pytest.raises(ServiceError, match="不在您的管辖范围内"):
        services.household_industry_create(actor=demo_users["village_a"], household=theirs,
                                           industry=make_industry())
    assert not HouseholdIndustry.objects.exists()


def test_household_industry_refuses_a_retired_industry(demo_users, county):
    worker = demo_users["village_a"]
    tea = make_industry("茶叶")
    services.industry_retire(actor=county, industry=tea)
    tea.refresh_from_db()
    with pytest.raises(ServiceError, match="已停用"):
        services.household_industry_create(
            actor=worker, household=make_household(area_code=worker.scope_code), industry=tea)


# --- experts --------------------------------------------------------------------------------------

def test_expert_lives_in_a_county(county):
    for area in ("510802001", "510802001001", "51"):
        with pytest.raises(ServiceError, match="区县（6 位区划代码）"):
            services.expert_create(actor=county, data=_expert_data(area_code=area))
    with pytest.raises(ServiceError, match="不在您的管辖范围内"):
        services.expert_create(actor=county, data=_expert_data(area_code=WANGCANG))
    assert not Expert.objects.exists()


def test_expert_phone_is_sealed(county):
    expert = services.expert_create(actor=county, data=_expert_data(),
                                    industries=[make_industry()], phone="13812345678")
    expert.refresh_from_db()
    assert expert.phone_masked == "138****5678"
    assert "13812345678" not in expert.phone_enc
    assert crypto.decrypt(expert.phone_enc) == "13812345678"
    assert expert.phone_hash == crypto.blind_index("13812345678")
    # unchanged phone, nothing else changed: no new version, no history row
    rows = expert.history.count()
    same = services.expert_update(actor=county, expert=expert, data={}, phone="13812345678",
                                  expected_version=expert.version)
    assert (same.version, same.history.count()) == (1, rows)


def test_only_managers_write_experts(demo_users):
    for user in ("village_a", "lizhou_township", "expert", "technician", "leader"):
        with pytest.raises(PermissionDenied):
            services.expert_create(actor=demo_users[user], data=_expert_data())


def _user(username, role, scope):
    user, _changed = user_upsert(username=username, role=role, scope_code=scope,
                                 password=TEST_PASSWORD, full_name=username)
    return user


def test_expert_account_must_be_an_expert_of_the_county(county, demo_users):
    with pytest.raises(ServiceError, match="角色不是专家"):
        services.expert_create(actor=county, data=_expert_data(user=demo_users["village_a"]))
    wangcang_expert = demo_users["expert"]  # the demo expert serves Wangcang
    with pytest.raises(ServiceError, match="管辖区划不在"):
        services.expert_create(actor=county, data=_expert_data(user=wangcang_expert))
    mine = _user("lizhou_expert", Role.EXPERT, LIZHOU)
    first = services.expert_create(actor=county, data=_expert_data(user=mine))
    assert first.user == mine
    with pytest.raises(ServiceError, match="已关联专家“王建国”"):
        services.expert_create(actor=county, data=_expert_data(name="李四", user=mine))
    assert Expert.objects.count() == 1


def test_an_experts_group_industry_stays_in_their_industries(county):
    tea = make_industry("茶叶")
    group = make_group(area_code=LIZHOU, industry=tea)
    with pytest.raises(ServiceError, match="服务产业须包含该产业"):
        services.expert_update(actor=county, expert=group.chief, data={},
                               industries=[make_industry("核桃")],
                               expected_version=group.chief.version)


def test_retiring_the_chief_is_refused_and_a_member_leaves(county):
    tea = make_industry("茶叶")
    member = make_expert(area_code=LIZHOU, industries=[tea])
    group = make_group(area_code=LIZHOU, industry=tea, members=[member])
    with pytest.raises(ServiceError, match="首席专家"):
        services.expert_retire(actor=county, expert=group.chief)
    services.expert_retire(actor=county, expert=member, reason="调离")
    left = GroupMember.objects.get(group=group, expert=member)
    assert left.left_on == datetime.date.today()


# --- groups ---------------------------------------------------------------------------------------

def test_one_group_per_industry_and_county(county):
    tea = make_industry("茶叶")
    chief = make_expert(area_code=LIZHOU, industries=[tea])
    services.group_create(actor=county, data={"area_code": LIZHOU, "industry": tea,
                                              "chief": chief})
    with pytest.raises(ServiceError, match="已有“茶叶”产业的专家服务组"):
        services.group_create(actor=county, data={"area_code": LIZHOU, "industry": tea})
    assert ExpertGroup.objects.count() == 1


def test_group_lives_in_a_county(county):
    with pytest.raises(ServiceError, match="区县（6 位区划代码）"):
        services.group_create(actor=county, data={"area_code": "510802001",
                                                  "industry": make_industry()})


def test_group_chief_of_another_county_is_refused(county):
    tea = make_industry("茶叶")
    theirs = make_expert(area_code=WANGCANG, industries=[tea])
    with pytest.raises(ServiceError, match="不属于本专家组所在的区县"):
        services.group_create(actor=county, data={"area_code": LIZHOU, "industry": tea,
                                                  "chief": theirs})
    group = services.group_create(actor=county, data={"area_code": LIZHOU, "industry": tea})
    with pytest.raises(ServiceError, match="不属于本专家组所在的区县"):
        services.group_set_chief(actor=county, group=group, expert=theirs,
                                 expected_version=group.version)
    with pytest.raises(ServiceError, match="不属于本专家组所在的区县"):
        services.group_member_add(actor=county, group=group, expert=theirs)


def test_group_chief_must_serve_the_industry_and_be_a_member(county):
    tea = make_industry("茶叶")
    walnut_man = make_expert(area_code=LIZHOU, industries=[make_industry("核桃")])
    group = services.group_create(actor=county, data={"area_code": LIZHOU, "industry": tea,
                                                      "name": "茶叶产业专家服务组"})
    assert group.name == "茶叶产业专家服务组"
    with pytest.raises(ServiceError, match="服务产业不含“茶叶”"):
        services.group_member_add(actor=county, group=group, expert=walnut_man)
    tea_man = make_expert(area_code=LIZHOU, industries=[tea])
    with pytest.raises(ServiceError, match="首席专家须是本专家组的成员"):
        services.group_set_chief(actor=county, group=group, expert=tea_man,
                                 expected_version=group.version)
    services.group_member_add(actor=county, group=group, expert=tea_man)
    group = services.group_set_chief(actor=county, group=group, expert=tea_man,
                                     expected_version=group.version)
    assert group.chief == tea_man
    with pytest.raises(ServiceError, match="已是本专家组成员"):
        services.group_member_add(actor=county, group=group, expert=tea_man)


def test_member_leaves_with_a_date_and_the_row_is_kept(county):
    tea = make_industry("茶叶")
    member = make_expert(area_code=LIZHOU, industries=[tea])
    group = make_group(area_code=LIZHOU, industry=tea, members=[member])
    with pytest.raises(ServiceError, match="是首席专家"):
        services.group_member_remove(actor=county, group=group, expert=group.chief)
    services.group_member_remove(actor=county, group=group, expert=member)
    row = GroupMember.objects.get(group=group, expert=member)
    assert row.left_on == datetime.date.today()
    assert row.history.first().history_user == county
    with pytest.raises(ServiceError, match="不是本专家组的在组成员"):
        services.group_member_remove(actor=county, group=group, expert=member)
    services.group_member_add(actor=county, group=group, expert=member)  # rejoins
    assert GroupMember.objects.filter(group=group, expert=member).count() == 2


def test_another_countys_officer_cannot_touch_the_group(demo_users):
    group = make_group(area_code=LIZHOU)
    other = demo_users["wangcang_county"]
    with pytest.raises(Http404):  # out of scope: not found
        services.group_update(actor=other, group=group, data={"name": "改"},
                              expected_version=group.version)
    with pytest.raises(Http404):
        services.group_member_add(actor=other, group=group,
                                  expert=make_expert(area_code=LIZHOU))
    group.refresh_from_db()
    assert group.version == 1


# --- technicians ----------------------------------------------------------------------------------

def test_technician_lives_in_a_township_or_village(county):
    for area in (LIZHOU, "5108"):
        with pytest.raises(ServiceError, match="乡镇（9 位）或村"):
            services.technician_create(actor=county, data={"area_code": area, "name": "周"})


def test_technician_account_must_be_a_technician_of_the_township(county, demo_users):
    township = demo_users["lizhou_township"].scope_code
    with pytest.raises(ServiceError, match="角色不是产业技术员"):
        services.technician_create(actor=county, data={
            "area_code": township, "name": "周", "user": demo_users["village_a"]})
    with pytest.raises(ServiceError, match="管辖区划不在"):
        services.technician_create(actor=county, data={  # the demo one is in Wangcang
            "area_code": township, "name": "周", "user": demo_users["technician"]})
    mine = _user("lizhou_tech", Role.TECHNICIAN, township)
    tech = services.technician_create(actor=county, data={
        "area_code": township, "name": "周", "user": mine, "load_limit": 25},
        industries=[make_industry()], phone="13612345678")
    assert (tech.user, tech.phone_masked) == (mine, "136****5678")
    with pytest.raises(ServiceError, match="已关联产业技术员"):
        services.technician_create(actor=county, data={
            "area_code": township, "name": "吴", "user": mine})


def test_technician_update_keeps_phone_when_not_given(county):
    tech = make_technician(area_code="510802001")
    tech = services.technician_update(actor=county, technician=tech, data={},
                                      phone="13612345678", expected_version=1)
    tech = services.technician_update(actor=county, technician=tech,
                                      data={"organisation": "镇农技站"}, phone=None,
                                      expected_version=tech.version)
    assert tech.phone_masked == "136****5678" and tech.version == 3


def test_selectors_for_the_other_parts(demo_users, county):
    from fupin.techaid import catalog_selectors as sel

    tea = make_industry("茶叶")
    group = make_group(area_code=LIZHOU, industry=tea)
    assert sel.group_for_industry(area_code=LIZHOU + "001001", industry=tea) == group
    assert sel.group_for_industry(area_code=WANGCANG, industry=tea) is None
    mine = _user("lizhou_expert", Role.EXPERT, LIZHOU)
    expert = services.expert_create(actor=county, data=_expert_data(user=mine))
    assert sel.expert_of_user(mine) == expert
    assert sel.expert_of_user(demo_users["village_a"]) is None


def test_a_change_of_industries_is_in_the_history(county):
    tech = make_technician(area_code="510802001")
    tech = services.technician_update(actor=county, technician=tech, data={},
                                      industries=[make_industry("茶叶"), make_industry("核桃")],
                                      expected_version=1)
    latest = tech.history.order_by("-history_id").first()
    assert (latest.history_user, latest.history_change_reason) == \
        (county, "服务产业改为：茶叶、核桃")
