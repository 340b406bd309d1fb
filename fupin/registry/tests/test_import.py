"""The person roster through the shared import framework: round trips, idempotence, rules
across rows, and the bad-input suite (DESIGN §7: bad input changes nothing)."""

import csv
import io
import zipfile

import openpyxl
import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook

from fupin.core.tabular import importer
from fupin.core.tabular.reader import TabularError
from fupin.core.tabular.template import build_template
from fupin.registry.generator import roster_rows
from fupin.registry.imports import persons_import
from fupin.registry.models import Household, Person
from fupin.registry.tests.factories import fake_id

HEADER = [c.label for c in persons_import.columns]
KEY = {c.key: i for i, c in enumerate(persons_import.columns)}


def xlsx(rows, *, title_rows=(), serial_col=False, sheet_hidden_first=False) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    if sheet_hidden_first:
        hidden = book.add_worksheet("旧表")
        hidden.write_row(0, 0, ["这张表是隐藏的"])
        hidden.hide()
    sheet = book.add_worksheet("花名册")
    sheet.activate()  # Excel cannot hide the active sheet
    r = 0
    for title in title_rows:
        sheet.merge_range(r, 0, r, 8, title)
        r += 1
    for i, row in enumerate(rows):
        cells = ([("序号" if i == 0 else i)] if serial_col else []) + list(row)
        for c, value in enumerate(cells):
            if value in ("", None):
                continue
            if isinstance(value, int | float):
                sheet.write_number(r, c, value)
            else:
                sheet.write_string(r, c, str(value))
        r += 1
    book.close()
    return out.getvalue()


def run(actor, data: bytes, name="roster.xlsx", commit=True):
    table = importer.load(data, name)
    if commit:
        return importer.commit(persons_import, table, actor=actor)
    return importer.validate(persons_import, table, actor=actor)[0]


def family(village, *, head_id=None, number=""):
    head_id = head_id or fake_id()
    child = fake_id(male=False)
    head = {"area_code": village, "household_number": number, "head_id_number": head_id,
            "name": "张大山", "id_number": head_id, "relation": "户主", "labour_capacity":
            "普通劳动力", "phone": "13812345678", "identified_year": 2015,
            "poverty_cause": "因病"}
    kid = {"area_code": village, "household_number": number, "head_id_number": head_id,
           "name": "张小花", "id_number": child, "relation": "子女", "labour_capacity":
           "普通劳动力"}
    return [[row.get(c.key, "") for c in persons_import.columns] for row in (head, kid)]


def test_template_has_headers_dropdowns_instructions_and_text_columns(demo_users):
    book = openpyxl.load_workbook(io.BytesIO(build_template(persons_import)))
    assert book.sheetnames[:2] == ["数据", "填写说明"]
    data = book["数据"]
    template = [c.label for c in persons_import.template_columns]
    assert [c.value for c in data[1]][: len(template)] == template
    ranges = " ".join(str(dv.sqref) for dv in data.data_validations.dataValidation)
    col = openpyxl.utils.get_column_letter(KEY["labour_capacity"] + 1)
    assert f"{col}2" in ranges
    id_col = openpyxl.utils.get_column_letter(KEY["id_number"] + 1)
    assert data.column_dimensions[id_col].number_format == "@" or \
        data[f"{id_col}2"].number_format == "@"
    assert "户主" in " ".join(str(c.value) for row in book["填写说明"].iter_rows() for c in row)


def test_import_then_reimport_changes_nothing_and_edit_updates_one(demo_users):
    actor = demo_users["village_a"]
    rows = family(actor.scope_code)
    report = run(actor, xlsx([HEADER, *rows]))
    assert report.ok and report.outcome.created == 2
    hh = Household.objects.get()
    kid = Person.objects.get(name="张小花")
    assert hh.head.name == "张大山" and kid.relation == "04"  # 子女 + female ID → 之女
    history = (Person.history.count(), Household.history.count())
    again = run(actor, xlsx([HEADER, *rows]))
    assert again.outcome.as_dict() == {"created": 0, "updated": 0, "unchanged": 2}
    assert (Person.history.count(), Household.history.count()) == history
    rows[1][KEY["skills"]] = "电焊"
    edited = run(actor, xlsx([HEADER, *rows]))
    assert edited.outcome.as_dict() == {"created": 0, "updated": 1, "unchanged": 1}
    kid.refresh_from_db()
    assert kid.skills == "电焊" and kid.history.count() == 2


