"""Reading uploads: real .xlsx/.xls/.ods/.csv files built here, the shapes real rosters have
(title rows, merged cells, a 序号 column, formulas, hidden sheets), and every way an upload can
be wrong, each with the Chinese message the user will see."""

import base64
import datetime
import io
import random
import zipfile
import zlib

import openpyxl
import pytest
import xlsxwriter

from fupin.core.tabular import reader
from fupin.core.tabular.reader import (
    HeaderMatch,
    Table,
    TabularError,
    find_header,
    header_key,
    read_table,
)

D = datetime.date
TITLE = "利州区2017年贫困劳动力实名制登记表"
HEADER = ["序号", "姓名", "身份证号", "出生日期", "联系电话"]
NOT_SPREADSHEET = "文件不是有效的 Excel 或 CSV 文件，请上传 .xlsx、.xls 或 .csv 格式的表格"
CORRUPT = "文件已损坏或不完整（可能没有上传完整），请用 Excel 打开确认无误、重新保存后再上传"

# Written by xlwt (not a dependency): a hidden sheet "说明", then "花名册" with a merged title
# row, the header 序号/姓名/身份证号/出生日期, a row with a date cell and a row with the ID
# typed as a number and the birth date as a bare serial (32874 = 1990-01-01).
ROSTER_XLS = zlib.decompress(base64.b64decode(
    "eNrtWGtIVEEUPnPvXd1d3HXXR6GBLkKWL9hVKg1se1D+ctFVzKw0bTcLU2NRwYIydSkwSxCihwSCQQ8wJehBEfkn"
    "+hEY+aMoCi381Y8KDCPU25lz7/pqA4USNu53mTMzZ845M3fOOTN39+WwdbR3MH4MFmELiDAjGyBsHo9hMQQ6FsBx"
    "WebNQK3HImsIKRj06MgwHTwyvQjnPuT+HgMBBqQhpAAfseyDY+Cqr/PaVhDbaQ2VjK8hl0kYewL0YDFDHK0riuhB"
    "otFE75DsY6JbidNJNBdlR1kZDDtdqdlqHJcKSTRmRsrgPum8JY4DYuE5j+NTXUyR1cE235HKoyE2kCBFQB+gS/O8"
    "dV4f70fCdTACNCMyamszPJ5RiEF398F32QYwEcjrpzaNv7J8Bsj/sZAf/ge+Hp24mN8tSAAtIB9gPJj9EAGtEo8E"
    "gU10mA/5Mcjf6LikyAZbTcXnCqfgDB3jBkp31nVx2N/exEUbL0UDS3F/2L+5KBPsmAqboKE8rfNryV33DfdV97W9"
    "puKN7hNNAx2Hz+JMF8oni7Aa2WMqxvS8fX7aNdQxWYTNn4WJjePexGoctFUYXFEAGxz2bHumIyfHbnfYHY7MrFIc"
    "c1W/KzHyZdAJZFlwApkoLyOQeiCS2lbKTgtuwNTNb6/yqwqcFcRpoVtHuZvW8o0AGU5zDVQ2z44oNJU00oi2ktU1"
    "1I4nGoOpg3VyQaza2NVGMu00mozzZBFGnOvmtddj2/+58EGC/5MzBdv9eWPHY/pfO3shCTfYg/r8aYN0ls6uXOZ4"
    "6AzUTD3F3hON++1E0wsWde2yegFHwjTPYYRVuaWFKLjHRfHEm8NK7Ko0S0N1V6Wgu8rf+AnuEdDu8EckDRZEg5EG"
    "t6n0GEkHegL2pNmeiD2dOruwyNZJwUg8K3mJyyu+metxW9yNiqSIb3gLk53bEoPYEsmWUdUWyRb3p4i+E8lW/rPV"
    "3V/KenYo0nxt3N64+k50WCixBcFiS4MGDRo0aNAQ2uD3vUD3vfI1p1O/FcPV/3Wmscxof5P8t3BDPT4N+JNyJ9Rh"
    "7YPmZcXPKtCxgC22RJ3A/4Ucu3F2H9RAFa2jZtnxi9/6bP77LFnR8vdSaLnzzyxnnf94/l9gZjDg"
))


