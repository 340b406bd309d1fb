"""The training spreadsheets through the shared import framework: round trips, idempotence,
the service rules applied row by row, and bad input (DESIGN §7: bad input changes nothing)."""

import csv
import io

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from fupin.core.tabular import importer
from fupin.core.tabular.reader import TabularError
from fupin.core.tabular.template import build_template
from fupin.registry.tests.factories import fake_id
from fupin.registry.tests.test_import import xlsx
from fupin.training.imports import courses_import, enrolments_import
from fupin.training.models import Course, Enrolment
from fupin.training.tests.conftest import days
from fupin.training.tests.factories import make_course, make_enrolment, make_trainee

HEADER = [c.label for c in enrolments_import.columns]
KEY = {c.key: i for i, c in enumerate(enrolments_import.columns)}
COURSE_HEADER = [c.label for c in courses_import.columns]
CKEY = {c.key: i for i, c in enumerate(courses_import.columns)}


def run(actor, data: bytes, spec=enrolments_import, name="名单.xlsx"):
    return importer.commit(spec, importer.load(data, name), actor=actor)


def row(**values):
    return [values.get(c.key, "") for c in enrolments_import.columns]


def read_export(resp) -> list[list]:
    content = b"".join(resp.streaming_content)
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()


@pytest.fixture
def setting(demo_users, township, today):
    """A running 10-place course and two trainees of village_a."""
    actor = demo_users["village_a"]
    course = make_course(area_code=township, name="2017年电焊工培训班",
                         start_date=today - days(4), end_date=today + days(5), capacity=10)
    people = [make_trainee(area_code=actor.scope_code, name=n, id_number=fake_id())
              for n in ("张三", "李四")]
    return actor, course, people


def ident(person):
    return person.reveal("id_number")


def test_templates_have_headers_dropdowns_and_instructions(demo_users):
    book = openpyxl.load_workbook(io.BytesIO(build_template(enrolments_import)))
    assert [c.value for c in book["数据"][1]][: len(HEADER)] == HEADER
    assert "身份证号" in " ".join(str(c.value) for r in book["填写说明"].iter_rows() for c in r)
    book = openpyxl.load_workbook(io.BytesIO(build_template(courses_import)))
    assert [c.value for c in book["数据"][1]][: len(COURSE_HEADER)] == COURSE_HEADER


def test_import_enrols_then_reimport_changes_nothing_and_edit_updates_one(setting):
    actor, course, (zhang, li) = setting
    rows = [HEADER,
            row(course_name=course.name, name="张三", id_number=ident(zhang)),
            row(course_id=course.pk, name="李四", id_number=ident(li), status="在训",
                days_attended=3)]
    report = run(actor, xlsx(rows))
    assert report.ok, report.errors
    assert report.outcome.as_dict() == {"created": 2, "updated": 0, "unchanged": 0}
    e = Enrolment.objects.get(person=li)
    assert (e.course, e.area_code, e.days_attended) == (course, actor.scope_code, 3)
    assert e.history.get().history_user == actor
    history = Enrolment.history.count()
    again = run(actor, xlsx(rows))
    assert again.outcome.as_dict() == {"created": 0, "updated": 0, "unchanged": 2}
    assert Enrolment.history.count() == history
    rows[2][KEY["days_attended"]] = 5
    edited = run(actor, xlsx(rows))
    assert edited.outcome.as_dict() == {"created": 0, "updated": 1, "unchanged": 1}
    e.refresh_from_db()
    assert e.days_attended == 5 and e.version == 2 and e.history.count() == 2