def test_title_rows_serial_column_and_village_names(demo_users):
    actor = demo_users["lizhou_township"]
    village = demo_users["village_b"].scope_area
    rows = family(village.code)
    for row in rows:
        row[KEY["area_code"]] = ""
        row[KEY["township"]] = "东坝街道"
        row[KEY["village"]] = village.name.replace("居民委员会", "")
    data = xlsx([HEADER, *rows], title_rows=["利州区2017年贫困劳动力实名制登记表",
                                             "填报单位：东坝街道"], serial_col=True)
    report = run(actor, data)
    assert report.ok, report.errors
    assert set(Person.objects.values_list("area_code", flat=True)) == {village.code}


def test_export_reimports_losslessly(demo_users, client):
    actor = demo_users["lizhou_county"]
    rows = list(roster_rows(area="510802", persons=300, seed=5))
    assert run(actor, xlsx([HEADER, *rows])).ok
    snapshot = sorted(Person.objects.values_list(
        "name", "id_number_hash", "phone_hash", "bank_account_hash", "relation", "education",
        "labour_capacity", "wants_training", "employment_status", "household__number",
        "area_code"))
    client.force_login(actor)
    resp = client.get("/registry/persons/export/")
    exported = b"".join(resp.streaming_content)
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(exported)).get_sheet_by_index(0)
    assert sheet.to_python()[0] == HEADER and len(sheet.to_python()) == 301
    history = Person.history.count()
    again = run(actor, exported)
    assert again.ok and again.outcome.unchanged == 300
    assert Person.history.count() == history
    assert sorted(Person.objects.values_list(
        "name", "id_number_hash", "phone_hash", "bank_account_hash", "relation", "education",
        "labour_capacity", "wants_training", "employment_status", "household__number",
        "area_code")) == snapshot


def test_masked_export_for_leader(demo_users, client):
    actor = demo_users["village_a"]
    run(actor, xlsx([HEADER, *family(actor.scope_code)]))
    client.force_login(demo_users["leader"])
    exported = b"".join(client.get("/registry/persons/export/").streaming_content)
    rows = CalamineWorkbook.from_filelike(io.BytesIO(exported)).get_sheet_by_index(0).to_python()
    assert all("*" in str(r[KEY["id_number"]]) for r in rows[1:])


@pytest.mark.parametrize("mutate, message", [
    (lambda rows: rows[1].__setitem__(KEY["id_number"], rows[0][KEY["id_number"]]), "重复"),
    (lambda rows: rows[1].__setitem__(KEY["relation"], "户主"), "只能有一位户主"),
    (lambda rows: rows[0].__setitem__(KEY["relation"], "配偶") or
     rows[1].__setitem__(KEY["relation"], "之子"), "没有户主"),
    (lambda rows: rows[0].__setitem__(KEY["labour_capacity"], "很能干"), "不是有效的选项"),
    (lambda rows: rows[0].__setitem__(KEY["area_code"], "510821100001"), "不是您管辖范围内的村"),
    (lambda rows: rows[0].__setitem__(KEY["gender"], "女"), "与身份证号不符"),
    (lambda rows: rows[0].__setitem__(KEY["identified_year"], "二〇一五年"), ""),
    (lambda rows: rows[0].__setitem__(KEY["id_number"], "510802198505010011"), "校验位"),
])
def test_rule_violations_are_reported_and_nothing_is_written(demo_users, mutate, message):
    actor = demo_users["village_a"]
    rows = family(actor.scope_code)
    mutate(rows)
    report = run(actor, xlsx([HEADER, *rows]))
    assert not report.ok
    assert any(message in e.message for e in report.errors), report.errors
    assert not Person.objects.exists() and not Household.objects.exists()


def test_id_registered_in_another_area_is_refused(demo_users):
    a, b = demo_users["village_a"], demo_users["village_b"]
    rows = family(a.scope_code)
    assert run(a, xlsx([HEADER, *rows])).ok
    for row in rows:
        row[KEY["area_code"]] = b.scope_code
    report = run(b, xlsx([HEADER, *rows]))
    assert not report.ok and "其他地区" in report.errors[0].message
    assert set(Person.objects.values_list("area_code", flat=True)) == {a.scope_code}


# --- the bad-input suite -----------------------------------------------------------------

def good_file(actor) -> bytes:
    return xlsx([HEADER, *family(actor.scope_code)])


