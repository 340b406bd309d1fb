"""The training API: courses and enrolments through the services, scoped and version-guarded."""

from fupin.training.models import Course, Enrolment
from fupin.training.tests.conftest import days
from fupin.training.tests.factories import make_course, make_enrolment, make_trainee

JSON = "application/json"


def test_api_lists_courses_with_area_code_and_places_taken(demo_users, client, township):
    course = make_course(area_code=township, capacity=5)
    make_enrolment(area_code=demo_users["village_a"].scope_code, course=course)
    make_enrolment(area_code=demo_users["village_b"].scope_code, course=course,
                   status="dropped")
    client.force_login(demo_users["village_a"])
    row = client.get("/api/v1/courses/").json()["results"][0]
    assert row["area_code"] == township and row["occupied"] == 1 and row["kind"] == "02"
    assert client.get(f"/api/v1/courses/{course.pk}/").json()["occupied"] == 1


def test_api_course_refuses_a_village_code_and_reversed_dates(demo_users, client, township,
                                                              today):
    """The course rules in the API's words (create, edit, conflict and retire: the resource
    test bases, test_resource_views.py)."""
    client.force_login(demo_users["lizhou_county"])
    body = {"area_code": township, "name": "2017年电商培训班", "kind": "03",
            "provider": "县就业局", "start_date": (today + days(1)).isoformat(),
            "end_date": (today + days(5)).isoformat(), "place": "县城", "capacity": 20,
            "subsidy_per_person": "800.00"}
    bad = client.post("/api/v1/courses/", {**body, "area_code": "510802"}, content_type=JSON)
    assert bad.status_code == 400 and "乡镇" in bad.json()["area_code"][0]
    bad = client.post("/api/v1/courses/", {**body, "end_date": today.isoformat()},
                      content_type=JSON)
    assert bad.status_code == 400 and "不能早于开班日期" in str(bad.json())
    assert not Course.objects.exists()


def test_api_village_worker_cannot_plan_courses(demo_users, client, township, today):
    client.force_login(demo_users["village_a"])
    resp = client.post("/api/v1/courses/", {"area_code": township}, content_type=JSON)
    assert resp.status_code == 403


def test_api_enrol_refusals_in_words_and_scope(demo_users, client, township):
    actor = demo_users["village_a"]
    course = make_course(area_code=township)
    person = make_trainee(area_code=actor.scope_code)
    unwilling = make_trainee(area_code=actor.scope_code, wants_training=False)
    outsider = make_trainee(area_code=demo_users["village_b"].scope_code)
    client.force_login(actor)
    resp = client.post("/api/v1/enrolments/", {"course": course.pk, "person": person.pk},
                       content_type=JSON)
    assert resp.status_code == 201, resp.content
    row = resp.json()
    assert row["area_code"] == actor.scope_code and row["status"] == "registered"
    assert "*" in row["person_id_number_masked"]
    again = client.post("/api/v1/enrolments/", {"course": course.pk, "person": person.pk},
                        content_type=JSON)
    assert again.status_code == 400 and "已报名" in again.json()["person"][0]
    resp = client.post("/api/v1/enrolments/", {"course": course.pk, "person": unwilling.pk},
                       content_type=JSON)
    assert resp.status_code == 400 and "培训意愿" in resp.json()["person"][0]
    resp = client.post("/api/v1/enrolments/", {"course": course.pk, "person": outsider.pk},
                       content_type=JSON)
    assert resp.status_code == 400 and "person" in resp.json()
    assert Enrolment.objects.count() == 1


def test_api_enrolment_progress_is_version_guarded_and_course_fixed(demo_users, client,
                                                                    township, today):
    actor = demo_users["village_a"]
    course = make_course(area_code=township, start_date=today - days(4), end_date=today)
    other = make_course(area_code=township)
    e = make_enrolment(area_code=actor.scope_code, course=course)
    client.force_login(actor)
    url = f"/api/v1/enrolments/{e.pk}/"
    # course and person are fixed after creation, and the status moves only through the
    # workflow: sending one is refused, naming it
    for field, value in (("course", other.pk), ("person", e.person_id),
                         ("status", "completed")):
        moved = client.patch(url, {field: value, "version": 1}, content_type=JSON)
        assert moved.status_code == 400 and list(moved.json()) == [field], moved.content
    e.refresh_from_db()
    assert (e.course_id, e.version, e.status) == (course.pk, 1, "registered")
    steps = client.get(f"{url}transitions/").json()
    assert [s["name"] for s in steps] == ["check_in", "drop"]
    assert client.post(f"{url}transitions/check_in/", {"version": 1},
                       content_type=JSON).status_code == 200
    resp = client.post(f"{url}transitions/complete/",
                       {"version": 2, "payload": {"days_attended": 5}}, content_type=JSON)
    assert resp.status_code == 200, resp.content
    assert resp.json()["completed_on"] == today.isoformat()
    assert resp.json()["course"] == course.pk and resp.json()["status"] == "completed"
    stale = client.patch(url, {"certificate": "X", "version": 1}, content_type=JSON)
    assert stale.status_code == 409
    missing = client.patch(url, {"certificate": "X"}, content_type=JSON)
    assert missing.status_code == 400 and "version" in missing.json()
    bad = client.patch(url, {"days_attended": 6, "version": 3}, content_type=JSON)
    assert bad.status_code == 400 and "5 天" in bad.json()["days_attended"][0]


def test_api_enrolment_filters(demo_users, client, township):
    a = demo_users["village_a"].scope_code
    c1, c2 = make_course(area_code=township), make_course(area_code=township)
    e1 = make_enrolment(area_code=a, course=c1)
    e2 = make_enrolment(area_code=a, course=c2, status="dropped")
    client.force_login(demo_users["village_a"])

    def ids(query):
        return {r["id"] for r in client.get("/api/v1/enrolments/" + query).json()["results"]}

    assert ids("") == {e1.pk, e2.pk}
    assert ids(f"?course={c1.pk}") == {e1.pk}
    assert ids("?status=dropped") == {e2.pk}
    assert client.delete(f"/api/v1/enrolments/{e1.pk}/").status_code == 204
    assert ids("") == {e2.pk}
