"""Training pages: course list and page with its roster and "enrol a person" box, forms,
the enrolment list with its filters, navigation."""

from fupin.registry.tests.factories import fake_id
from fupin.training.models import Course, Enrolment
from fupin.training.tests.conftest import days
from fupin.training.tests.factories import make_course, make_enrolment, make_trainee


def test_navigation_has_courses_and_enrolments(demo_users, client):
    client.force_login(demo_users["village_a"])
    html = client.get("/").content.decode()
    assert 'href="/training/courses/"' in html and "培训班" in html
    assert 'href="/training/enrolments/"' in html and "参训记录" in html


def test_village_worker_sees_township_courses_but_cannot_plan_them(demo_users, client,
                                                                   township, other_township):
    mine = make_course(area_code=township, name="本镇电焊班")
    elsewhere = make_course(area_code=other_township, name="外镇厨师班")
    make_enrolment(area_code=demo_users["village_a"].scope_code, course=mine)
    client.force_login(demo_users["village_a"])
    html = client.get("/training/courses/").content.decode()
    assert f"/training/courses/{mine.pk}/" in html
    assert f"/training/courses/{elsewhere.pk}/" not in html
    assert "/training/courses/new/" not in html
    assert client.get(f"/training/courses/{elsewhere.pk}/").status_code == 404
    assert client.get("/training/courses/new/").status_code == 403


def test_course_list_filters(demo_users, client, township, today):
    running = make_course(area_code=township, name="茶叶种植班", kind="04")
    ended = make_course(area_code=township, name="电焊班", start_date=today - days(30),
                        end_date=today - days(20))
    client.force_login(demo_users["lizhou_township"])
    html = client.get("/training/courses/", {"phase": "ended"}).content.decode()
    assert f"/training/courses/{ended.pk}/" in html
    assert f"/training/courses/{running.pk}/" not in html
    html = client.get("/training/courses/", {"kind": "04", "q": "茶叶"}).content.decode()
    assert f"/training/courses/{running.pk}/" in html
    assert f"/training/courses/{ended.pk}/" not in html


def course_post(area_code, today, **kw):
    return {"area_code": area_code, "name": "2017年月嫂培训班", "kind": "01",
            "provider": "广元市家政培训学校", "trainer": "", "place": "镇便民服务中心",
            "start_date": (today + days(2)).isoformat(), "end_date": (today + days(9)).isoformat(),
            "capacity": "40", "subsidy_per_person": "1200", **kw}


def test_township_officer_plans_a_course_through_the_form(demo_users, client, township, today):
    client.force_login(demo_users["lizhou_county"])
    form = client.get("/training/courses/new/").content.decode()
    assert "leaf=township" in form and 'type="date"' in form
    client.force_login(demo_users["lizhou_township"])
    form = client.get("/training/courses/new/").content.decode()
    assert f'name="area_code" value="{township}"' in form  # their own township, fixed
    resp = client.post("/training/courses/new/", course_post(township, today))
    assert resp.status_code == 302, resp.content.decode()
    course = Course.objects.get()
    assert course.area_code == township and course.capacity == 40
    assert resp["Location"] == f"/training/courses/{course.pk}/"


def test_course_form_refuses_a_village_or_reversed_dates(demo_users, client, township, today):
    client.force_login(demo_users["lizhou_county"])
    resp = client.post("/training/courses/new/", course_post(
        demo_users["village_a"].scope_code, today))
    assert resp.status_code == 400 and "请选择到乡镇（街道）一级" in resp.content.decode()
    resp = client.post("/training/courses/new/", course_post(
        township, today, end_date=today.isoformat(), start_date=(today + days(1)).isoformat()))
    assert resp.status_code == 400 and "结业日期不能早于开班日期" in resp.content.decode()
    resp = client.post("/training/courses/new/", course_post(township, today, capacity="0"))
    assert resp.status_code == 400 and "至少为 1 人" in resp.content.decode()
    assert not Course.objects.exists()


