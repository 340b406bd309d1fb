"""Issue 8, files that explode: a small .xlsx that unpacks to hundreds of MB, a sheet that
declares a huge range, 10,000 columns, and large files read in the request. Each is refused (or
sent to the worker) before any cell is read, with a Chinese message."""

from __future__ import annotations

import io
import zipfile

import pytest
import xlsxwriter

from fupin.core.models import ImportJob
from fupin.core.tabular import importer, jobs, reader
from fupin.core.tabular.reader import MAX_COLUMNS, TabularError, inspect, read_table

MB = 1024 * 1024

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships'
    '+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/></Types>')
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="花名册" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
_SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
               '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')


def crafted_xlsx(sheet_parts, *, dimension: str | None = None, zip64: bool = True) -> bytes:
    """A minimal real .xlsx whose sheet XML is written from `sheet_parts` (bytes chunks,
    streamed into the zip, so that a 240 MB sheet never sits in memory)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=zip64) as sheet:
            sheet.write(_SHEET_HEAD.encode())
            if dimension:
                sheet.write(f'<dimension ref="{dimension}"/>'.encode())
            sheet.write(b"<sheetData>")
            for part in sheet_parts:
                sheet.write(part)
            sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


_CELL = '<c r="A{n}" t="inlineStr"><is><t>张三</t></is></c>'


def _rows(first: int, count: int, cells: str = _CELL):
    return "".join(f'<row r="{n}">{cells.format(n=n)}</row>'
                   for n in range(first, first + count)).encode()


@pytest.fixture
def calamine_must_not_run(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the workbook was opened for reading")

    monkeypatch.setattr(reader.CalamineWorkbook, "from_filelike", refuse)


def test_zip_bomb_xlsx_is_refused_before_reading(calamine_must_not_run):
    # The file: about 1 MB that unpacks to 240 MB of sheet XML.
    # Rows without their optional r="…" are all alike: deflate stores them almost for free.
    block = '<row><c t="inlineStr"><is><t>张三</t></is></c></row>'.encode() * 20_000
    data = crafted_xlsx([_rows(1, 1)] + [block] * (240 * MB // len(block)))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        unpacked = sum(i.file_size for i in archive.infolist())
    assert len(data) < 2 * MB and unpacked > 230 * MB
    for check in (inspect, read_table):
        with pytest.raises(TabularError) as refused:
            check(data, "花名册.xlsx")
        assert refused.value.message.startswith("文件解压后异常巨大（")
        assert "倍），不像是正常的表格" in refused.value.message


def test_zip_whose_sizes_lie_is_refused_while_unzipping(calamine_must_not_run):
    # The sheet declares 1,000 unpacked bytes and holds 1.2 MB: zip readers that trust the
    # declaration would allocate for the truth; the scan stops at the declared end (bad CRC).
    data = bytearray(crafted_xlsx([_rows(1, 20_000)], zip64=False))
    name = b"xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        local = archive.getinfo(name.decode()).header_offset
    central = data.rindex(name) - 46
    assert data[local:local + 4] == b"PK\x03\x04" and data[central:central + 4] == b"PK\x01\x02"
    data[local + 22:local + 26] = (1000).to_bytes(4, "little")
    data[central + 24:central + 28] = (1000).to_bytes(4, "little")
    for check in (inspect, read_table):
        with pytest.raises(TabularError) as refused:
            check(bytes(data), "a.xlsx")
        assert refused.value.message.startswith("文件已损坏或不完整")


@pytest.mark.parametrize(
    ("dimension", "expected"),
    [
        ("A1:XFD1048576", "工作表“花名册”有 16,384 列，超过了 200 列的上限"),
        ("A1:AD1048576", "工作表“花名册”的范围是 A1:AD1048576（1,048,576 行 × 30 列），远超"),
    ],
)
def test_sheet_whose_dimension_is_huge_is_refused_before_reading(
        calamine_must_not_run, dimension, expected):
    data = crafted_xlsx([_rows(1, 3)], dimension=dimension)
    with pytest.raises(TabularError) as refused:
        inspect(data, "花名册.xlsx")
    assert refused.value.message.startswith(expected)


def test_cell_far_to_the_right_without_a_dimension_is_refused_before_reading(
        calamine_must_not_run):
    data = crafted_xlsx([_rows(1, 3), b'<row r="9"><c r="GS9"><v>1</v></c></row>'])
    assert inspect(data, "a.xlsx").columns is None  # nothing declared
    with pytest.raises(TabularError) as refused:
        read_table(data, "a.xlsx")
    assert "列，超过了 200 列的上限" in refused.value.message


def wide_xlsx(columns: int, *, headers=None, rows=1) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("花名册")
    headers = headers or [f"列{i}" for i in range(columns)]
    sheet.write_row(0, 0, headers)
    for r in range(1, rows + 1):
        sheet.write_row(r, 0, [f"值{r}-{c}" for c in range(len(headers))])
    book.close()
    return out.getvalue()


def test_ten_thousand_columns_are_refused_with_a_message():
    expected = "工作表“花名册”有 10,000 列，超过了 200 列的上限。请只保留要导入的列"
    with pytest.raises(TabularError) as refused:
        read_table(wide_xlsx(10_000), "a.xlsx")
    assert refused.value.message.startswith(expected)
    csv = ("\n".join([",".join(f"列{i}" for i in range(10_000))] * 2)).encode()
    with pytest.raises(TabularError) as refused:
        inspect(csv, "a.csv")
    assert refused.value.message.startswith("表格有 10,000 列，超过了 200 列的上限")
    assert len(read_table(wide_xlsx(MAX_COLUMNS), "a.xlsx").rows[0]) == MAX_COLUMNS


def _upload(client, data, name="花名册.xlsx"):
    f = io.BytesIO(data)
    f.name = name
    return client.post("/imports/persons/upload/", {"file": f})


def test_ten_thousand_column_upload_fails_with_the_message_on_the_page(demo_users, client):
    client.force_login(demo_users["village_a"])
    _upload(client, wide_xlsx(10_000))
    job = ImportJob.objects.get()
    assert job.status == "failed" and "超过了 200 列的上限" in job.message
    page = client.get(f"/imports/jobs/{job.pk}/").content.decode()
    assert "超过了 200 列的上限" in page and "name=\"col_" not in page


def test_mapping_page_of_a_wide_allowed_sheet_stays_small(demo_users, client):
    from fupin.registry.tests.test_import import HEADER, KEY

    client.force_login(demo_users["village_a"])
    headers = list(HEADER)
    headers[KEY["name"]] = "人员"  # a required column the matcher does not know: mapping
    headers += [f"备注{i}" for i in range(MAX_COLUMNS - len(headers))]
    _upload(client, wide_xlsx(0, headers=headers, rows=3))
    job = ImportJob.objects.get()
    assert job.status == "mapping", job.message
    page = client.get(f"/imports/jobs/{job.pk}/").content
    assert page.count(b'name="col_') == MAX_COLUMNS
    assert page.count(b'<option value="name"') == 1  # the fields are listed once
    assert len(page) < 120_000, len(page)  # was ≈ 0.4 MB for 200 columns, 17 MB for 10,000


def test_large_upload_is_not_read_in_the_request(demo_users, client, monkeypatch):
    from fupin.registry.generator import roster_rows
    from fupin.registry.tests.test_import import HEADER, xlsx

    monkeypatch.setattr(jobs, "BACKGROUND_ROWS", 50)
    reads = []
    real_read = reader.read_table

    def spy(*args, **kwargs):
        reads.append(args[1])
        return real_read(*args, **kwargs)

    monkeypatch.setattr(reader, "read_table", spy)
    monkeypatch.setattr(importer, "read_table", spy)
    queued = []
    real_task = jobs.run_import_job

    class Queue:  # records the enqueue without running it, as the database backend would
        @staticmethod
        def enqueue(*args):
            queued.append(args)

    monkeypatch.setattr(jobs, "run_import_job", Queue)
    actor = demo_users["lizhou_county"]
    client.force_login(actor)
    rows = list(roster_rows(area="510802", persons=120, seed=4))
    assert _upload(client, xlsx([HEADER, *rows])).status_code == 302
    job = ImportJob.objects.get()
    assert reads == [] and queued == [(str(job.pk), False)]
    assert job.status == "validating"
    page = client.get(f"/imports/jobs/{job.pk}/").content.decode()
    assert "已排队，等待后台处理" in page and "导入已中断" not in page
    # the worker reads, finds the header and validates
    real_task.call(*queued.pop())
    job.refresh_from_db()
    assert reads == ["花名册.xlsx"] and job.status == "ready" and job.total == 120
    # the commit request does not read either
    client.post(f"/imports/jobs/{job.pk}/commit/")
    job.refresh_from_db()
    assert len(reads) == 1 and queued == [(str(job.pk), True)] and job.status == "committing"
    real_task.call(*queued.pop())
    job.refresh_from_db()
    assert job.status == "done" and job.created == 120


def test_small_upload_is_still_answered_in_the_request(demo_users, client, monkeypatch):
    from fupin.registry.tests.test_import import HEADER, family, xlsx

    class NoQueue:
        @staticmethod
        def enqueue(*args):
            raise AssertionError("a small file went to the worker")

    monkeypatch.setattr(jobs, "run_import_job", NoQueue)
    actor = demo_users["village_a"]
    client.force_login(actor)
    _upload(client, xlsx([HEADER, *family(actor.scope_code)]))
    assert ImportJob.objects.get().status == "ready"


def test_upload_over_the_limit_is_refused_from_its_length(demo_users, client, settings):
    client.force_login(demo_users["village_a"])
    resp = client.post("/imports/persons/upload/", {"file": io.BytesIO(b"x")},
                       CONTENT_LENGTH=str(jobs.MAX_UPLOAD_BYTES + MB))
    assert resp.status_code == 400 and "文件太大" in resp.content.decode()
    assert not ImportJob.objects.exists()