def test_export_reimports_losslessly(setting, client, today):
    actor, course, (zhang, li) = setting
    ended = make_course(area_code=course.area_code, name="2017年茶叶种植班",
                        start_date=today - days(20), end_date=today - days(11))
    make_enrolment(course=course, person=zhang, days_attended=2)
    make_enrolment(course=ended, person=zhang, status="completed", days_attended=10,
                   completed_on=ended.end_date, certificate="GY2017-0001")
    make_enrolment(course=ended, person=li, status="dropped", days_attended=1)
    client.force_login(actor)
    exported = read_export(client.get("/training/enrolments/export/"))
    assert exported[0] == HEADER and len(exported) == 4
    # an enrolment starts as 报名 (registered) since enrolments have a workflow
    assert {r[KEY["status"]] for r in exported[1:]} == {"报名", "已结业", "中途退出"}
    assert ident(zhang) in {r[KEY["id_number"]] for r in exported[1:]}
    assert exported[1][KEY["area_code"]] == actor.scope_code
    snapshot = sorted(Enrolment.objects.values_list(
        "course", "person", "status", "days_attended", "completed_on", "certificate",
        "version"))
    history = Enrolment.history.count()
    again = run(actor, xlsx(exported))
    assert again.ok, again.errors
    assert again.outcome.as_dict() == {"created": 0, "updated": 0, "unchanged": 3}
    assert Enrolment.history.count() == history
    assert sorted(Enrolment.objects.values_list(
        "course", "person", "status", "days_attended", "completed_on", "certificate",
        "version")) == snapshot


def test_leader_export_is_masked(setting, client, demo_users):
    actor, course, (zhang, _li) = setting
    make_enrolment(course=course, person=zhang)
    client.force_login(demo_users["leader"])
    exported = read_export(client.get("/training/enrolments/export/"))
    assert "*" in exported[1][KEY["id_number"]] and ident(zhang) not in str(exported)


def test_completion_by_import_defaults_to_the_course_end_date(demo_users, township, today):
    actor = demo_users["village_a"]
    course = make_course(area_code=township, start_date=today - days(9),
                         end_date=today - days(1))
    person = make_trainee(area_code=actor.scope_code, id_number=fake_id())
    make_enrolment(course=course, person=person)
    report = run(actor, xlsx([HEADER, row(course_id=course.pk, name=person.name,
                                          id_number=ident(person), status="结业",
                                          days_attended="９", certificate="C-1")]))
    assert report.ok, report.errors
    e = Enrolment.objects.get()
    assert (e.status, e.completed_on, e.days_attended) == ("completed", course.end_date, 9)


def mutations(course, zhang, li, ended, full):
    return {
        "duplicate": ([row(course_id=course.pk, name="张三", id_number=ident(zhang))] * 2,
                      "与第 3 行重复"),
        "unknown_person": ([row(course_id=course.pk, name="王五", id_number=fake_id())],
                           "没有登记这个身份证号"),
        "bad_checksum": ([row(course_id=course.pk, name="张三",
                              id_number=ident(zhang)[:-1] + ("0" if ident(zhang)[-1] != "0"
                                                             else "1"))], "校验位"),
        "name_mismatch": ([row(course_id=course.pk, name="张山", id_number=ident(zhang))],
                          "登记的姓名“张三”不符"),
        "unknown_course": ([row(course_name="不存在的班", name="张三", id_number=ident(zhang))],
                           "找不到培训班"),
        "no_course": ([row(name="张三", id_number=ident(zhang))], "培训班编号或培训班名称"),
        "id_name_mismatch": ([row(course_id=course.pk, course_name="别的班", name="张三",
                                  id_number=ident(zhang))], "不符"),
        "ended_course": ([row(course_id=ended.pk, name="张三", id_number=ident(zhang))],
                         "不能再报名"),
        "full_course": ([row(course_id=full.pk, name="张三", id_number=ident(zhang)),
                         row(course_id=full.pk, name="李四", id_number=ident(li))], "已报满"),
        "certificate_not_completed": ([row(course_id=course.pk, name="张三",
                                           id_number=ident(zhang), certificate="C-1")],
                                      "只有“已结业”的学员才填写证书编号"),
        "too_many_days": ([row(course_id=course.pk, name="张三", id_number=ident(zhang),
                               days_attended=11)], "不能超过培训天数"),
        "bad_status": ([row(course_id=course.pk, name="张三", id_number=ident(zhang),
                            status="请假")], "不是有效的选项"),
        "bad_date": ([row(course_id=course.pk, name="张三", id_number=ident(zhang),
                          status="已结业", completed_on="上周")], "不是有效日期"),
    }