def xlsx(build) -> bytes:
    """An .xlsx written by xlsxwriter; `build(book)` adds the sheets."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    build(book)
    book.close()
    return buffer.getvalue()


def write_roster(sheet, book, rows, *, start_row=3):
    """A roster as offices send them: merged title, a 填报单位 line, a blank row, header."""
    sheet.merge_range(0, 0, 0, len(HEADER) - 1, TITLE, book.add_format({"bold": True}))
    sheet.write(1, 0, "填报单位：宝轮镇紫兰村")
    sheet.write_row(start_row, 0, HEADER)
    for offset, row in enumerate(rows, start=1):
        sheet.write_row(start_row + offset, 0, row)


def roster_book(book):
    sheet = book.add_worksheet("花名册")
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    write_roster(sheet, book, [])
    sheet.write_row(4, 0, [1, "张三", "51080219900101123X"])
    sheet.write_datetime(4, 3, datetime.datetime(1990, 1, 1), date)
    sheet.write_string(4, 4, "13812345678")
    sheet.write_formula(5, 0, "=A5+1", None, 2)  # cached value given, as Excel saves it
    sheet.write_row(5, 1, ["李四", 510802199001011000, 32874, 13812345678])
    # row 7 left empty, then one more person, then formatted but empty rows at the end
    sheet.write_row(7, 0, [3, "王五", "510802199203041234", "1992-03-04", ""])
    sheet.write_blank(9, 1, None, date)
    sheet.write_string(10, 2, "")


def test_xlsx_roster_rows_and_row_numbers():
    table = read_table(xlsx(roster_book), "花名册.xlsx")
    assert isinstance(table, Table)
    assert (table.sheet_name, table.file_format, table.width) == ("花名册", "xlsx", 5)
    # Blank rows (3, 7 and the formatted-but-empty ones at the end) are left out.
    assert table.row_numbers == [1, 2, 4, 5, 6, 8]
    assert table.rows[0] == [TITLE, "", "", "", ""]
    assert table.rows[2] == HEADER
    assert table.rows[3] == [1.0, "张三", "51080219900101123X", D(1990, 1, 1), "13812345678"]
    assert table.rows[4] == [2.0, "李四", 5.10802199001011e17, 32874.0, 13812345678.0]
    assert table.rows[5] == [3.0, "王五", "510802199203041234", "1992-03-04", ""]


def test_table_not_starting_at_a1_keeps_its_row_and_column_numbers():
    def build(book):
        sheet = book.add_worksheet()
        sheet.write_row(2, 2, ["姓名", "性别"])
        sheet.write_row(4, 3, ["男"])
        sheet.write_row(3, 2, ["张三"])

    table = read_table(xlsx(build), "a.xlsx")
    assert table.rows == [["", "", "姓名", "性别"], ["", "", "张三", ""], ["", "", "", "男"]]
    assert table.row_numbers == [3, 4, 5]


def test_formula_without_cached_value_reads_as_empty():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["序号", "姓名", "月收入"])
    sheet.append([1, "张三", 1500])
    sheet.append(["=A2+1", "李四", "=C2*2"])  # openpyxl stores no computed value
    buffer = io.BytesIO()
    book.save(buffer)
    table = read_table(buffer.getvalue(), "a.xlsx")
    assert table.rows[2] == ["", "李四", ""]


def test_hidden_first_sheet_is_skipped():
    def build(book):
        notes = book.add_worksheet("填表说明")
        notes.write(0, 0, "这是隐藏的说明页")
        data = book.add_worksheet("数据")
        write_roster(data, book, [[1, "张三", "51080219900101123X", "1990-01-01", ""]])
        data.activate()
        notes.hide()

    table = read_table(xlsx(build), "a.xlsx")
    assert table.sheet_name == "数据"
    assert table.rows[-1][1] == "张三"


def test_empty_first_sheet_is_skipped():
    def build(book):
        book.add_worksheet("Sheet1")
        write_roster(book.add_worksheet("Sheet2"), book, [[1, "张三"]])

    assert read_table(xlsx(build), "a.xlsx").sheet_name == "Sheet2"


def test_all_sheets_hidden():
    # xlsxwriter refuses to hide every sheet, so hide the last one in the XML directly.
    def build(book):
        book.add_worksheet("甲").hide()
        book.add_worksheet("乙").activate()

    data = xlsx(build)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename == "xl/workbook.xml":
                body = body.replace(b'name="\xe4\xb9\x99"', b'name="\xe4\xb9\x99" state="hidden"')
            dst.writestr(item.filename, body)
    with pytest.raises(TabularError) as caught:
        read_table(out.getvalue(), "a.xlsx")
    assert caught.value.message == "工作簿中的工作表都被隐藏了，请在 Excel 中取消隐藏要导入的工作表"


def test_workbook_without_content():
    with pytest.raises(TabularError) as caught:
        read_table(xlsx(lambda book: book.add_worksheet("花名册")), "a.xlsx")
    assert caught.value.message == "表格是空的：工作表“花名册”中没有任何内容"


def test_headers_only_file_reads_its_header():
    def build(book):
        book.add_worksheet("花名册").write_row(0, 0, HEADER)

    table = read_table(xlsx(build), "模板.xlsx")
    assert table.rows == [HEADER] and table.row_numbers == [1]


def test_xls():
    table = read_table(ROSTER_XLS, "花名册.xls")
    assert (table.sheet_name, table.file_format) == ("花名册", "xls")  # hidden 说明 skipped
    assert table.rows == [
        [TITLE, "", "", ""],
        ["序号", "姓名", "身份证号", "出生日期"],
        [1, "张三", "51080219900101123X", D(1990, 1, 1)],
        [2, "李四", 5.10802199001011e17, 32874],
    ]


def test_xlsx_content_wins_over_the_name():
    # An .xlsx renamed .xls or .csv is still read, from its content.
    assert read_table(xlsx(roster_book), "花名册.xls").file_format == "xlsx"
    assert read_table(xlsx(roster_book), "花名册.csv").rows[2] == HEADER
    assert read_table(ROSTER_XLS, "花名册.et").file_format == "xls"


MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" '
    'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


def make_ods() -> bytes:
    cells = "".join(
        f'<table:table-row>{"".join(cells)}</table:table-row>'
        for cells in (
            [f'<table:table-cell office:value-type="string"><text:p>{t}</text:p>'
             "</table:table-cell>" for t in ("序号", "姓名", "出生日期")],
            ['<table:table-cell office:value-type="float" office:value="1"><text:p>1</text:p>'
             "</table:table-cell>",
             '<table:table-cell office:value-type="string"><text:p>张三</text:p>'
             "</table:table-cell>",
             '<table:table-cell office:value-type="date" office:date-value="1990-01-01">'
             "<text:p>1990-01-01</text:p></table:table-cell>"],
        )
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="花名册">'
        f"{cells}</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", MANIFEST)
        archive.writestr("content.xml", content)
    return out.getvalue()


def test_ods():
    table = read_table(make_ods(), "花名册.ods")
    assert table.file_format == "ods"
    assert table.rows == [["序号", "姓名", "出生日期"], [1.0, "张三", D(1990, 1, 1)]]


# --- CSV ------------------------------------------------------------------------------------

CSV_TEXT = (
    f"{TITLE},,,,\r\n"
    "序号,姓名,身份证号,出生日期,联系电话\r\n"
    "1,张三,51080219900101123X,2017/3/5,13812345678\r\n"
    ",,,,\r\n"
    '2,"李,四",5.10802E+17,2017年3月5日,\r\n'
)


@pytest.mark.parametrize(
    ("encoding", "name"),
    [("utf-8", "a.csv"), ("utf-8-sig", "a.csv"), ("gbk", "a.csv"), ("gb18030", "a.csv"),
     ("utf-16", "a.txt"), ("utf-8", "a.txt"), ("gbk", "导出.xls")],
)
def test_csv_encodings(encoding, name):
    table = read_table(CSV_TEXT.encode(encoding), name)
    assert table.file_format == "csv" and table.sheet_name == name.rsplit(".", 1)[0]
    assert table.row_numbers == [1, 2, 3, 5]
    assert table.rows[1] == HEADER
    assert table.rows[2] == ["1", "张三", "51080219900101123X", "2017/3/5", "13812345678"]
    assert table.rows[3] == ["2", "李,四", "5.10802E+17", "2017年3月5日", ""]


def test_csv_in_gbk_whose_first_lines_are_ascii():
    # The encoding is guessed from the top of the file; GBK further down still reads.
    text = "id,name\n" + "".join(f"{i},abc\n" for i in range(20000)) + "20000,张三\n"
    data = text.encode("gbk")
    assert len(data) > 65536
    table = read_table(data, "a.csv")
    assert table.rows[-1] == ["20000", "张三"] and len(table.rows) == 20002


@pytest.mark.parametrize("delimiter", [",", "\t", ";"])
def test_csv_delimiters(delimiter):
    text = f"{TITLE}\n" + "\n".join(
        delimiter.join(row) for row in (HEADER, ["1", "张三，男", "x", "2017-03-05", ""]))
    table = read_table(text.encode("utf-8"), "a.csv")
    assert table.rows[0] == [TITLE, "", "", "", ""]  # short rows padded to the width
    assert table.rows[1] == HEADER
    assert table.rows[2][1] == "张三，男"


def test_csv_row_numbers_count_records_not_lines():
    text = '序号,备注\n1,"两行\n的备注"\n\n2,好\n'
    table = read_table(text.encode(), "a.csv")
    assert table.rows == [["序号", "备注"], ["1", "两行\n的备注"], ["2", "好"]]
    assert table.row_numbers == [1, 2, 4]


def test_csv_unbalanced_quote():
    # The open quote swallows the rest of the file into one cell, past csv's field limit.
    text = '序号,姓名\n1,"张三\n' + "2,李四\n" * 30000
    with pytest.raises(TabularError) as caught:
        read_table(text.encode(), "a.csv")
    assert caught.value.message.startswith("CSV 文件格式有误（第 ")
    assert caught.value.message.endswith(
        "行附近），可能是引号没有配对，请用 Excel 打开检查后重新保存")


def test_csv_with_only_blank_lines():
    with pytest.raises(TabularError) as caught:
        read_table(b"\r\n ,, \r\n\r\n", "a.csv")
    assert caught.value.message == "文件是空的，里面没有任何内容"


def test_repeated_strings_are_shared():
    text = "村,姓名\n" + "".join(f"紫兰村,张{i}\n" for i in range(50))
    rows = read_table(text.encode(), "a.csv").rows[1:]
    assert len({id(row[0]) for row in rows}) == 1
    assert [row[1] for row in rows] == [f"张{i}" for i in range(50)]


# --- refused uploads ------------------------------------------------------------------------


def refused(data, name, **limits):
    with pytest.raises(TabularError) as caught:
        read_table(data, name, **limits)
    assert caught.value.message == str(caught.value)
    return caught.value.message


def test_empty_file():
    assert refused(b"", "a.xlsx") == "文件是空的，请选择填写好的表格文件"


def test_file_over_the_size_limit():
    assert refused(b"x" * (3 * 1024 * 1024 + 1), "a.csv", max_bytes=3 * 1024 * 1024) == (
        "文件太大（3.0 MB），超过了 3 MB 的上限，请拆分成几个文件分别导入")
    assert refused(b"x" * (1024 * 1024), "a.csv", max_bytes=512 * 1024) == (
        "文件太大（1.0 MB），超过了 0.5 MB 的上限，请拆分成几个文件分别导入")


def test_default_size_limit_is_50_mb():
    message = refused(b"x" * (50 * 1024 * 1024 + 1), "a.csv")
    assert "超过了 50 MB 的上限" in message


def test_too_many_rows():
    rows_text = "序号,姓名\n" + "".join(f"{i},张三\n" for i in range(1, 11))
    assert read_table(rows_text.encode(), "a.csv", max_rows=11).row_numbers[-1] == 11
    expected = "表格超过 10 行，超出了单个文件的上限，请拆分成几个文件分别导入"
    assert refused(rows_text.encode(), "a.csv", max_rows=10) == expected

    def build(book):
        sheet = book.add_worksheet()
        for row in range(11):
            sheet.write_row(row, 0, [row, "张三"])
        sheet.write_row(40, 0, ["", ""])  # empty strings do not count

    assert refused(xlsx(build), "a.xlsx", max_rows=10) == expected
    assert len(read_table(xlsx(build), "a.xlsx", max_rows=11).rows) == 11


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(200), f"这是一张图片，不是表格。{NOT_SPREADSHEET}"),
        (b"\xff\xd8\xff\xe0" + bytes(200), f"这是一张图片，不是表格。{NOT_SPREADSHEET}"),
        (b"%PDF-1.7\n" + bytes(200), f"这是一个 PDF 文件，不是表格。{NOT_SPREADSHEET}"),
        (b"Rar!\x1a\x07\x00" + bytes(50), f"这是一个 RAR 压缩包，不是表格。{NOT_SPREADSHEET}"),
        (random.Random(0).randbytes(4096), NOT_SPREADSHEET),
        (b"\x00\x01\x02 binary", NOT_SPREADSHEET),
    ],
)
def test_binary_file_renamed_xlsx(data, message):
    assert refused(data, "花名册.xlsx") == message


def test_truncated_xlsx():
    data = xlsx(roster_book)
    assert refused(data[: len(data) // 2], "花名册.xlsx") == CORRUPT


def test_xlsx_with_a_damaged_part():
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx(roster_book))) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                body = body[: len(body) // 2]
            dst.writestr(item.filename, body)
    assert refused(out.getvalue(), "花名册.xlsx") == CORRUPT


def test_truncated_xls():
    assert refused(ROSTER_XLS[:3000], "花名册.xls") == (
        "文件已损坏，或不是有效的 Excel 97-2003（.xls）文件，请用 Excel 打开后另存为 .xlsx 再上传")


def zip_of(parts: dict) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, body in parts.items():
            archive.writestr(name, body)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (zip_of({"word/document.xml": "<w/>"}), f"这是一个 Word 文档，不是表格。{NOT_SPREADSHEET}"),
        (zip_of({"ppt/presentation.xml": "<p/>"}),
         f"这是一个 PowerPoint 演示文稿，不是表格。{NOT_SPREADSHEET}"),
        (zip_of({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<x/>"}),
         f"这是一个 OpenDocument 文档，不是表格。{NOT_SPREADSHEET}"),
        (zip_of({"花名册.xlsx": b"PK", "说明.txt": "x"}),
         f"这是一个 ZIP 压缩包，不是表格。{NOT_SPREADSHEET}"),
    ],
)
def test_other_zip_files(data, message):
    assert refused(data, "花名册.xlsx") == message


def test_zip_bomb_is_refused_before_reading(monkeypatch):
    monkeypatch.setattr(reader, "_MAX_UNPACK_FLOOR", 1024 * 1024)  # 16 MB in production
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (3 * 1024 * 1024))
    assert len(out.getvalue()) < 3 * 1024 * 1024 / 50
    assert refused(out.getvalue(), "a.xlsx").startswith("文件解压后异常巨大（3 MB，是文件本身的")


def test_password_protected_workbook():
    # Excel stores an encrypted .xlsx as an OLE2 file holding an "EncryptedPackage" stream.
    data = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500)
            + "EncryptedPackage".encode("utf-16-le") + bytes(500))
    assert refused(data, "a.xlsx") == (
        "文件设置了打开密码，无法读取，请在 Excel 中取消密码后重新上传")


def test_word_97_document():
    data = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500)
            + "WordDocument".encode("utf-16-le") + bytes(500))
    assert refused(data, "a.xls") == f"这是一个 Word 文档，不是表格。{NOT_SPREADSHEET}"


@pytest.mark.parametrize(
    "text",
    [
        "<html><body><table><tr><td>序号</td></tr></table></body></html>",
        "<!DOCTYPE html>\n<html>",
        "\ufeff  <table border=1><tr><td>姓名</td></tr></table>",
        '<meta http-equiv="Content-Type" content="text/html; charset=gbk"><table>',
    ],
)
def test_html_saved_as_xls(text):
    assert refused(text.encode("utf-8"), "导出.xls") == (
        "这个文件其实是网页（HTML）格式，只是扩展名像表格。"
        "请用 Excel 打开它，再“另存为” .xlsx 后上传")


def test_excel_2003_xml():
    text = ('<?xml version="1.0"?>\n<Workbook xmlns="urn:schemas-microsoft-com:office:'
            'spreadsheet"></Workbook>')
    assert refused(text.encode(), "a.xls") == (
        "这是 Excel 2003 XML 表格，请用 Excel 打开后“另存为” .xlsx 再上传")
    assert refused(b'<?xml version="1.0"?><svg/>', "a.xlsx") == NOT_SPREADSHEET


@pytest.mark.parametrize("suffix", [".xlsx", ".xlsm", ".ods"])
def test_text_renamed_to_an_excel_name(suffix):
    assert refused(CSV_TEXT.encode(), f"花名册{suffix}") == (
        f"文件扩展名是 {suffix}，但内容不是 Excel 文件（可能是由其他文件改名而来）。"
        "请用 Excel 打开后“另存为” .xlsx 再上传")


def test_unsupported_extension():
    assert refused(b"just text", "notes.md") == f"不支持 .md 文件。{NOT_SPREADSHEET}"


# --- header ---------------------------------------------------------------------------------

KEYS = {"姓名": "name", "身份证号": "id_number", "公民身份号码": "id_number",
        "出生日期": "birth_date", "联系电话": "phone", "性别": "gender"}


def matcher(text):
    return KEYS.get(text)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("姓名", "姓名"),
        (" 姓 名 ", "姓名"),
        ("姓\u3000名", "姓名"),
        ("身份证号\n（必填）", "身份证号"),
        ("身份证号(必填)", "身份证号"),
        ("身份证号*", "身份证号"),
        ("*身份证号", "身份证号"),
        ("身份证号＊", "身份证号"),
        ("姓名*(必填)", "姓名"),
        ("月收入（元）", "月收入(元)"),
        ("ＱＱ号", "QQ号"),
        ("*", "*"),
        (None, ""),
        (2017, "2017"),
    ],
)
def test_header_key(text, key):
    assert header_key(text) == key


def table_of(rows):
    return Table(rows=rows, sheet_name="s", row_numbers=list(range(1, len(rows) + 1)))


def test_find_header_below_title_rows():
    table = read_table(xlsx(roster_book), "a.xlsx")
    found = find_header(table, matcher)
    assert found == HeaderMatch(
        row_index=2,
        mapping={1: "name", 2: "id_number", 3: "birth_date", 4: "phone"},
        unknown=[],
        duplicates=[],
    )
    assert table.row_numbers[found.row_index] == 4


def test_find_header_normalises_and_reports_unknown_and_duplicates():
    table = table_of([
        [TITLE, "", "", "", "", "", "", ""],
        ["编号", "姓 名*", "身份证号\n(必填)", "公民身份号码", "文化\n程度", "", "ＮＯ．", 3.0],
        ["1", "张三", "x", "y", "小学", "", "", ""],
    ])
    found = find_header(table, matcher)
    assert found.row_index == 1
    assert found.mapping == {1: "name", 2: "id_number"}
    assert found.duplicates == ["id_number"]
    # 公民身份号码 was recognised (as a second ID column), so it is a duplicate, not unknown.
    assert found.unknown == [(4, "文化 程度"), (7, "3")]


def test_find_header_picks_the_row_with_most_matches_and_the_first_on_a_tie():
    table = table_of([
        ["姓名", "说明"],
        ["姓名", "性别", "出生日期"],
        ["姓名", "性别", "联系电话"],
    ])
    assert find_header(table, matcher).row_index == 1
    assert find_header(table_of([["姓名"], ["性别"]]), matcher).row_index == 0


def test_find_header_scans_only_the_first_rows():
    table = table_of([[f"说明{i}"] for i in range(15)] + [["姓名", "性别"]])
    with pytest.raises(TabularError) as caught:
        find_header(table, matcher)
    assert caught.value.message == (
        "找不到表头：表格前 15 行中没有可以识别的列名，请使用导入模板的表头")
    assert find_header(table, matcher, scan_rows=16).row_index == 15


def test_find_header_receives_normalised_text():
    seen = []
    find_header(table_of([["姓名（必填）", " 性\n别 "]]), lambda text: seen.append(text) or "k")
    assert seen == ["姓名", "性别"]
