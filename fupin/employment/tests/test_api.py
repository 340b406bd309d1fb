"""The employment lists in the API: same scoping, same services, same rules."""

import datetime

from fupin.employment.models import Placement
from fupin.employment.tests.factories import make_employment, make_placement, make_post
from fupin.registry.tests.factories import make_person

D = datetime.date


def api(client, method, url, data=None):
    return getattr(client, method)(url, data=data or {}, content_type="application/json")


def test_create_by_id_number_masks_it_and_derives_status(demo_users, client):
    actor = demo_users["village_a"]
    person = make_person(area_code=actor.scope_code, name="张三")
    ident = person.reveal("id_number")
    client.force_login(actor)
    resp = api(client, "post", "/api/v1/employments/", {
        "person_id_number": ident, "employer": "某电子厂", "place": "04",
        "start_date": "2017-03-01", "monthly_income": 3800, "channel": "job_fair"})
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert body["person"] == person.pk and body["person_name"] == "张三"
    assert body["area_code"] == person.area_code and ident not in resp.content.decode()
    person.refresh_from_db()
    assert person.employment_status == "employed" and person.work_place == "04"
    listed = client.get("/api/v1/employments/?place=04").json()["results"]
    assert [r["id"] for r in listed] == [body["id"]]
    assert client.get("/api/v1/employments/?place=01").json()["results"] == []


def test_update_refuses_an_end_before_the_start(demo_users, client):
    actor = demo_users["village_a"]
    e = make_employment(area_code=actor.scope_code)
    client.force_login(actor)
    bad = api(client, "patch", f"/api/v1/employments/{e.pk}/",
              {"end_date": "2016-01-01", "version": 1})
    assert bad.status_code == 400 and "结束日期不能早于开始日期" in bad.content.decode()
    e.refresh_from_db()
    assert (e.end_date, e.version) == (None, 1)


def test_person_out_of_scope_is_refused(demo_users, client):
    outsider = make_person(area_code=demo_users["village_b"].scope_code)
    client.force_login(demo_users["village_a"])
    for data in ({"person": outsider.pk}, {"person_id_number": outsider.reveal("id_number")}):
        resp = api(client, "post", "/api/v1/ventures/", {
            **data, "business": "某店", "start_date": "2017-03-01"})
        assert resp.status_code == 400, resp.content
    assert api(client, "post", "/api/v1/ventures/", {
        "business": "某店", "start_date": "2017-03-01"}).status_code == 400


def test_venture_rules_through_the_api(demo_users, client):
    actor = demo_users["village_a"]
    person = make_person(area_code=actor.scope_code)
    client.force_login(actor)
    resp = api(client, "post", "/api/v1/ventures/", {
        "person": person.pk, "business": "某店", "start_date": "2017-03-01", "employees": 1,
        "poor_employees": 2})
    assert resp.status_code == 400 and "不能多于带动就业人数" in resp.content.decode()
    resp = api(client, "post", "/api/v1/ventures/", {
        "person": person.pk, "business": "某店", "start_date": "2017-03-01",
        "loan_amount": "50000.00", "loan_start": "2017-03-01", "loan_end": "2019-02-28"})
    assert resp.status_code == 201 and resp.json()["loan_amount"] == "50000.00"


def test_posts_and_placements_one_at_a_time_and_end_by_patch(demo_users, client):
    actor = demo_users["village_a"]
    a = make_person(area_code=actor.scope_code, name="甲")
    b = make_person(area_code=actor.scope_code, name="乙")
    client.force_login(actor)
    resp = api(client, "post", "/api/v1/welfare-posts/", {
        "area_code": actor.scope_code, "name": "保洁员", "kind": "01", "monthly_pay": 500,
        "established": "2017-01-01"})
    assert resp.status_code == 201, resp.content
    post = resp.json()["id"]
    first = api(client, "post", "/api/v1/placements/", {
        "post": post, "person": a.pk, "start_date": "2017-02-01"})
    assert first.status_code == 201 and first.json()["post_name"] == "保洁员"
    clash = api(client, "post", "/api/v1/placements/", {
        "post": post, "person": b.pk, "start_date": "2017-06-01"})
    assert clash.status_code == 400 and "同一时间只能安置一人" in clash.content.decode()
    pk = first.json()["id"]
    ended = api(client, "patch", f"/api/v1/placements/{pk}/",
                {"end_date": "2017-05-31", "version": 1})
    assert ended.status_code == 200
    assert api(client, "post", "/api/v1/placements/", {
        "post": post, "person": b.pk, "start_date": "2017-06-01"}).status_code == 201
    b.refresh_from_db()
    assert b.employment_status == "welfare_post"


def test_delete_retires_and_derives_status(demo_users, client):
    actor = demo_users["village_a"]
    pl = make_placement(area_code=actor.scope_code)
    client.force_login(actor)
    assert api(client, "delete", f"/api/v1/placements/{pl.pk}/").status_code == 204
    pl.refresh_from_db()
    assert pl.retired_at is not None and Placement.objects.filter(pk=pl.pk).exists()
    pl.person.refresh_from_db()
    assert pl.person.employment_status == "unemployed"
    assert client.get("/api/v1/placements/").json()["results"] == []


def test_post_out_of_scope_is_not_found_in_placements(demo_users, client):
    actor = demo_users["village_a"]
    person = make_person(area_code=actor.scope_code)
    theirs = make_post(area_code=demo_users["village_b"].scope_code)
    client.force_login(actor)
    resp = api(client, "post", "/api/v1/placements/", {
        "post": theirs.pk, "person": person.pk, "start_date": "2017-02-01"})
    assert resp.status_code == 400 and not Placement.objects.exists()
