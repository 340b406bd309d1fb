import pytest

from fupin.core.errors import ConcurrentEditError, ServiceError
from fupin.core.models import AccessLog
from fupin.registry import services
from fupin.registry.models import Household, Person
from fupin.registry.tests.factories import fake_id, make_household, make_person


def register(actor, household, **kw):
    protected = {"id_number": kw.pop("id_number", None) or fake_id(),
                 "phone": kw.pop("phone", ""), "bank_account": kw.pop("bank_account", "")}
    data = {"name": "李四", "relation": "01", "labour_capacity": "01", **kw}
    return services.person_register(actor=actor, household=household, data=data,
                                    protected=protected)


def test_register_derives_identity_pinyin_and_sets_head(demo_users):
    actor = demo_users["village_a"]
    hh = make_household(area_code=actor.scope_code)
    p = register(actor, hh, name="张三", id_number=fake_id(male=False), phone="13812345678")
    hh.refresh_from_db()
    assert hh.head_id == p.pk
    assert (p.name_pinyin, p.name_initials, p.gender) == ("zhangsan", "zs", "F")
    assert p.id_number_masked.startswith("510802") and "*" in p.id_number_masked
    assert p.phone_masked == "138****5678"
    assert p.history.get().history_user == actor


def test_one_person_per_id_number_whatever_the_area(demo_users):
    a, b = demo_users["village_a"], demo_users["village_b"]
    ident = fake_id()
    register(a, make_household(area_code=a.scope_code), id_number=ident)
    with pytest.raises(ServiceError, match="其他地区") as err:
        register(b, make_household(area_code=b.scope_code), id_number=ident)
    assert err.value.field == "id_number"
    county = demo_users["lizhou_county"]
    with pytest.raises(ServiceError, match="已登记：李四"):
        register(county, make_household(area_code=b.scope_code), id_number=ident)
    assert Person.objects.count() == 1


def test_household_has_one_head(demo_users):
    actor = demo_users["village_a"]
    hh = make_household(area_code=actor.scope_code)
    register(actor, hh)
    with pytest.raises(ServiceError, match="只能有一位户主"):
        register(actor, hh, name="王五")
    assert hh.members.count() == 1


def test_lost_update_is_refused(demo_users):
    actor = demo_users["village_a"]
    p = make_person(area_code=actor.scope_code)
    services.person_update(actor=actor, person=p, data={"skills": "电焊"}, protected={},
                           expected_version=1)
    with pytest.raises(ConcurrentEditError):
        services.person_update(actor=actor, person=p, data={"skills": "厨师"}, protected={},
                               expected_version=1)
    p.refresh_from_db()
    assert p.skills == "电焊" and p.version == 2


def test_saving_the_same_values_writes_no_history(demo_users):
    actor = demo_users["village_a"]
    p = make_person(area_code=actor.scope_code, phone="13812345678")
    before = p.history.count()
    services.person_update(actor=actor, person=p, data={"name": p.name},
                           protected={"phone": "13812345678", "id_number": p.reveal("id_number")},
                           expected_version=p.version)
    assert p.history.count() == before


def test_reveal_is_logged_and_limited_to_roles_that_need_it(demo_users):
    p = make_person(area_code=demo_users["village_a"].scope_code, phone="13912345678")
    value = services.person_reveal(actor=demo_users["village_a"], person=p, field="phone")
    assert value == "13912345678"
    log = AccessLog.objects.get()
    assert (log.action, log.field, log.object_id) == ("reveal", "phone", str(p.pk))
    for role in ("leader", "inspector"):
        with pytest.raises(ServiceError):
            services.person_reveal(actor=demo_users[role], person=p, field="phone")
    assert AccessLog.objects.count() == 1


def test_completeness_lists_what_is_missing(demo_users):
    actor = demo_users["village_a"]
    p = make_person(area_code=actor.scope_code)  # a labourer with nothing but the basics
    assert not p.complete
    for item in ("文化程度", "健康状况", "联系电话", "培训意愿", "就业意愿"):
        assert item in p.missing
    assert p.employment_status == "unemployed"  # no employment record: derived, not typed
    p = services.person_update(actor=actor, person=p, data={
        "education": "03", "health": "01", "wants_training": False, "wants_work": True,
        "work_place_wish": "04"},
        protected={"phone": "13812345678"}, expected_version=p.version)
    assert p.complete and p.missing == ""


def test_retiring_the_head_clears_it_and_household_retires_members(demo_users):
    actor = demo_users["village_a"]
    p = make_person(area_code=actor.scope_code)
    services.person_retire(actor=actor, person=p, reason="死亡")
    hh = Household.objects.get(pk=p.household_id)
    assert hh.head_id is None
    q = make_person(household=hh, relation="03", name="子")
    services.household_retire(actor=actor, household=hh, reason="整户迁出")
    q.refresh_from_db()
    assert q.retired_at is not None


def test_every_list_follows_a_person_who_moves(demo_users):
    """A person's records live in their village: moving the household moves them all."""
    from fupin.training.tests.factories import make_enrolment

    actor = demo_users["lizhou_township"]
    a, b = demo_users["village_a"].scope_code, demo_users["village_b"].scope_code
    person = make_person(area_code=a)
    enrolment = make_enrolment(person=person)
    assert enrolment.area_code == a
    household = Household.objects.get(pk=person.household_id)
    services.household_update(actor=actor, household=household, data={"area_code": b},
                              expected_version=household.version)
    enrolment.refresh_from_db()
    assert enrolment.area_code == b and enrolment.history.latest().history_user == actor
