"""The derived employment status (DESIGN §2) stays right through a working life written
through the services: every write re-derives it in the same transaction."""

import datetime

from django.utils import timezone

from fupin.employment import services
from fupin.employment.tests.factories import make_post
from fupin.registry.tests.factories import make_person


def test_status_follows_the_records_through_a_working_life(demo_users):
    worker = demo_users["village_a"]
    today = timezone.localdate()

    def ago(days):
        return today - datetime.timedelta(days=days)

    person = make_person(area_code=worker.scope_code, name="王五")  # a labourer, born 1985

    def status():
        person.refresh_from_db()
        return (person.employment_status, person.work_place, person.stable_employed,
                person.status_conflict)

    assert status() == ("unemployed", "", False, "")

    # 1. hired far away (务工, 省外) for more than six months: stable
    far = services.employment_create(actor=worker, data={
        "person": person, "employer": "深圳某电子厂", "place": "04", "start_date": ago(400)})
    assert status() == ("employed", "04", True, "")
    assert person.employer == "深圳某电子厂" and person.employed_since == ago(400)

    # 1b. a second full-time job over the same months is flagged, not refused
    near = services.employment_create(actor=worker, data={
        "person": person, "employer": "利州区某餐馆", "place": "02", "start_date": ago(100)})
    employment_status, _place, stable, conflict = status()
    assert employment_status == "employed" and stable
    assert "全职务工时间重叠" in conflict and "深圳某电子厂" in conflict
    services.employment_retire(actor=worker, employment=near, reason="录重了")
    assert status() == ("employed", "04", True, "")

    # 2. the job ends: unemployed, nothing stable any more
    far = services.employment_update(actor=worker, employment=far,
                                     data={"end_date": ago(60)}, expected_version=far.version)
    assert status() == ("unemployed", "", False, "")
    assert person.employer == "" and person.employed_since is None

    # 3. placed on a public-welfare post; a start during the out-of-province job is flagged
    post = make_post(area_code=worker.scope_code, name="保洁员",
                     established=ago(1000))
    placement = services.placement_create(actor=worker, data={
        "post": post, "person": person, "start_date": ago(90)})
    employment_status, _place, stable, conflict = status()
    assert employment_status == "welfare_post"
    assert "省外务工期间安置了公益性岗位" in conflict
    assert stable and person.employed_since == ago(400)  # no gap between job and post
    placement = services.placement_update(actor=worker, placement=placement,
                                          data={"start_date": ago(30)},
                                          expected_version=placement.version)
    assert status() == ("welfare_post", "", False, "")
    assert person.employed_since == ago(30) and person.employer == "保洁员"

    # 4. starts a venture beside the post: a venture ranks above a post
    venture = services.venture_create(actor=worker, data={
        "person": person, "business": "王五小卖部", "start_date": ago(20)})
    assert status() == ("venture", "", False, "")
    assert person.employed_since == ago(30)

    # 5. the post ends; the venture goes on, continuously since the post began
    placement = services.placement_update(actor=worker, placement=placement,
                                          data={"end_date": ago(10)},
                                          expected_version=placement.version)
    assert status() == ("venture", "", False, "")
    assert person.employed_since == ago(30) and person.employer == "王五小卖部"

    # 6. the venture closes: unemployed again
    services.venture_update(actor=worker, venture=venture, data={"end_date": ago(5)},
                            expected_version=venture.version)
    assert status() == ("unemployed", "", False, "")
    assert person.employed_since is None and person.employer == ""
    # every change of status is in the person's history, written by the worker
    changes = person.history.filter(history_user=worker).count()
    assert changes >= 8


def test_status_counts_stable_at_six_months(demo_users):
    worker = demo_users["village_a"]
    today = timezone.localdate()
    person = make_person(area_code=worker.scope_code)
    e = services.employment_create(actor=worker, data={
        "person": person, "employer": "某厂", "place": "03",
        "start_date": today - datetime.timedelta(days=150)})
    person.refresh_from_db()
    assert person.employment_status == "employed" and not person.stable_employed
    services.employment_update(actor=worker, employment=e,
                               data={"start_date": today - datetime.timedelta(days=200)},
                               expected_version=e.version)
    person.refresh_from_db()
    assert person.stable_employed


def test_refresh_status_command_catches_up_with_the_calendar(demo_users):
    from io import StringIO

    from django.core.management import call_command

    from fupin.employment.tests.factories import make_employment

    worker = demo_users["village_a"]
    e = make_employment(area_code=worker.scope_code)  # written around the services
    person = e.person
    assert person.employment_status == "unemployed"
    out = StringIO()
    call_command("refresh_status", "--area", worker.scope_code[:6], stdout=out)
    person.refresh_from_db()
    assert person.employment_status == "employed" and "1 人" in out.getvalue()


def test_records_follow_a_person_who_moves(demo_users):
    from fupin.employment.models import Employment, Placement
    from fupin.registry import services as registry
    from fupin.registry.tests.factories import make_household

    township = demo_users["lizhou_township"]
    a, b = demo_users["village_a"].scope_code, demo_users["village_b"].scope_code
    person = make_person(area_code=a, relation="03")
    e = services.employment_create(actor=township, data={
        "person": person, "employer": "某厂", "place": "04",
        "start_date": datetime.date(2017, 3, 1)})
    post = make_post(area_code=a)
    pl = services.placement_create(actor=township, data={
        "post": post, "person": person, "start_date": datetime.date(2018, 3, 1)})
    person = registry.person_update(actor=township, person=person,
                                    data={"household": make_household(area_code=b)},
                                    protected={}, expected_version=None)
    # the registry moves every list's records with the person (no call needed here)
    assert Employment.objects.get(pk=e.pk).area_code == b
    assert Placement.objects.get(pk=pl.pk).area_code == b  # the post stays where it is
    assert Employment.history.filter(id=e.pk).latest().history_user == township
    assert services.records_follow_person(actor=township, person_ids=[person.pk]) == 0
