"""The four lists through the shared import framework: templates, round trips through the
export, idempotent re-imports, rules across rows (the services' rules, over the whole file),
and bad input that changes nothing (DESIGN §7)."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from python_calamine import CalamineWorkbook

from fupin.core.models import ImportJob
from fupin.core.tabular import importer
from fupin.core.tabular.reader import TabularError
from fupin.core.tabular.spec import get_spec
from fupin.core.tabular.template import build_template
from fupin.employment import services
from fupin.employment.imports import (
    employments_import,
    placements_import,
    posts_import,
    ventures_import,
)
from fupin.employment.models import Employment, Placement, Venture, WelfarePost
from fupin.employment.tests.factories import (
    make_employment,
    make_placement,
    make_post,
    make_venture,
)
from fupin.registry.models import Person
from fupin.registry.tests.factories import make_person
from fupin.registry.tests.test_import import xlsx

D = datetime.date
SPECS = [employments_import, ventures_import, posts_import, placements_import]


def header(spec):
    return [c.label for c in spec.columns]


def row(spec, **values):
    return [values.get(c.key, "") for c in spec.columns]


def run(spec, actor, data: bytes, name="list.xlsx"):
    return importer.commit(spec, importer.load(data, name), actor=actor)


def sheet(spec, *rows) -> bytes:
    return xlsx([header(spec), *rows])


def history_counts():
    return tuple(m.history.count() for m in (Employment, Venture, WelfarePost, Placement,
                                             Person))


@pytest.fixture
def worker(demo_users):
    return demo_users["village_a"]


@pytest.fixture
def people(worker):
    return [make_person(area_code=worker.scope_code, name=n) for n in ("张三", "李四")]


def exported(client, user, url) -> bytes:
    client.force_login(user)
    resp = client.get(url)
    assert resp.status_code == 200
    return b"".join(resp.streaming_content)


# --- templates and registration ------------------------------------------------------------

@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_template_has_headers_and_instructions(spec, demo_users):
    book = openpyxl.load_workbook(io.BytesIO(build_template(spec)))
    assert [c.value for c in book["数据"][1]][: len(spec.columns)] == header(spec)
    assert get_spec(spec.name) is spec


def test_template_dropdowns_for_coded_columns(demo_users):
    book = openpyxl.load_workbook(io.BytesIO(build_template(employments_import)))
    ranges = " ".join(str(dv.sqref) for dv in book["数据"].data_validations.dataValidation)
    col = openpyxl.utils.get_column_letter(header(employments_import).index("务工地点") + 1)
    assert f"{col}2" in ranges


def test_resources_export_in_the_spec_columns(demo_users):
    from fupin.core.resources import resource_for

    for model, spec in [(Employment, employments_import), (Venture, ventures_import),
                        (WelfarePost, posts_import), (Placement, placements_import)]:
        assert resource_for(model).import_spec is spec


# --- 转移就业 ------------------------------------------------------------------------------

def test_employments_import_reimport_and_edit(worker, people):
    zhang, li = people
    rows = [row(employments_import, id_number=zhang.reveal("id_number"), name="张三",
                employer="深圳某电子厂", place="省外务工", industry="电子",
                start_date="2017年3月1日", monthly_income="3500元", channel="招聘会",
                contract="是", full_time="是"),
            row(employments_import, id_number=li.reveal("id_number"), name="李四",
                employer="利州区某餐馆", place="县内", start_date="2017/4/1",
                end_date="2017.12.31", channel="亲友")]
    report = run(employments_import, worker, sheet(employments_import, *rows))
    assert report.ok, report.errors
    assert report.outcome.as_dict() == {"created": 2, "updated": 0, "unchanged": 2 - 2}
    e = Employment.objects.get(person=zhang)
    assert (e.place, e.monthly_income, e.channel, e.contract, e.full_time, e.area_code) == \
        ("04", 3500, "job_fair", True, True, zhang.area_code)
    assert e.history.get().history_user == worker
    zhang.refresh_from_db()
    assert zhang.employment_status == "employed" and zhang.work_place == "04"
    li_job = Employment.objects.get(person=li)
    assert li_job.place == "02" and li_job.end_date == D(2017, 12, 31)

    before = history_counts()
    again = run(employments_import, worker, sheet(employments_import, *rows))
    assert again.outcome.as_dict() == {"created": 0, "updated": 0, "unchanged": 2}
    assert history_counts() == before

    rows[0][header(employments_import).index("月收入")] = 4200
    edited = run(employments_import, worker, sheet(employments_import, *rows))
    assert edited.outcome.as_dict() == {"created": 0, "updated": 1, "unchanged": 1}
    e.refresh_from_db()
    assert e.monthly_income == 4200 and e.version == 2 and e.history.count() == 2
    assert Person.history.count() == before[-1]  # income is not status: no person change

    rows[0][header(employments_import).index("结束日期")] = "2017-06-30"
    run(employments_import, worker, sheet(employments_import, *rows))
    zhang.refresh_from_db()
    assert zhang.employment_status == "unemployed"  # derived again after the import


@pytest.mark.parametrize("change, column, message", [
    ({"id_number": "510802198505010011"}, "身份证号", "校验位"),
    ({"name": "王二"}, "姓名", "不符"),
    ({"end_date": "2017-01-01"}, "结束日期", "结束日期不能早于开始日期"),
    ({"place": "国外"}, "务工地点", "不是有效的选项"),
    ({"start_date": "去年三月"}, "开始日期", "不是有效日期"),
    ({"start_date": "2017-03"}, "开始日期", "缺少月或日"),
    ({"monthly_income": -5}, "月收入", "不能为负数"),
    ({"monthly_income": "0.5万"}, "月收入", "万"),
    ({"contract": "也许"}, "是否签订劳动合同", "是/否"),
    ({"employer": ""}, "用人单位", "必填"),
])
def test_employment_row_errors_write_nothing(worker, people, change, column, message):
    zhang = people[0]
    values = {"id_number": zhang.reveal("id_number"), "name": "张三", "employer": "某厂",
              "place": "省外务工", "start_date": "2017-03-01", **change}
    report = run(employments_import, worker, sheet(employments_import,
                                                   row(employments_import, **values)))
    assert not report.ok
    assert any(e.column == column and message in e.message for e in report.errors), \
        report.errors
    assert not Employment.objects.exists() and not Employment.history.exists()


def test_person_not_registered_or_out_of_scope(worker, demo_users):
    outsider = make_person(area_code=demo_users["village_b"].scope_code)
    report = run(employments_import, worker, sheet(employments_import, row(
        employments_import, id_number=outsider.reveal("id_number"), employer="某厂",
        place="04", start_date="2017-03-01")))
    assert not report.ok and "没有登记这个身份证号" in report.errors[0].message
    assert not Employment.objects.exists()


def test_duplicate_rows_in_the_file(worker, people):
    r = row(employments_import, id_number=people[0].reveal("id_number"), employer="某厂",
            place="04", start_date="2017-03-01")
    report = run(employments_import, worker, sheet(employments_import, r, r))
    assert not report.ok and "与第 2 行重复" in report.errors[0].message
    assert not Employment.objects.exists()


def test_full_width_digits_and_spaces(worker, people):
    ident = people[0].reveal("id_number")
    wide = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in ident)
    report = run(employments_import, worker, sheet(employments_import, row(
        employments_import, id_number=f" {wide} ", employer="某厂", place="04",
        start_date="２０１７－０３－０１", monthly_income="３５００")))
    assert report.ok, report.errors
    assert Employment.objects.get().monthly_income == 3500


def test_leader_cannot_import(demo_users, people):
    report = run(employments_import, demo_users["leader"], sheet(employments_import, row(
        employments_import, id_number=people[0].reveal("id_number"), employer="某厂",
        place="04", start_date="2017-03-01")))
    assert not report.ok and "无权导入" in report.errors[0].message


# --- export → import round trips -----------------------------------------------------------

def _roundtrip(client, worker, spec, url, model):
    data = exported(client, worker, url)
    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    assert rows[0] == header(spec)
    snapshot = sorted(model.objects.values_list())
    before = history_counts()
    report = run(spec, worker, data)
    assert report.ok, report.errors
    assert report.outcome.created == report.outcome.updated == 0
    assert report.outcome.unchanged == len(rows) - 1 == model.objects.count()
    assert history_counts() == before
    assert sorted(model.objects.values_list()) == snapshot
    return rows


def test_employments_export_reimports_losslessly(worker, people, client):
    make_employment(person=people[0], industry="电子", contract=True, full_time=False,
                    end_date=D(2017, 10, 1), monthly_income=None, channel="")
    make_employment(person=people[1], place="01", channel="self_found")
    rows = _roundtrip(client, worker, employments_import, "/employment/employments/export/",
                      Employment)
    assert people[0].reveal("id_number") in {r[0] for r in rows}


def test_ventures_export_reimports_losslessly(worker, people, client):
    make_venture(person=people[0], loan_amount=Decimal("50000.00"), loan_bank="农商银行",
                 loan_start=D(2017, 3, 5), loan_end=D(2019, 3, 4),
                 interest_subsidy=Decimal("1234.56"), college_student=True)
    make_venture(person=people[1], end_date=D(2018, 1, 1))
    _roundtrip(client, worker, ventures_import, "/employment/ventures/export/", Venture)


def test_posts_export_reimports_losslessly(worker, client):
    make_post(area_code=worker.scope_code, name="保洁员")
    make_post(area_code=worker.scope_code, name="护林员", kind="02", monthly_pay=800)
    _roundtrip(client, worker, posts_import, "/employment/posts/export/", WelfarePost)


def test_placements_export_reimports_losslessly(worker, people, client):
    post = make_post(area_code=worker.scope_code, name="保洁员")
    make_placement(person=people[0], post=post, start_date=D(2017, 2, 1),
                   end_date=D(2017, 6, 30))
    make_placement(person=people[1], post=post, start_date=D(2017, 7, 1))
    _roundtrip(client, worker, placements_import, "/employment/placements/export/", Placement)


def test_masked_export_for_a_leader(worker, people, client, demo_users):
    make_employment(person=people[0])
    data = exported(client, demo_users["leader"], "/employment/employments/export/")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    assert "*" in rows[1][0] and people[0].reveal("id_number") not in str(rows)


# --- 自主创业 ------------------------------------------------------------------------------

@pytest.mark.parametrize("change, message", [
    ({"employees": 1, "poor_employees": 2}, "不能多于带动就业人数"),
    ({"loan_start": "2017-05-01", "loan_end": "2017-04-01"}, "贷款到期日期不能早于贷款发放日期"),
    ({"loan_amount": "1000", "interest_subsidy": "2000"}, "贴息金额不能超过"),
    ({"loan_amount": "5万"}, "万"),
    ({"loan_amount": "100.005"}, "两位小数"),
    ({"end_date": "2017-01-01"}, "停业日期不能早于创业日期"),
])
def test_venture_rules(worker, people, change, message):
    values = {"id_number": people[0].reveal("id_number"), "business": "张三农家乐",
              "start_date": "2017-03-01", **change}
    report = run(ventures_import, worker, sheet(ventures_import, row(ventures_import,
                                                                     **values)))
    assert not report.ok and any(message in e.message for e in report.errors), report.errors
    assert not Venture.objects.exists()


def test_ventures_import_sets_status(worker, people):
    report = run(ventures_import, worker, sheet(ventures_import, row(
        ventures_import, id_number=people[0].reveal("id_number"), business="张三农家乐",
        start_date="2017-03-01", loan_amount="50,000", employees="5人", poor_employees=2)))
    assert report.ok, report.errors
    v = Venture.objects.get()
    assert (v.loan_amount, v.employees, v.poor_employees) == (Decimal(50000), 5, 2)
    people[0].refresh_from_db()
    assert people[0].employment_status == "venture"


# --- 公益性岗位 ----------------------------------------------------------------------------

def test_posts_by_village_names_then_update_by_id(demo_users):
    actor = demo_users["lizhou_township"]
    village = demo_users["village_b"].scope_area
    name = village.name.replace("居民委员会", "").replace("村民委员会", "村")
    rows = [row(posts_import, name="保洁员", kind="保洁", township="东坝街道", village=name,
                monthly_pay=500, established="2017-01-01"),
            row(posts_import, name="护林员", kind="护林员", area_code=village.code,
                monthly_pay="800元", established="2017-02-01")]
    report = run(posts_import, actor, sheet(posts_import, *rows))
    assert report.ok, report.errors
    assert set(WelfarePost.objects.values_list("area_code", "kind")) == \
        {(village.code, "01"), (village.code, "02")}
    post = WelfarePost.objects.get(name="保洁员")
    renamed = row(posts_import, post_id=post.pk, name="保洁员1", kind="01",
                  area_code=village.code, monthly_pay=500, established="2017-01-01")
    report = run(posts_import, actor, sheet(posts_import, renamed, rows[1]))
    assert report.outcome.as_dict() == {"created": 0, "updated": 1, "unchanged": 1}
    post.refresh_from_db()
    assert post.name == "保洁员1" and post.version == 2


@pytest.mark.parametrize("rows, message", [
    ([{"name": "保洁员"}, {"name": "保洁员"}], "重复"),
    ([{"post_id": 99999}], "不存在"),
    ([{"area_code": "510821100001"}], "不是您管辖范围内的村"),
    ([{"kind": "厨师"}], "不是有效的选项"),
    ([{"monthly_pay": ""}], "必填"),
])
def test_post_rules(worker, rows, message):
    base = {"name": "保洁员", "kind": "01", "area_code": worker.scope_code, "monthly_pay": 500,
            "established": "2017-01-01"}
    report = run(posts_import, worker, sheet(posts_import, *[row(posts_import, **{**base, **r})
                                                             for r in rows]))
    assert not report.ok and any(message in e.message for e in report.errors), report.errors
    assert not WelfarePost.objects.exists()


def test_post_established_not_after_its_placements(worker, people):
    post = make_post(area_code=worker.scope_code, name="保洁员")
    make_placement(person=people[0], post=post, start_date=D(2017, 2, 1))
    report = run(posts_import, worker, sheet(posts_import, row(
        posts_import, post_id=post.pk, name="保洁员", kind="01", area_code=worker.scope_code,
        monthly_pay=500, established="2017-03-01")))
    assert not report.ok and "开发日期不能晚于" in report.errors[0].message


# --- 公益性岗位安置 -------------------------------------------------------------------------

def test_placements_by_post_id_or_name_and_village(worker, people):
    village = worker.scope_area
    a = make_post(area_code=village.code, name="保洁员")
    b = make_post(area_code=village.code, name="护林员", kind="02")
    village_name = village.name.replace("居民委员会", "").replace("村民委员会", "村")
    rows = [row(placements_import, id_number=people[0].reveal("id_number"), post_id=a.pk,
                start_date="2017-02-01"),
            row(placements_import, id_number=people[1].reveal("id_number"),
                post_name="护林员", post_village=village_name, start_date="2017-02-01")]
    report = run(placements_import, worker, sheet(placements_import, *rows))
    assert report.ok, report.errors
    assert set(Placement.objects.values_list("post_id", "person_id")) == \
        {(a.pk, people[0].pk), (b.pk, people[1].pk)}
    for p in people:
        p.refresh_from_db()
        assert p.employment_status == "welfare_post"
    before = history_counts()
    assert run(placements_import, worker, sheet(placements_import, *rows)).outcome.unchanged == 2
    assert history_counts() == before
    rows[0][header(placements_import).index("离岗日期")] = "2017-08-31"
    edited = run(placements_import, worker, sheet(placements_import, *rows))
    assert edited.outcome.as_dict() == {"created": 0, "updated": 1, "unchanged": 1}
    people[0].refresh_from_db()
    assert people[0].employment_status == "unemployed"


def _placement(person, post, start, end=""):
    return row(placements_import, id_number=person.reveal("id_number"), post_id=post.pk,
               start_date=start, end_date=end)


def test_post_holds_one_person_at_a_time_within_the_file(worker, people):
    post = make_post(area_code=worker.scope_code)
    report = run(placements_import, worker, sheet(
        placements_import, _placement(people[0], post, "2017-02-01", "2017-06-30"),
        _placement(people[1], post, "2017-06-30")))
    assert not report.ok
    assert report.errors[0].line == 3 and "同一时间只能安置一人" in report.errors[0].message
    assert "第 2 行" in report.errors[0].message
    assert not Placement.objects.exists()
    ok = run(placements_import, worker, sheet(
        placements_import, _placement(people[0], post, "2017-02-01", "2017-06-30"),
        _placement(people[1], post, "2017-07-01")))
    assert ok.ok and Placement.objects.count() == 2


def test_post_holds_one_person_at_a_time_against_the_database(worker, people):
    post = make_post(area_code=worker.scope_code)
    make_placement(person=people[0], post=post, start_date=D(2017, 2, 1))
    report = run(placements_import, worker, sheet(
        placements_import, _placement(people[1], post, "2017-05-01")))
    assert not report.ok and "库中已有记录" in report.errors[0].message
    assert "张三" in report.errors[0].message
    # the same file may end the old placement first: judged on the result, not row by row
    report = run(placements_import, worker, sheet(
        placements_import, _placement(people[0], post, "2017-02-01", "2017-04-30"),
        _placement(people[1], post, "2017-05-01")))
    assert report.ok, report.errors
    assert report.outcome.as_dict() == {"created": 1, "updated": 1, "unchanged": 0}


def test_person_holds_one_post_at_a_time_in_the_file(worker, people):
    a = make_post(area_code=worker.scope_code, name="保洁员")
    b = make_post(area_code=worker.scope_code, name="护林员", kind="02")
    report = run(placements_import, worker, sheet(
        placements_import, _placement(people[0], a, "2017-02-01"),
        _placement(people[0], b, "2018-01-01")))
    assert not report.ok and "一人同一时间只能安置一个岗位" in report.errors[0].message
    assert not Placement.objects.exists()


@pytest.mark.parametrize("values, message", [
    ({"post_id": 99999}, "不存在"),
    ({"post_name": "保洁员"}, "岗位所在村"),
    ({"post_name": "厨师", "post_village": "__village__"}, "找不到名为"),
    ({"post_name": "保洁员", "post_village": "不存在村"}, "找不到"),
    ({"post_id": "__post__", "start_date": "2016-01-01"}, "不能早于岗位开发日期"),
    ({"post_id": "__post__", "start_date": "2017-03-01", "end_date": "2017-02-01"},
     "离岗日期不能早于上岗日期"),
    ({"post_id": "__other_post__"}, "不存在"),
])
def test_placement_row_errors(worker, people, demo_users, values, message):
    post = make_post(area_code=worker.scope_code, name="保洁员")
    other = make_post(area_code=demo_users["village_b"].scope_code)
    subs = {"__post__": post.pk, "__other_post__": other.pk,
            "__village__": worker.scope_code}
    values = {k: subs.get(v, v) for k, v in values.items()}
    values = {"id_number": people[0].reveal("id_number"), "start_date": "2017-03-01", **values}
    report = run(placements_import, worker, sheet(placements_import,
                                                  row(placements_import, **values)))
    assert not report.ok and any(message in e.message for e in report.errors), report.errors
    assert not Placement.objects.exists()


# --- bad input ------------------------------------------------------------------------------

@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_bad_files_give_chinese_messages_and_write_nothing(worker, spec):
    for data, name in [(b"", "x.xlsx"), (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "x.xlsx"),
                       (sheet(spec), "x.xlsx")]:
        with pytest.raises(TabularError) as exc:
            run(spec, worker, data, name)
        assert any("\u4e00" <= ch <= "\u9fff" for ch in exc.value.message)
    with pytest.raises((importer.NeedsMapping, TabularError)):
        run(spec, worker, xlsx([["甲", "乙", "丙"], ["1", "2", "3"]]))
    assert history_counts()[:4] == (0, 0, 0, 0)


def test_gbk_csv(worker, people):
    text = ",".join(header(employments_import)) + "\n" + ",".join(
        str(v) for v in row(employments_import, id_number=people[0].reveal("id_number"),
                            name="张三", employer="某厂", place="省外务工",
                            start_date="2017-03-01")) + "\n"
    assert run(employments_import, worker, text.encode("gbk"), "list.csv").ok
    assert Employment.objects.count() == 1


def test_crash_while_writing_leaves_nothing(worker, people, monkeypatch):
    def dying(rows, state):
        raise KeyboardInterrupt("worker killed")

    monkeypatch.setattr(employments_import, "write", dying)
    with pytest.raises(KeyboardInterrupt):
        run(employments_import, worker, sheet(employments_import, row(
            employments_import, id_number=people[0].reveal("id_number"), employer="某厂",
            place="04", start_date="2017-03-01")))
    assert not Employment.objects.exists() and not Employment.history.exists()


# --- pages and command line ------------------------------------------------------------------

def test_upload_through_the_import_pages(worker, people, client):
    client.force_login(worker)
    assert client.get("/imports/placements/template/").status_code == 200
    post = make_post(area_code=worker.scope_code)
    f = io.BytesIO(sheet(placements_import, _placement(people[0], post, "2017-02-01")))
    f.name = "安置.xlsx"
    resp = client.post("/imports/placements/upload/", {"file": f})
    job = ImportJob.objects.get()
    assert resp.status_code == 302 and job.status == "ready", job.errors
    client.post(f"/imports/jobs/{job.pk}/commit/")
    job.refresh_from_db()
    assert job.status == "done" and job.created == 1
    people[0].refresh_from_db()
    assert people[0].employment_status == "welfare_post"


def test_command_line_import_and_export(worker, people, tmp_path):
    services.employment_create(actor=worker, data={
        "person": people[0], "employer": "某厂", "place": "04", "start_date": D(2017, 3, 1)})
    out = tmp_path / "employments.xlsx"
    call_command("export", "employments", str(out), "--area", worker.scope_code)
    before = history_counts()
    call_command("import", "employments", str(out), "--as", worker.username)
    assert history_counts() == before


def test_placement_on_another_villages_post_round_trips_but_cannot_start(demo_users, people,
                                                                          client):
    a, b = demo_users["village_a"], demo_users["village_b"]
    theirs = make_post(area_code=b.scope_code, name="外村保洁员")
    make_placement(person=people[0], post=theirs, start_date=D(2017, 2, 1))
    data = exported(client, a, "/employment/placements/export/")
    report = run(placements_import, a, data)
    assert report.ok and report.outcome.unchanged == 1, report.errors
    report = run(placements_import, a, sheet(placements_import,
                                             _placement(people[1], theirs, "2018-01-01")))
    assert not report.ok and "只能修改已有的安置记录" in report.errors[0].message
    report = run(placements_import, a, sheet(
        placements_import, _placement(people[0], theirs, "2017-02-01", "2017-12-31"),
        _placement(people[0], theirs, "2018-02-01")))
    assert not report.ok and "只能修改已有的安置记录" in report.errors[0].message
    assert Placement.objects.get().end_date is None
