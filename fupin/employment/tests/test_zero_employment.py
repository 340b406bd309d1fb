"""The zero-employment working list (DESIGN §2), employment's: households with a labourer and
nobody working, and its counts (the indicator's)."""

import datetime

from fupin.core.indicators import Period, compute
from fupin.employment.models import Employment
from fupin.registry.tests.factories import make_person

D = datetime.date


def test_zero_employment_list_shows_households_without_work(demo_users, client):
    from fupin.employment.status import person_status_refresh

    a = demo_users["village_a"].scope_code
    b = demo_users["village_b"].scope_code
    pa = make_person(area_code=a, name="甲")
    pb = make_person(area_code=b, name="乙")
    Employment.objects.create(person=pa, area_code=a, employer="某厂", place="04",
                              start_date=D(2017, 5, 1))
    person_status_refresh(person_ids=[pa.pk, pb.pk])
    client.force_login(demo_users["lizhou_township"])
    html = client.get("/employment/zero-employment/").content.decode()
    assert "乙" in html and "甲" not in html.split("zero-count")[1]
    # a village worker sees their own village's list only; another area is not found
    client.force_login(demo_users["village_a"])
    html = client.get("/employment/zero-employment/").content.decode()
    assert "乙" not in html.split("zero-count")[1]
    assert client.get("/employment/zero-employment/", {"area": b}).status_code == 404
    # the old address still lands on the list, with its query
    old = client.get("/reports/zero-employment/", {"area": a})
    assert old.status_code == 302 and old["Location"] == f"/employment/zero-employment/?area={a}"


def test_zero_employment_list_follows_hires_job_ends_and_placements(demo_users):
    """DESIGN §2: the list a village worker drives to empty stays right as records change."""
    from fupin.employment import services
    from fupin.employment.selectors import zero_employment_households
    from fupin.employment.tests.factories import make_post

    worker = demo_users["village_a"]
    person = make_person(area_code=worker.scope_code, name="丙")
    household = person.household_id

    def listed():
        return household in set(zero_employment_households(user=worker).values_list(
            "pk", flat=True))

    assert listed()
    job = services.employment_create(actor=worker, data={
        "person": person, "employer": "某厂", "place": "03", "start_date": D(2020, 3, 1)})
    assert not listed()
    services.employment_update(actor=worker, employment=job, data={"end_date": D(2021, 1, 31)},
                               expected_version=job.version)
    assert listed()
    post = make_post(area_code=worker.scope_code)
    placement = services.placement_create(actor=worker, data={
        "post": post, "person": person, "start_date": D(2021, 3, 1)})
    assert not listed()
    services.placement_retire(actor=worker, placement=placement, reason="录错")
    assert listed()
    assert compute(area=worker.scope_code, period=Period(2021),
                   keys=["zero_employment"])[worker.scope_code]["zero_employment"] == 1


def test_zero_employment_list_pages_by_keys_and_counts_per_village(demo_users, client):
    a = demo_users["village_a"].scope_code
    b = demo_users["village_b"].scope_code
    households = [make_person(area_code=a, name=f"户{i}").household_id for i in range(51)]
    make_person(area_code=b, name="乙户")
    client.force_login(demo_users["lizhou_township"])
    first = client.get("/employment/zero-employment/").content.decode()
    assert first.count('class="list-group-item"') == 50
    assert 'data-testid="zero-count">52<' in first
    assert f'href="?area={a}">' in first and "after=" in first
    after = first.split("after=")[1].split('"')[0]
    second = client.get("/employment/zero-employment/", {"after": after}).content.decode()
    assert second.count('class="list-group-item"') == 2  # the oldest of A's and B's
    assert f"/registry/households/{households[0]}/" in second