@pytest.mark.parametrize("case", ["duplicate", "unknown_person", "bad_checksum", "name_mismatch",
                                  "unknown_course", "no_course", "id_name_mismatch",
                                  "ended_course", "full_course", "certificate_not_completed",
                                  "too_many_days", "bad_status", "bad_date"])
def test_rule_violations_are_reported_and_nothing_is_written(setting, today, case):
    actor, course, (zhang, li) = setting
    ended = make_course(area_code=course.area_code, start_date=today - days(9),
                        end_date=today - days(1))
    full = make_course(area_code=course.area_code, capacity=1)
    rows, message = mutations(course, zhang, li, ended, full)[case]
    good = row(course_id=course.pk, name="李四", id_number=ident(li))
    history = Enrolment.history.count()
    report = run(actor, xlsx([HEADER, good, *rows]))
    assert not report.ok
    assert any(message in e.message for e in report.errors), report.errors
    assert not Enrolment.objects.exists() and Enrolment.history.count() == history


def test_eligibility_rules_of_the_service_apply_to_new_rows(demo_users, setting):
    actor, course, _people = setting
    unwilling = make_trainee(area_code=actor.scope_code, name="赵六", id_number=fake_id(),
                             wants_training=False)
    unable = make_trainee(area_code=actor.scope_code, name="钱七", id_number=fake_id(),
                          labour_capacity="04")
    outsider = make_trainee(area_code=demo_users["village_b"].scope_code, name="孙八",
                            id_number=fake_id())
    report = run(actor, xlsx([HEADER, *[row(course_id=course.pk, name=p.name,
                                            id_number=ident(p))
                                        for p in (unwilling, unable, outsider)]]))
    messages = [e.message for e in report.errors]
    assert any("没有培训意愿" in m for m in messages)
    assert any("丧失劳动力" in m for m in messages)
    assert any("没有登记这个身份证号" in m for m in messages)
    assert not Enrolment.objects.exists()


def test_capacity_counts_the_database_and_the_file(demo_users, township):
    actor = demo_users["village_a"]
    course = make_course(area_code=township, capacity=2)
    make_enrolment(area_code=actor.scope_code, course=course)
    people = [make_trainee(area_code=actor.scope_code, id_number=fake_id()) for _ in range(2)]
    report = run(actor, xlsx([HEADER, *[row(course_id=course.pk, name=p.name,
                                            id_number=ident(p)) for p in people]]))
    assert not report.ok and [e.line for e in report.errors] == [3]
    assert "按本表将有 3 人" in report.errors[0].message
    # a drop-out in the same file frees the place
    first = Enrolment.objects.get()
    report = run(actor, xlsx([HEADER, row(course_id=course.pk, name=people[0].name,
                                          id_number=ident(people[0])),
                              row(course_id=course.pk, name=people[1].name,
                                  id_number=ident(people[1])),
                              row(course_id=course.pk, name=first.person.name,
                                  id_number=ident(first.person), status="中途退出")]))
    assert report.ok, report.errors
    assert course.enrolments.filter(status="registered").count() == 2


def test_ambiguous_course_name_asks_for_the_number(setting):
    actor, course, (zhang, _li) = setting
    make_course(area_code=course.area_code, name=course.name)
    report = run(actor, xlsx([HEADER, row(course_name=course.name, name="张三",
                                          id_number=ident(zhang))]))
    assert not report.ok and "请填写培训班编号" in report.errors[0].message


def test_leader_cannot_import_enrolments(demo_users, setting):
    _actor, course, (zhang, _li) = setting
    report = run(demo_users["leader"], xlsx([HEADER, row(course_id=course.pk, name="张三",
                                                         id_number=ident(zhang))]))
    assert not report.ok and not Enrolment.objects.exists()


@pytest.mark.parametrize("case", ["empty", "headers_only", "not_a_workbook", "no_id_column"])
def test_bad_files_give_a_chinese_message_and_write_nothing(setting, case):
    actor, course, (zhang, _li) = setting
    data = {
        "empty": b"",
        "headers_only": xlsx([HEADER]),
        "not_a_workbook": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,
        "no_id_column": xlsx([["培训班编号", "姓名", "状态"], [course.pk, "张三", "在训"]]),
    }[case]
    with pytest.raises((TabularError, importer.NeedsMapping)) as err:
        run(actor, data)
    if isinstance(err.value, TabularError):
        assert any("\u4e00" <= ch <= "\u9fff" for ch in err.value.message)
    else:
        assert "身份证号" in err.value.missing
    assert not Enrolment.objects.exists()