def test_course_page_shows_roster_and_enrols_a_villager(demo_users, client, township):
    actor = demo_users["village_a"]
    course = make_course(area_code=township, capacity=10)
    done = make_enrolment(area_code=actor.scope_code, course=course, status="dropped",
                          days_attended=2)
    other = make_enrolment(area_code=demo_users["village_b"].scope_code, course=course)
    client.force_login(actor)
    html = client.get(f"/training/courses/{course.pk}/").content.decode()
    assert done.person.name in html and "中途退出" in html
    assert f'data-pk="{other.pk}"' not in html and "另有 1 名学员" in html
    assert 'data-testid="enrol-box"' in html and "报名" in html
    ident = fake_id()
    person = make_trainee(area_code=actor.scope_code, id_number=ident, name="赵六")
    resp = client.post(f"/training/courses/{course.pk}/enrol/", {"person": ident})
    assert resp.status_code == 302 and resp["Location"].endswith("#roster")
    e = Enrolment.objects.get(person=person)
    assert e.course == course and e.area_code == actor.scope_code
    html = client.get(f"/training/courses/{course.pk}/").content.decode()
    assert "已为 赵六 报名" in html and "赵六" in html


def test_enrol_box_shows_the_refusal_and_keeps_the_id(demo_users, client, township):
    actor = demo_users["village_a"]
    course = make_course(area_code=township)
    ident = fake_id()
    make_trainee(area_code=actor.scope_code, id_number=ident, wants_training=False)
    client.force_login(actor)
    resp = client.post(f"/training/courses/{course.pk}/enrol/", {"person": ident})
    html = resp.content.decode()
    assert resp.status_code == 400 and "没有培训意愿" in html and ident in html
    other = fake_id()
    make_trainee(area_code=demo_users["village_b"].scope_code, id_number=other)
    resp = client.post(f"/training/courses/{course.pk}/enrol/", {"person": other})
    assert resp.status_code == 400 and "没有登记这个身份证号" in resp.content.decode()
    assert not Enrolment.objects.exists()


def test_course_page_explains_why_nobody_can_be_enrolled(demo_users, client, township, today):
    ended = make_course(area_code=township, start_date=today - days(9), end_date=today - days(1))
    client.force_login(demo_users["village_a"])
    html = client.get(f"/training/courses/{ended.pk}/").content.decode()
    assert "培训班已结业，不能再报名" in html and 'name="person"' not in html
    client.force_login(demo_users["leader"])
    html = client.get(f"/training/courses/{ended.pk}/").content.decode()
    assert 'data-testid="enrol-box"' not in html


def test_enrolment_form_with_course_preselected(demo_users, client, township):
    actor = demo_users["village_a"]
    course = make_course(area_code=township)
    client.force_login(actor)
    html = client.get(f"/training/enrolments/new/?course={course.pk}").content.decode()
    assert f'<option value="{course.pk}" selected>' in html
    ident = fake_id()
    person = make_trainee(area_code=actor.scope_code, id_number=ident)
    resp = client.post("/training/enrolments/new/", {"course": course.pk, "person": ident})
    assert resp.status_code == 302
    e = Enrolment.objects.get()
    assert e.person == person and resp["Location"] == f"/training/enrolments/{e.pk}/"
    resp = client.post("/training/enrolments/new/", {"course": course.pk, "person": ident})
    assert resp.status_code == 400 and "已报名该培训班" in resp.content.decode()


