"""The command line: import, export, generate, and the registry part of the demo."""

import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from fupin.core.models import AccessLog
from fupin.core.tabular.template import build_template
from fupin.registry.generator import roster_rows
from fupin.registry.imports import persons_import
from fupin.registry.models import Household, Person
from fupin.registry.tests.test_import import HEADER, KEY, family, xlsx


def snapshot():
    return sorted(Person.objects.values_list(
        "name", "id_number_hash", "phone_hash", "bank_account_hash", "birth_date", "gender",
        "relation", "education", "schooling", "health", "labour_capacity", "wants_training",
        "training_wish", "wants_work", "work_place_wish", "industry_wish", "expected_wage",
        "employment_status", "work_place", "employer", "household__number",
        "household__identified_year", "household__poverty_cause", "area_code", "complete"))


def test_cli_import_exits_nonzero_with_errors_and_writes_nothing(demo_users, tmp_path):
    actor = demo_users["village_a"]
    rows = family(actor.scope_code)
    rows[0][KEY["labour_capacity"]] = "很能干"
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx([HEADER, *rows]))
    err = io.StringIO()
    with pytest.raises(CommandError, match="未写入任何数据"):
        call_command("import", "persons", str(bad), "--as", "village_a", stderr=err)
    assert "第 2 行" in err.getvalue() and not Person.objects.exists()
    with pytest.raises(CommandError, match="不存在"):
        call_command("import", "persons", str(bad), "--as", "nobody")


def test_template_fill_import_export_reimport_round_trip_10k(demo_users, tmp_path):
    """The issue's done-when: template → fill → import → export → re-import, 10k people."""
    book = openpyxl.load_workbook(io.BytesIO(build_template(persons_import)))
    sheet = book["数据"]
    for row in roster_rows(area="510802", persons=10_000, seed=11):
        sheet.append(row)
    filled = tmp_path / "filled.xlsx"
    book.save(filled)
    out = io.StringIO()
    call_command("import", "persons", str(filled), "--as", "lizhou_county", stdout=out)
    assert "新增 10000" in out.getvalue()
    before = snapshot()
    history = (Person.history.count(), Household.history.count())
    exported = tmp_path / "export.xlsx"
    call_command("export", "persons", str(exported), "--area", "510802", stdout=io.StringIO())
    assert AccessLog.objects.filter(action="export", rows=10_000, actor=None).exists()
    out = io.StringIO()
    call_command("import", "persons", str(exported), "--as", "lizhou_county", stdout=out)
    assert "新增 0，更新 0，未变 10000" in out.getvalue()
    assert snapshot() == before
    assert (Person.history.count(), Household.history.count()) == history


def test_generate_is_deterministic(demo_users):
    a = list(roster_rows(area="510821", persons=200, seed=7))
    assert a == list(roster_rows(area="510821", persons=200, seed=7))
    assert a != list(roster_rows(area="510821", persons=200, seed=8))
    out = io.StringIO()
    call_command("generate", "persons", "--count", "200", "--area", "510821", "--seed", "7",
                 stdout=out)
    assert "新增 200" in out.getvalue()
    call_command("generate", "persons", "--count", "200", "--area", "510821", "--seed", "7",
                 stdout=out)
    assert "未变 200" in out.getvalue()
    ids = [r[KEY["id_number"]] for r in a]
    assert all(i.startswith("510821") for i in ids) and len(set(ids)) == len(ids)


def test_demo_gives_each_village_worker_people(demo_users):
    call_command("demo", "--password", "Guangyuan@2017", "--scale", "0.01",
                 stdout=io.StringIO())
    for name in ("village_a", "village_b"):
        user = demo_users[name]
        assert Person.objects.visible_to(user).count() > 0
    assert Person.objects.filter(area_code__startswith="510821").count() > 100
    count = Person.objects.count()
    call_command("demo", "--password", "Guangyuan@2017", "--scale", "0.01",
                 stdout=io.StringIO())
    assert Person.objects.count() == count
