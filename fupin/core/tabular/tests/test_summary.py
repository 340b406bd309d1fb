"""One message per cause (issue 8 item 1): when one cause fails many rows, the report says
it once with the rows it covers — on the page, in the .xlsx error report and on the command
line — before the row-by-row list."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from python_calamine import CalamineWorkbook

from fupin.core.models import ImportJob
from fupin.core.tabular import importer
from fupin.core.tabular.reader import find_header
from fupin.registry.imports import persons_import
from fupin.registry.models import Person
from fupin.registry.tests.test_import import HEADER, KEY, family, xlsx

CAUSE = ("村：“东坝街道 陈家壕社区居民委员会”（利州区 东坝街道 陈家壕社区居民委员会）"
         "不在您的管辖范围内")


def test_line_ranges_are_compressed():
    ranges = importer.line_ranges([45, 4, *range(5, 40), 41, *range(46, 51)])
    assert importer.format_lines(ranges) == "4–39、41、45–50"
    assert importer.format_lines(importer.line_ranges(range(2, 40, 2)), limit=3) == "2、4、6等"


def roster(village_a) -> bytes:
    """18 households (36 rows, lines 2–37) named as village_b's village, then one row of
    village_a with a bad relation."""
    rows = []
    for _i in range(18):
        for row in family(village_a):
            row[KEY["area_code"]] = ""
            row[KEY["township"]] = "东坝街道"
            row[KEY["village"]] = "陈家壕社区居民委员会"
            rows.append(row)
    good = family(village_a)
    good[0][KEY["relation"]] = "邻居"
    return xlsx([HEADER, *rows, *good])


def test_report_says_each_cause_once_with_its_rows(demo_users):
    actor = demo_users["village_a"]
    report = importer.validate(persons_import, importer.load(roster(actor.scope_code), "r.xlsx"),
                               actor=actor)[0]
    assert not report.ok and len([e for e in report.errors if e.column == "村"]) == 36
    summary = report.summary()
    assert [c.text() for c in summary] == [f"第 2–37 行\u3000{CAUSE}"]
    assert summary[0].count == 36


def test_page_and_error_report_show_the_summary_first(demo_users, client):
    actor = demo_users["village_a"]
    client.force_login(actor)
    upload = SimpleUploadedFile("roster.xlsx", roster(actor.scope_code))
    client.post("/imports/persons/upload/", {"file": upload})
    job = ImportJob.objects.get()
    assert job.status == "invalid" and job.error_summary[0]["lines"] == "2–37"
    page = client.get(f"/imports/jobs/{job.pk}/").content.decode()
    summary_at = page.index('data-testid="error-summary"')
    assert page.count("第 2–37 行") == 1 and summary_at < page.index("<table")
    assert summary_at < page.index("邻居")  # the row-by-row list follows

    content = b"".join(client.get(f"/imports/jobs/{job.pk}/errors/").streaming_content)
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    assert rows[1][0] == "第 2–37 行" and CAUSE in rows[1][1] and "36" in rows[1][1]
    # the table below still reads as the roster's rows: the fixed report uploads again
    table = importer.load(content, "errors.xlsx")
    header = find_header(table, persons_import.matcher())
    assert table.rows[header.row_index][:2] == ["行号", "错误"]
    assert set(header.mapping.values()) >= {"name", "id_number", "village"}
    assert not Person.objects.exists()


def test_command_line_prints_the_summary_first(demo_users, tmp_path, capsys):
    actor = demo_users["village_a"]
    path = tmp_path / "roster.xlsx"
    path.write_bytes(roster(actor.scope_code))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import", "persons", str(path), "--as", "village_a", stderr=err)
    lines = err.getvalue().splitlines()
    assert lines[1] == f"第 2–37 行\u3000{CAUSE}"
    assert sum(CAUSE.split("：", 1)[1] in line for line in lines) == 1 + 36
    assert not Person.objects.exists()
