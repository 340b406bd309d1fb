"""The rules of missions and prescriptions (DESIGN §5), through their services: each bad
input is refused in Chinese and changes nothing."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from fupin.areas.models import Area
from fupin.core import workflows
from fupin.core.errors import ServiceError
from fupin.core.testing.foreign import model_counts
from fupin.techaid import missions as ms
from fupin.techaid import prescriptions as ps
from fupin.techaid.models import Mission, Prescription

from .factories_catalog import make_expert, make_industry, make_technician
from .factories_prescriptions import (
    make_measure,
    make_mission,
    make_poor_village,
    make_prescription,
)

D = datetime.date(2017, 3, 1)


@pytest.fixture
def county(demo_users):
    return demo_users["wangcang_county"]


def _refused(fn, match: str, **kw):
    before = model_counts()
    with pytest.raises(ServiceError, match=match):
        fn(**kw)
    assert model_counts() == before


# --- missions ---------------------------------------------------------------------------------

def test_mission_is_formed_in_a_poor_village_with_a_research_institute_leader(county):
    village = make_poor_village("510821")
    leader = make_expert(area_code="510821")
    technician = make_technician(area_code=village[:9])
    tea = make_industry()
    mission = ms.mission_create(actor=county, area_code=village, name="特派团", leader=leader,
                                formed_on=D, members=[(technician, tea)])
    assert (mission.area_code, mission.leader, mission.version) == (village, leader, 1)
    member = mission.members.get()
    assert (member.technician, member.industry, member.joined_on) == (technician, tea, D)
    assert mission.history.first().history_user == county


def test_mission_in_a_village_that_is_not_poor_is_refused(county):
    village = make_poor_village("510821")
    Area.objects.filter(pk=village).update(poor_village=False)
    _refused(ms.mission_create, "不是贫困村", actor=county, area_code=village, name="团",
             leader=make_expert(), formed_on=D)


def test_mission_must_be_at_village_level(county):
    _refused(ms.mission_create, "村（社区）一级", actor=county, area_code="510821100",
             name="团", leader=make_expert(), formed_on=D)


def test_leader_not_from_a_research_institute_is_refused(county):
    village = make_poor_village("510821")
    leader = make_expert(research_institute=False, institution="县农业局")
    _refused(ms.mission_create, "科研院所专家", actor=county, area_code=village, name="团",
             leader=leader, formed_on=D)


def test_leader_of_another_county_is_refused(county):
    village = make_poor_village("510821")
    leader = make_expert(area_code="510802")
    _refused(ms.mission_create, "本县", actor=county, area_code=village, name="团",
             leader=leader, formed_on=D)


def test_second_mission_in_a_village_is_refused(county):
    mission = make_mission(area_code="510821")
    _refused(ms.mission_create, "已有科技扶贫特派团", actor=county,
             area_code=mission.area_code, name="团", leader=make_expert(), formed_on=D)


def test_mission_in_another_county_is_refused(county):
    village = make_poor_village("510802")
    _refused(ms.mission_create, "管辖范围", actor=county, area_code=village, name="团",
             leader=make_expert(area_code="510802"), formed_on=D)


def test_only_managers_form_missions(demo_users):
    village = make_poor_village("510821")
    leader = make_expert()
    before = model_counts()
    with pytest.raises(PermissionDenied):
        ms.mission_create(actor=demo_users["expert"], area_code=village, name="团",
                          leader=leader, formed_on=D)
    assert model_counts() == before


def test_technician_of_another_county_is_refused(county):
    mission = make_mission(area_code="510821")
    _refused(ms.mission_member_add, "本县", actor=county, mission=mission,
             technician=make_technician(area_code="510802001"))


def test_technician_is_added_once_and_leaves_with_a_date(county):
    mission = make_mission(area_code="510821")
    technician = make_technician(area_code=mission.area_code[:9])
    member = ms.mission_member_add(actor=county, mission=mission, technician=technician,
                                   industry=make_industry())
    _refused(ms.mission_member_add, "已是该特派团成员", actor=county, mission=mission,
             technician=technician)
    left = ms.mission_member_remove(actor=county, member=member, left_on=datetime.date.today())
    assert left.left_on == datetime.date.today() and mission.members.count() == 1  # kept
    assert left.history.first().history_user == county
    _refused(ms.mission_member_remove, "已退出", actor=county, member=left)


def test_leader_change_is_checked_and_versioned(county):
    mission = make_mission(area_code="510821")
    _refused(ms.mission_leader_change, "科研院所", actor=county, mission=mission,
             leader=make_expert(research_institute=False), expected_version=1)
    new = make_expert()
    changed = ms.mission_leader_change(actor=county, mission=mission, leader=new,
                                       expected_version=1)
    assert (changed.leader, changed.version) == (new, 2)


def test_retired_mission_lets_a_new_one_form_and_cannot_be_restored_over_it(county,
                                                                          demo_users):
    mission = make_mission(area_code="510821")
    ms.mission_retire(actor=county, mission=mission, reason="调整")
    new = ms.mission_create(actor=county, area_code=mission.area_code, name="新团",
                            leader=make_expert(), formed_on=D)
    assert new.pk != mission.pk
    mission.refresh_from_db()
    _refused(ms.mission_restore, "另有在用", actor=demo_users["admin"], mission=mission)


# --- prescriptions ----------------------------------------------------------------------------

MEASURES = [{"name": "春季修剪", "timing": "3月", "inputs": "修枝剪", "expected_effect": "整齐"},
            {"name": "测土配方施肥", "timing": "4月", "inputs": "复合肥 30 kg/亩"}]


def _draft(actor, mission, **kw):
    return ps.prescription_create(actor=actor, area_code=mission.area_code,
                                  industry=kw.pop("industry", make_industry()), year=2017,
                                  problems="杂草多", diagnosis="管理粗放",
                                  measures=kw.pop("measures", MEASURES), **kw)


@pytest.fixture
def leader_user(demo_users):
    return demo_users["expert"]


@pytest.fixture
def mission(leader_user):
    leader = make_expert(area_code="510821", user=leader_user)
    return make_mission(area_code="510821", leader=leader)


def test_draft_gets_a_unique_number_and_ordered_measures(county, mission):
    p = _draft(county, mission)
    again = _draft(county, mission)
    assert p.number == f"CF-{mission.area_code}-茶叶-2017-01"
    assert again.number == f"CF-{mission.area_code}-茶叶-2017-02"
    assert [(m.order, m.name) for m in p.measures.all()] == [(1, "春季修剪"), (2, "测土配方施肥")]
    assert (p.status, p.mission, p.issued_on) == (Prescription.Status.DRAFT, mission, None)


def test_long_industry_names_keep_the_number_within_its_field(county, mission):
    p = _draft(county, mission, industry=make_industry("林下道地中药材种植养殖"))
    assert len(p.number) <= 30 and p.number.startswith(f"CF-{mission.area_code}-")


def test_prescription_needs_the_village_mission(county):
    village = make_poor_village("510821")
    _refused(ps.prescription_create, "还没有科技扶贫特派团", actor=county, area_code=village,
             industry=make_industry(), year=2017, problems="x", diagnosis="y")


def test_measure_without_its_name_is_refused(county, mission):
    _refused(_draft, "缺少“技术措施”", actor=county, mission=mission,
             industry=make_industry(), measures=[{"timing": "3月"}])


def test_the_leader_issues_and_signs(leader_user, mission):
    p = _draft(leader_user, mission)
    issued = workflows.transition(actor=leader_user, obj=p, name="issue", expected_version=1)
    assert (issued.status, issued.issued_on, issued.signed_by) == \
        (Prescription.Status.ISSUED, datetime.date.today(), mission.leader)


def test_a_county_officer_issues_signed_by_the_leader(county, mission):
    p = _draft(county, mission)
    issued = workflows.transition(actor=county, obj=p, name="issue")
    assert issued.signed_by == mission.leader


def test_issue_by_an_expert_who_is_not_the_leader_is_refused(county, mission,
                                                           django_user_model):
    from fupin.accounts.services import user_upsert

    other, _c = user_upsert(username="expert2", role="expert", scope_code="510821",
                            password="Passw0rd!2017x", full_name="专家乙")
    make_expert(area_code="510821", user=other)
    p = _draft(county, mission)
    with pytest.raises(ServiceError, match="只有特派团团长"):
        workflows.transition(actor=other, obj=p, name="issue")
    p.refresh_from_db()
    assert (p.status, p.version) == (Prescription.Status.DRAFT, 1)
    # nor may that expert write the village's drafts
    with pytest.raises(PermissionDenied):
        _draft(other, mission)


def test_issue_without_measures_is_refused(leader_user, mission):
    p = _draft(leader_user, mission, measures=[])
    with pytest.raises(ServiceError, match="至少要有一条技术措施"):
        workflows.transition(actor=leader_user, obj=p, name="issue")
    p.refresh_from_db()
    assert p.status == Prescription.Status.DRAFT


def test_issue_when_the_mission_is_retired_is_refused(county, leader_user, mission):
    p = _draft(county, mission)
    ms.mission_retire(actor=county, mission=mission)
    p.refresh_from_db()
    with pytest.raises(ServiceError, match="特派团已撤销"):
        workflows.transition(actor=county, obj=p, name="issue")


def test_issued_prescription_is_not_edited(county, mission):
    p = _draft(county, mission)
    p = workflows.transition(actor=county, obj=p, name="issue")
    _refused(ps.prescription_update, "已签发，不能修改", actor=county, prescription=p,
             data={"problems": "改"}, measures=None, expected_version=p.version)


def test_draft_edit_replaces_the_measures_and_moves_the_version(county, mission):
    p = _draft(county, mission)
    updated = ps.prescription_update(actor=county, prescription=p, data={},
                                     measures=[{"name": "冬季清园"}], expected_version=1)
    assert [m.name for m in updated.measures.all()] == ["冬季清园"]
    assert updated.version == 2
    with pytest.raises(ServiceError, match="已被他人修改"):
        ps.prescription_update(actor=county, prescription=p, data={"problems": "再改"},
                               measures=None, expected_version=1)


def test_prescription_out_of_scope_is_not_found(demo_users):
    theirs = make_prescription(area_code="510802")
    with pytest.raises(Http404):
        ps.prescription_update(actor=demo_users["wangcang_county"], prescription=theirs,
                               data={"problems": "x"}, expected_version=1)


def test_measure_factory_numbers_in_order(mission):
    p = make_prescription(mission=mission, measures=0)
    assert [make_measure(prescription=p).order for _i in range(2)] == [1, 2]
    assert Mission.objects.count() == 1
