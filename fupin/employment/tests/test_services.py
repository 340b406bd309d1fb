"""The services of the employment lists, one rule per test (DESIGN §2 lists 3–5)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from fupin.core.errors import ConcurrentEditError, ServiceError
from fupin.employment import services
from fupin.employment.models import Employment, Placement, Venture, WelfarePost
from fupin.employment.tests.factories import make_placement, make_post
from fupin.registry.services import person_retire
from fupin.registry.tests.factories import make_person

D = datetime.date


def job(person, **kw):
    return {"person": person, "employer": "广元某电子厂", "place": "04",
            "start_date": D(2017, 3, 1), **kw}


def venture(person, **kw):
    return {"person": person, "business": "张三农家乐", "start_date": D(2017, 5, 1), **kw}


def post(area, **kw):
    return {"area_code": area, "name": "保洁员", "kind": "01", "monthly_pay": 500,
            "established": D(2017, 1, 1), **kw}


@pytest.fixture
def worker(demo_users):
    return demo_users["village_a"]


@pytest.fixture
def person(worker):
    return make_person(area_code=worker.scope_code, name="张三")


# --- 转移就业 ------------------------------------------------------------------------------

def test_employment_lives_in_the_persons_village_and_sets_status(worker, person):
    e = services.employment_create(actor=worker, data=job(person))
    assert e.area_code == person.area_code
    assert e.history.get().history_user == worker
    person.refresh_from_db()
    assert (person.employment_status, person.work_place, person.employer) == \
        ("employed", "04", "广元某电子厂")
    assert person.history.latest().history_user == worker


def test_employment_dates_ordered(worker, person):
    with pytest.raises(ServiceError, match="结束日期不能早于开始日期"):
        services.employment_create(actor=worker, data=job(person, end_date=D(2017, 2, 1)))
    assert not Employment.objects.exists()


def test_employment_same_person_employer_and_start_is_one_record(worker, person):
    services.employment_create(actor=worker, data=job(person))
    with pytest.raises(ServiceError, match="请勿重复登记"):
        services.employment_create(actor=worker, data=job(person))


def test_person_out_of_scope_is_refused(worker, demo_users):
    other = make_person(area_code=demo_users["village_b"].scope_code)
    with pytest.raises(ServiceError, match="管辖范围内没有这个人员"):
        services.employment_create(actor=worker, data=job(other))


def test_retired_person_gets_no_new_record_but_old_ones_can_end(worker, person):
    e = services.employment_create(actor=worker, data=job(person))
    person_retire(actor=worker, person=person, reason="迁出")
    with pytest.raises(ServiceError, match="已停用"):
        services.venture_create(actor=worker, data=venture(person))
    e = services.employment_update(actor=worker, employment=e,
                                   data={"end_date": D(2018, 1, 1)}, expected_version=e.version)
    assert e.end_date == D(2018, 1, 1)


def test_update_is_version_guarded(worker, person):
    e = services.employment_create(actor=worker, data=job(person))
    services.employment_update(actor=worker, employment=e, data={"monthly_income": 4000},
                               expected_version=1)
    with pytest.raises(ConcurrentEditError):
        services.employment_update(actor=worker, employment=e, data={"monthly_income": 5000},
                                   expected_version=1)
    e.refresh_from_db()
    assert (e.monthly_income, e.version, e.history.count()) == (4000, 2, 2)


def test_leader_changes_nothing(demo_users, person):
    with pytest.raises(PermissionDenied):
        services.employment_create(actor=demo_users["leader"], data=job(person))


def test_retire_keeps_the_record_and_derives_status_again(worker, person):
    e = services.employment_create(actor=worker, data=job(person))
    services.employment_retire(actor=worker, employment=e, reason="录入错误")
    e.refresh_from_db()
    person.refresh_from_db()
    assert e.retired_at is not None and person.employment_status == "unemployed"
    services.employment_restore(actor=_admin(), employment=e)
    person.refresh_from_db()
    assert person.employment_status == "employed"


def _admin():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="admin")


# --- 自主创业 ------------------------------------------------------------------------------

def test_venture_poor_employees_within_employees(worker, person):
    with pytest.raises(ServiceError, match="不能多于带动就业人数"):
        services.venture_create(actor=worker, data=venture(person, employees=2,
                                                           poor_employees=3))


def test_venture_loan_dates_ordered(worker, person):
    with pytest.raises(ServiceError, match="贷款到期日期不能早于贷款发放日期"):
        services.venture_create(actor=worker, data=venture(
            person, loan_amount=Decimal(50000), loan_start=D(2017, 6, 1),
            loan_end=D(2017, 5, 1)))


def test_venture_interest_subsidy_within_loan(worker, person):
    with pytest.raises(ServiceError, match="贴息金额不能超过"):
        services.venture_create(actor=worker, data=venture(
            person, loan_amount=Decimal(1000), interest_subsidy=Decimal(2000)))


def test_venture_dates_ordered_and_status(worker, person):
    with pytest.raises(ServiceError, match="停业日期不能早于创业日期"):
        services.venture_create(actor=worker, data=venture(person, end_date=D(2017, 1, 1)))
    v = services.venture_create(actor=worker, data=venture(person, loan_amount=Decimal(50000)))
    person.refresh_from_db()
    assert person.employment_status == "venture" and v.area_code == person.area_code


# --- 公益性岗位 ----------------------------------------------------------------------------

def test_post_is_in_a_village_of_the_actors_scope(worker, demo_users):
    township = worker.scope_code[:9]
    with pytest.raises(ServiceError, match="不在您的管辖范围"):
        services.post_create(actor=worker, data=post(demo_users["village_b"].scope_code))
    with pytest.raises(ServiceError, match="须设在村"):
        services.post_create(actor=demo_users["lizhou_township"], data=post(township))
    p = services.post_create(actor=worker, data=post(worker.scope_code))
    assert p.history.get().history_user == worker


def test_post_name_unique_in_its_village(worker):
    services.post_create(actor=worker, data=post(worker.scope_code))
    with pytest.raises(ServiceError, match="同村岗位请用不同名称"):
        services.post_create(actor=worker, data=post(worker.scope_code))
    services.post_create(actor=worker, data=post(worker.scope_code, name="保洁员2"))


def test_post_established_not_after_its_placements(worker, person):
    p = services.post_create(actor=worker, data=post(worker.scope_code))
    services.placement_create(actor=worker, data={"post": p, "person": person,
                                                  "start_date": D(2017, 2, 1)})
    with pytest.raises(ServiceError, match="开发日期不能晚于"):
        services.post_update(actor=worker, post=p, data={"established": D(2017, 3, 1)},
                             expected_version=p.version)


def test_retiring_a_post_retires_its_placements_and_derives_status(worker, person):
    p = services.post_create(actor=worker, data=post(worker.scope_code))
    pl = services.placement_create(actor=worker, data={"post": p, "person": person,
                                                       "start_date": D(2017, 2, 1)})
    person.refresh_from_db()
    assert person.employment_status == "welfare_post"
    services.post_retire(actor=worker, post=p, reason="岗位撤销")
    pl.refresh_from_db()
    person.refresh_from_db()
    assert pl.retired_at is not None and "岗位撤销" in pl.retired_reason
    assert person.employment_status == "unemployed"
    assert pl.history.latest().history_user == worker


# --- 公益性岗位安置 -------------------------------------------------------------------------

def test_post_holds_one_person_at_a_time(worker, person):
    p = make_post(area_code=worker.scope_code)
    other = make_person(area_code=worker.scope_code, name="李四")
    services.placement_create(actor=worker, data={"post": p, "person": person,
                                                  "start_date": D(2017, 2, 1),
                                                  "end_date": D(2017, 6, 30)})
    with pytest.raises(ServiceError, match="已安置张三，同一岗位同一时间只能安置一人"):
        services.placement_create(actor=worker, data={"post": p, "person": other,
                                                      "start_date": D(2017, 6, 30)})
    # the day after the first ends is free
    services.placement_create(actor=worker, data={"post": p, "person": other,
                                                  "start_date": D(2017, 7, 1)})
    assert Placement.objects.count() == 2


def test_person_holds_one_post_at_a_time(worker, person):
    a = make_post(area_code=worker.scope_code, name="保洁员")
    b = make_post(area_code=worker.scope_code, name="护林员", kind="02")
    services.placement_create(actor=worker, data={"post": a, "person": person,
                                                  "start_date": D(2017, 2, 1)})
    with pytest.raises(ServiceError, match="已在公益性岗位“保洁员”上岗，一人同一时间只能安置"):
        services.placement_create(actor=worker, data={"post": b, "person": person,
                                                      "start_date": D(2018, 1, 1)})


def test_overlap_check_excludes_the_record_itself_and_retired_ones(worker, person):
    p = make_post(area_code=worker.scope_code)
    pl = services.placement_create(actor=worker, data={"post": p, "person": person,
                                                       "start_date": D(2017, 2, 1)})
    pl = services.placement_update(actor=worker, placement=pl,
                                   data={"start_date": D(2017, 3, 1)}, expected_version=1)
    services.placement_retire(actor=worker, placement=pl)
    other = make_person(area_code=worker.scope_code, name="李四")
    services.placement_create(actor=worker, data={"post": p, "person": other,
                                                  "start_date": D(2017, 3, 1)})


def test_placement_not_before_the_post_was_established(worker, person):
    p = make_post(area_code=worker.scope_code, established=D(2017, 5, 1))
    with pytest.raises(ServiceError, match="上岗日期不能早于岗位开发日期"):
        services.placement_create(actor=worker, data={"post": p, "person": person,
                                                      "start_date": D(2017, 4, 1)})


def test_placement_dates_ordered(worker, person):
    p = make_post(area_code=worker.scope_code)
    with pytest.raises(ServiceError, match="离岗日期不能早于上岗日期"):
        services.placement_create(actor=worker, data={"post": p, "person": person,
                                                      "start_date": D(2017, 4, 1),
                                                      "end_date": D(2017, 3, 1)})


def test_ending_a_placement_is_an_update(worker, person):
    p = make_post(area_code=worker.scope_code)
    pl = services.placement_create(actor=worker, data={"post": p, "person": person,
                                                       "start_date": D(2017, 2, 1)})
    services.placement_update(actor=worker, placement=pl, data={"end_date": D(2017, 12, 31)},
                              expected_version=pl.version)
    person.refresh_from_db()
    pl.refresh_from_db()
    assert pl.end_date == D(2017, 12, 31) and pl.history.count() == 2
    assert person.employment_status == "unemployed"


def test_placement_on_a_retired_post_is_refused(worker, person):
    p = make_post(area_code=worker.scope_code)
    services.post_retire(actor=worker, post=p)
    with pytest.raises(ServiceError, match="已停用，不能安置"):
        services.placement_create(actor=worker, data={"post": p, "person": person,
                                                      "start_date": D(2017, 2, 1)})


def test_restoring_an_overlapping_placement_is_refused(worker, person):
    p = make_post(area_code=worker.scope_code)
    pl = services.placement_create(actor=worker, data={"post": p, "person": person,
                                                       "start_date": D(2017, 2, 1)})
    services.placement_retire(actor=worker, placement=pl)
    other = make_person(area_code=worker.scope_code, name="李四")
    services.placement_create(actor=worker, data={"post": p, "person": other,
                                                  "start_date": D(2017, 3, 1)})
    with pytest.raises(ServiceError, match="同一时间只能安置一人"):
        services.placement_restore(actor=_admin(), placement=pl)
    pl.refresh_from_db()
    assert pl.retired_at is not None


def test_a_holder_outside_the_actors_scope_stays_anonymous(demo_users):
    a, b = demo_users["village_a"], demo_users["village_b"]
    p = make_post(area_code=a.scope_code)
    make_placement(person=make_person(area_code=b.scope_code, name="外村人"), post=p,
                   start_date=D(2017, 2, 1))
    mine = make_person(area_code=a.scope_code, name="本村人")
    with pytest.raises(ServiceError) as exc:
        services.placement_create(actor=a, data={"post": p, "person": mine,
                                                 "start_date": D(2017, 3, 1)})
    assert "外村人" not in exc.value.message and "其他地区的人员" in exc.value.message


def test_post_out_of_scope_is_refused(worker, person, demo_users):
    p = make_post(area_code=demo_users["village_b"].scope_code)
    with pytest.raises(ServiceError, match="没有这个岗位"):
        services.placement_create(actor=worker, data={"post": p, "person": person,
                                                      "start_date": D(2017, 2, 1)})
    assert not WelfarePost.objects.filter(placements__isnull=False).exists()
    assert not Venture.objects.exists()


def test_post_with_a_holder_from_outside_the_scope_is_not_retired_by_a_village(demo_users):
    a, b = demo_users["village_a"], demo_users["village_b"]
    p = make_post(area_code=a.scope_code)
    make_placement(person=make_person(area_code=b.scope_code), post=p,
                   start_date=D(2017, 2, 1))
    with pytest.raises(ServiceError, match="其他地区的人员"):
        services.post_retire(actor=a, post=p)
    p.refresh_from_db()
    assert p.retired_at is None
    services.post_retire(actor=demo_users["lizhou_township"], post=p)
    assert not Placement.objects.active().exists()


def test_persons_village_ends_a_placement_on_another_villages_post(demo_users):
    a, b = demo_users["village_a"], demo_users["village_b"]
    theirs = make_post(area_code=b.scope_code)
    pl = make_placement(person=make_person(area_code=a.scope_code), post=theirs,
                        start_date=D(2017, 2, 1))
    pl = services.placement_update(actor=a, placement=pl, data={"end_date": D(2017, 9, 30)},
                                   expected_version=pl.version)
    assert pl.end_date == D(2017, 9, 30)
    mine = make_post(area_code=a.scope_code)
    other = make_post(area_code=b.scope_code)
    with pytest.raises(ServiceError, match="没有这个岗位"):
        services.placement_update(actor=a, placement=pl, data={"post": other},
                                  expected_version=pl.version)
    services.placement_update(actor=a, placement=pl, data={"post": mine},
                              expected_version=pl.version)