def test_gbk_csv_with_a_title_row_and_synonym_headers(setting):
    actor, course, (zhang, li) = setting
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["2017年参训人员花名册"])
    writer.writerow(["序号", "培训班", "学员姓名", "身份证号码", "参训状态", "出勤(天)"])
    writer.writerow([1, course.name, "张三", ident(zhang), "培训中", "2"])
    writer.writerow([2, course.name, "李四", ident(li), "退出", "1"])
    report = run(actor, out.getvalue().encode("gbk"), name="名单.csv")
    assert report.ok, report.errors
    assert dict(Enrolment.objects.values_list("person__name", "status")) == {
        "张三": "enrolled", "李四": "dropped"}


# --- courses ------------------------------------------------------------------------------

def course_row(**values):
    return [values.get(c.key, "") for c in courses_import.columns]


def plan(township_name, today):
    return [course_row(township=township_name, name="2017年电焊工培训班第1期", kind="职业技能",
                       provider="广元市就业培训中心", start_date=(today + days(5)).isoformat(),
                       end_date=(today + days(14)).strftime("%Y年%m月%d日"), place="镇便民服务中心",
                       capacity=40, subsidy_per_person="1000元"),
            course_row(township=township_name, name="2017年茶叶种植培训班", kind="04",
                       provider="县农业局", start_date=(today + days(20)).isoformat(),
                       end_date=(today + days(24)).isoformat(), place="茶园", capacity=45)]


def test_county_plans_courses_in_excel_and_reimport_opens_nothing_twice(demo_users, township,
                                                                        today):
    from fupin.areas.models import Area

    actor = demo_users["lizhou_county"]
    name = Area.objects.get(pk=township).name
    rows = [COURSE_HEADER, *plan(name, today)]
    report = run(actor, xlsx(rows), spec=courses_import)
    assert report.ok, report.errors
    assert report.outcome.created == 2
    welding = Course.objects.get(name="2017年电焊工培训班第1期")
    assert (welding.area_code, welding.kind, welding.capacity, str(welding.subsidy_per_person)) \
        == (township, "02", 40, "1000.00")
    history = Course.history.count()
    again = run(actor, xlsx(rows), spec=courses_import)
    assert again.outcome.as_dict() == {"created": 0, "updated": 0, "unchanged": 2}
    assert Course.history.count() == history
    rows[2][CKEY["capacity"]] = 50
    edited = run(actor, xlsx(rows), spec=courses_import)
    assert edited.outcome.as_dict() == {"created": 0, "updated": 1, "unchanged": 1}


def test_course_export_reimports_losslessly(demo_users, client, township, today):
    actor = demo_users["lizhou_township"]
    make_course(area_code=township, subsidy_per_person="1200.50", trainer="王师傅")
    make_course(area_code=township, kind="04")
    client.force_login(actor)
    exported = read_export(client.get("/training/courses/export/"))
    assert exported[0] == COURSE_HEADER and len(exported) == 3
    snapshot = sorted(Course.objects.values_list())
    history = Course.history.count()
    again = run(actor, xlsx(exported), spec=courses_import)
    assert again.ok, again.errors
    assert again.outcome.as_dict() == {"created": 0, "updated": 0, "unchanged": 2}
    assert sorted(Course.objects.values_list()) == snapshot
    assert Course.history.count() == history
    exported[1][CKEY["name"]] = "改名后的培训班"  # matched by its number: a rename
    report = run(actor, xlsx(exported), spec=courses_import)
    assert report.outcome.as_dict() == {"created": 0, "updated": 1, "unchanged": 1}
    assert Course.objects.get(pk=exported[1][CKEY["course_id"]]).name == "改名后的培训班"