def bad_inputs(actor):
    good = good_file(actor)
    ids_as_numbers = io.BytesIO()
    book = xlsxwriter.Workbook(ids_as_numbers, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, HEADER)
    for r, row in enumerate(family(actor.scope_code), start=1):
        for c, value in enumerate(row):
            if c == KEY["id_number"]:
                sheet.write_number(r, c, float(value[:17] + "0"))
            elif value != "":
                sheet.write(r, c, value)
    book.close()
    text_date = io.StringIO()
    writer = csv.writer(text_date)
    writer.writerow(HEADER)
    for row in family(actor.scope_code):
        row[KEY["identified_year"]] = "去年"
        writer.writerow(row)
    return {
        "empty": (b"", "roster.xlsx", "空"),
        "headers_only": (xlsx([HEADER]), "roster.xlsx", "没有数据"),
        "binary_renamed": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "roster.xlsx",
                           "不是有效的"),
        "truncated": (good[: len(good) // 2], "roster.xlsx", "损坏"),
        "ids_lost_digits": (ids_as_numbers.getvalue(), "roster.xlsx", "文本"),
        "text_in_number_column": (text_date.getvalue().encode("utf-8"), "roster.csv", ""),
    }


@pytest.mark.parametrize("case", ["empty", "headers_only", "binary_renamed", "truncated",
                                  "ids_lost_digits", "text_in_number_column"])
def test_bad_input_gives_chinese_message_and_writes_nothing(demo_users, case):
    actor = demo_users["village_a"]
    data, name, message = bad_inputs(actor)[case]
    try:
        report = run(actor, data, name)
    except TabularError as exc:
        assert message in exc.message
    else:
        assert not report.ok
        assert any(message in e.message for e in report.errors), report.errors
    assert not Person.objects.exists() and not Household.objects.exists()


def test_wrong_headers_ask_for_mapping(demo_users):
    actor = demo_users["village_a"]
    data = xlsx([["甲", "乙", "丙"], ["1", "2", "3"]])
    with pytest.raises((importer.NeedsMapping, TabularError)):
        run(actor, data)
    assert not Person.objects.exists()


def test_hidden_sheet_and_formulas_and_gbk_csv(demo_users):
    actor = demo_users["village_a"]
    rows = family(actor.scope_code)
    assert run(actor, xlsx([HEADER, *rows], sheet_hidden_first=True)).ok
    from django.apps import apps

    apps.get_model("followups", "VisitPlan").objects.all().delete()  # derived from the people
    Person.objects.all().delete()
    Household.objects.all().delete()
    out = io.StringIO()
    csv.writer(out).writerows([HEADER, *rows])
    assert run(actor, out.getvalue().encode("gbk"), "roster.csv").ok
    assert Person.objects.count() == 2


def test_formula_cells_use_their_values(demo_users):
    actor = demo_users["village_a"]
    rows = family(actor.scope_code)
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, HEADER)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if c == KEY["expected_wage"]:
                sheet.write_formula(r, c, "=1500*2", None, 3000)
            elif value != "":
                sheet.write(r, c, value)
    book.close()
    assert run(actor, out.getvalue()).ok
    assert set(Person.objects.values_list("expected_wage", flat=True)) == {3000}


def test_large_file_with_one_bad_row_at_the_end_writes_nothing(demo_users):
    actor = demo_users["lizhou_county"]
    rows = list(roster_rows(area="510802", persons=100_000, seed=9))
    rows[-1][KEY["id_number"]] = rows[-1][KEY["id_number"]][:-1] + (
        "0" if rows[-1][KEY["id_number"]][-1] != "0" else "1")
    out = io.StringIO()
    csv.writer(out).writerows([HEADER, *rows])
    report = run(actor, out.getvalue().encode("utf-8"), "big.csv")
    assert not report.ok and report.error_rows == 1
    assert report.errors[0].line == 100_001
    assert not Person.objects.exists()


def test_file_over_the_size_limit_is_refused(demo_users, settings, monkeypatch):
    from fupin.core.tabular import jobs

    monkeypatch.setattr(jobs, "MAX_UPLOAD_BYTES", 1000)
    with pytest.raises(TabularError, match="上限"):
        jobs.job_create(actor=demo_users["village_a"], spec_name="persons",
                        filename="big.xlsx", data=b"x" * 2000)


def test_crash_in_the_middle_of_writing_leaves_database_as_it_was(demo_users, monkeypatch):
    actor = demo_users["lizhou_county"]
    rows = list(roster_rows(area="510802", persons=5000, seed=3))
    calls = {"n": 0}
    original = persons_import.write

    def dying_write(chunk, state):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt("worker killed")
        return original(chunk, state)

    monkeypatch.setattr(persons_import, "write", dying_write)
    out = io.StringIO()
    csv.writer(out).writerows([HEADER, *rows])
    with pytest.raises(KeyboardInterrupt):
        run(actor, out.getvalue().encode("utf-8"), "big.csv")
    assert calls["n"] == 2
    assert not Person.objects.exists() and not Household.objects.exists()
    assert not Person.history.exists()


def test_zip_that_is_not_a_workbook(demo_users):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("hello.txt", "not excel")
    with pytest.raises(TabularError):
        run(demo_users["village_a"], out.getvalue())