def test_enrolment_edit_records_completion(demo_users, client, township, today):
    actor = demo_users["village_a"]
    course = make_course(area_code=township, start_date=today - days(4), end_date=today)
    e = make_enrolment(area_code=actor.scope_code, course=course)
    client.force_login(actor)
    html = client.get(f"/training/enrolments/{e.pk}/edit/").content.decode()
    assert "本班共 5 天" in html and 'name="status"' not in html  # steps, not a field
    detail = client.get(f"/training/enrolments/{e.pk}/").content.decode()
    assert 'data-transition="check_in"' in detail and 'data-transition="complete"' not in detail
    for step, version in (("check_in", 1), ("complete", 2)):
        resp = client.post(f"/training/enrolments/{e.pk}/transitions/{step}/",
                           {"_version": str(version)})
        assert resp.status_code == 302
    e.refresh_from_db()
    assert (e.status, e.completed_on) == ("completed", today)  # the course's end date
    resp = client.post(f"/training/enrolments/{e.pk}/edit/", {
        "days_attended": "5", "completed_on": "", "certificate": "GY-001", "_version": "3"})
    assert resp.status_code == 302, resp.content.decode()
    e.refresh_from_db()
    assert (e.status, e.completed_on, e.certificate) == ("completed", today, "GY-001")
    dropped = make_enrolment(area_code=actor.scope_code, course=course, status="dropped")
    resp = client.post(f"/training/enrolments/{dropped.pk}/edit/", {
        "days_attended": "1", "completed_on": today.isoformat(), "certificate": "",
        "_version": "1"})
    assert resp.status_code == 400 and "只有“已结业”的学员" in resp.content.decode()
    html = client.get(f"/training/enrolments/{e.pk}/").content.decode()
    assert e.person.name in html and f"/training/courses/{course.pk}/" in html
    assert "GY-001" in html


def test_enrolment_list_filters_by_course_status_area_and_name(demo_users, client, township):
    a, b = demo_users["village_a"].scope_code, demo_users["village_b"].scope_code
    c1, c2 = make_course(area_code=township), make_course(area_code=township)
    e1 = make_enrolment(area_code=a, course=c1, person=make_trainee(area_code=a, name="钱一"))
    e2 = make_enrolment(area_code=b, course=c2, status="dropped",
                        person=make_trainee(area_code=b, name="孙二"))
    client.force_login(demo_users["lizhou_township"])
    url = "/training/enrolments/"

    def shown(**params):
        html = client.get(url, params).content.decode()
        return {e.pk for e in (e1, e2) if f'href="/training/enrolments/{e.pk}/"' in html}

    assert shown() == {e1.pk, e2.pk}
    assert shown(course=c1.pk) == {e1.pk}
    assert shown(state="dropped") == {e2.pk}
    assert shown(area=b) == {e2.pk}
    assert shown(q="钱一") == {e1.pk}
    assert shown(q="sune") == {e2.pk}


def test_roster_export_from_the_course_page(demo_users, client, township):
    import io

    from python_calamine import CalamineWorkbook

    a = demo_users["village_a"].scope_code
    c1, c2 = make_course(area_code=township), make_course(area_code=township)
    e1 = make_enrolment(area_code=a, course=c1)
    make_enrolment(area_code=a, course=c2)
    client.force_login(demo_users["village_a"])
    resp = client.get(f"/training/enrolments/export/?course={c1.pk}")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(resp.streaming_content))) \
        .get_sheet_by_index(0).to_python()
    assert len(rows) == 2 and rows[1][2] == e1.person.name


def test_village_worker_filtering_by_own_village_still_sees_township_courses(
        demo_users, client, township, other_township):
    mine = make_course(area_code=township, kind="02")
    elsewhere = make_course(area_code=other_township, kind="02")
    actor = demo_users["village_a"]
    client.force_login(actor)
    # the area picker of a village worker always sends their village
    html = client.get("/training/courses/", {"area": actor.scope_code, "kind": "02"}) \
        .content.decode()
    assert f"/training/courses/{mine.pk}/" in html
    client.force_login(demo_users["lizhou_county"])
    html = client.get("/training/courses/", {"area": other_township}).content.decode()
    assert f"/training/courses/{elsewhere.pk}/" in html
    assert f"/training/courses/{mine.pk}/" not in html
    body = client.get("/api/v1/courses/", {"area": actor.scope_code}).json()
    assert [r["id"] for r in body["results"]] == [mine.pk]