@pytest.mark.parametrize("mutate, message", [
    (lambda r: r.__setitem__(CKEY["township"], "不存在镇"), "找不到乡镇"),
    (lambda r: r.__setitem__(CKEY["area_code"], "510802"), "9 位"),
    (lambda r: r.__setitem__(CKEY["end_date"], "2000-01-01"), "不能早于开班日期"),
    (lambda r: r.__setitem__(CKEY["capacity"], 0), "至少为 1 人"),
    (lambda r: r.__setitem__(CKEY["kind"], "跳舞"), "不是有效的选项"),
    (lambda r: r.__setitem__(CKEY["course_id"], 999999), "没有编号为 999999"),
])
def test_course_rule_violations_write_nothing(demo_users, township, today, mutate, message):
    from fupin.areas.models import Area

    rows = plan(Area.objects.get(pk=township).name, today)
    mutate(rows[1])
    report = run(demo_users["lizhou_county"], xlsx([COURSE_HEADER, *rows]), spec=courses_import)
    assert not report.ok
    assert any(message in e.message for e in report.errors), report.errors
    assert not Course.objects.exists()


def test_duplicate_courses_in_a_plan_and_capacity_below_enrolled(demo_users, township, today):
    from fupin.areas.models import Area

    actor = demo_users["lizhou_county"]
    rows = plan(Area.objects.get(pk=township).name, today)
    report = run(actor, xlsx([COURSE_HEADER, rows[0], rows[0]]), spec=courses_import)
    assert not report.ok and "同一个培训班" in report.errors[0].message
    course = make_course(area_code=township, capacity=5)
    for _ in range(3):
        make_enrolment(area_code=demo_users["village_a"].scope_code, course=course)
    rows[0][CKEY["course_id"]] = course.pk
    rows[0][CKEY["capacity"]] = 2
    report = run(actor, xlsx([COURSE_HEADER, rows[0]]), spec=courses_import)
    assert not report.ok and "已报名人数（3 人）" in report.errors[0].message


def test_township_officer_cannot_plan_for_another_township(demo_users, other_township, today):
    from fupin.areas.models import Area

    rows = plan(Area.objects.get(pk=other_township).name, today)
    report = run(demo_users["lizhou_township"], xlsx([COURSE_HEADER, *rows]),
                 spec=courses_import)
    assert not report.ok and not Course.objects.exists()
    report = run(demo_users["village_a"], xlsx([COURSE_HEADER, *rows]), spec=courses_import)
    assert not report.ok and any("无权" in e.message for e in report.errors)


# --- through the shared import pages -----------------------------------------------------

def test_import_pages_list_template_upload_and_confirm(setting, client):
    from fupin.core.models import ImportJob

    actor, course, (zhang, _li) = setting
    client.force_login(actor)
    page = client.get("/imports/").content.decode()
    assert "参训人员名单" in page and "培训班计划表" not in page  # villages do not plan
    assert client.get("/imports/courses/template/").status_code == 404
    assert client.get("/imports/enrolments/template/").status_code == 200
    upload = io.BytesIO(xlsx([HEADER, row(course_id=course.pk, name="张三",
                                          id_number=ident(zhang))]))
    upload.name = "名单.xlsx"
    resp = client.post("/imports/enrolments/upload/", {"file": upload})
    job = ImportJob.objects.get()
    assert resp.status_code == 302 and job.status == "ready", job.errors
    assert not Enrolment.objects.exists()
    client.post(f"/imports/jobs/{job.pk}/commit/")
    job.refresh_from_db()
    assert job.status == "done" and job.created == 1
    assert Enrolment.objects.get().person == zhang


def test_export_with_a_course_of_another_township_reimports(demo_users, client,
                                                            other_township):
    """A county officer put a villager on another township's course: the village worker
    cannot see that course, yet their export of the villager re-imports, and updates it."""
    actor = demo_users["village_a"]
    course = make_course(area_code=other_township)
    person = make_trainee(area_code=actor.scope_code, id_number=fake_id())
    e = make_enrolment(course=course, person=person)
    client.force_login(actor)
    exported = read_export(client.get("/training/enrolments/export/"))
    assert run(actor, xlsx(exported)).outcome.unchanged == 1
    exported[1][KEY["days_attended"]] = 2
    assert run(actor, xlsx(exported)).outcome.updated == 1
    e.refresh_from_db()
    assert e.days_attended == 2
    newcomer = make_trainee(area_code=actor.scope_code, id_number=fake_id())
    report = run(actor, xlsx([HEADER, row(course_id=course.pk, name=newcomer.name,
                                          id_number=ident(newcomer))]))
    assert not report.ok and "没有编号为" in report.errors[0].message


def test_a_sheet_without_some_columns_keeps_their_stored_values(demo_users, township, today):
    actor = demo_users["village_a"]
    course = make_course(area_code=township, start_date=today - days(9),
                         end_date=today - days(1))
    person = make_trainee(area_code=actor.scope_code, id_number=fake_id())
    e = make_enrolment(course=course, person=person, status="completed", days_attended=8,
                       completed_on=course.end_date, certificate="C-9")
    sheet = [["培训班编号", "姓名", "身份证号", "出勤天数"],
             [course.pk, person.name, ident(person), 9]]
    report = run(actor, xlsx(sheet))
    assert report.ok, report.errors
    assert report.outcome.updated == 1
    e.refresh_from_db()
    assert (e.status, e.days_attended, e.certificate) == ("completed", 9, "C-9")


def test_command_line_export_and_reimport(setting, tmp_path):
    from django.core.management import call_command

    actor, course, (zhang, li) = setting
    make_enrolment(course=course, person=zhang, days_attended=1)
    make_enrolment(course=course, person=li)
    path = tmp_path / "名单.xlsx"
    call_command("export", "enrolments", str(path), area=actor.scope_code)
    history = Enrolment.history.count()
    call_command("import", "enrolments", str(path), username=actor.username)
    assert Enrolment.history.count() == history
    courses = tmp_path / "培训班.xlsx"
    call_command("export", "courses", str(courses), area=course.area_code)
    call_command("import", "courses", str(courses), username="lizhou_township")
    assert Course.objects.get().version == course.version


def test_past_courses_take_back_filled_outcomes_not_applications(setting, today):
    """补录: last year's paper roster moves in as completed or dropped records; an ended
    course takes no new application, and the person must have been a labourer then."""
    actor, course, (zhang, li) = setting
    ended = make_course(area_code=course.area_code, name="2017年茶叶种植班",
                        start_date=today - days(20), end_date=today - days(11), capacity=2)
    unwilling = make_trainee(area_code=actor.scope_code, name="王五", id_number=fake_id(),
                             wants_training=False)  # the wish registered today is not asked
    report = run(actor, xlsx([
        HEADER,
        row(course_id=ended.pk, name="张三", id_number=ident(zhang), status="已结业",
            days_attended=10, certificate="GY2017-0002"),
        row(course_id=ended.pk, name="王五", id_number=ident(unwilling), status="中途退出")]))
    assert report.ok, report.errors
    done = Enrolment.objects.get(person=zhang)
    assert done.status == "completed" and done.completed_on == ended.end_date
    refused = run(actor, xlsx([HEADER, row(course_id=ended.pk, name="李四",
                                           id_number=ident(li), status="在训")]))
    assert not refused.ok and "已于" in refused.errors[0].message
    assert not Enrolment.objects.filter(person=li).exists()


def test_a_course_filled_while_the_file_was_checked_refuses_the_import(setting, monkeypatch):
    """Two workers at once: the import counts the places again under the course's lock."""
    from fupin.training.imports import EnrolmentImport

    actor, course, (zhang, li) = setting
    course.capacity = 2
    course.save()
    late = make_trainee(area_code=actor.scope_code, name="王五", id_number=fake_id())
    checked = EnrolmentImport.finish

    def someone_enrols_meanwhile(self, state):
        errors = checked(self, state)
        make_enrolment(course=course, person=late)  # after the check, before the write
        return errors

    monkeypatch.setattr(EnrolmentImport, "finish", someone_enrols_meanwhile)
    with pytest.raises(TabularError, match="导入期间有人报名"):
        run(actor, xlsx([HEADER, row(course_id=course.pk, name="张三", id_number=ident(zhang)),
                         row(course_id=course.pk, name="李四", id_number=ident(li))]))
    assert list(Enrolment.objects.values_list("person", flat=True)) == [late.pk]
