"""Reading an uploaded spreadsheet into rows of cell values, and finding its header row.

The format is decided by the file's content, not its name: an .xlsx/.ods is a zip, an .xls
an OLE2 compound file, and anything else must be text (CSV). Every refusal is a
`TabularError` whose `.message` tells the user, in Chinese, what is wrong and what to do.
Excel formats are read with python-calamine, which returns a formula's cached value (or
nothing when the writing program never computed it).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePath

import python_calamine
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

__all__ = ["MAX_COLUMNS", "HeaderMatch", "Shape", "Table", "TabularError", "find_header",
           "header_key", "inspect", "read_table"]

MB = 1024 * 1024

_ZIP_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OTHER_MAGICS = [  # what a wrong upload most often is, to say so
    (b"%PDF", gettext_lazy("这是一个 PDF 文件")),
    (b"\x89PNG", gettext_lazy("这是一张图片")),
    (b"\xff\xd8\xff", gettext_lazy("这是一张图片")),
    (b"GIF8", gettext_lazy("这是一张图片")),
    (b"Rar!", gettext_lazy("这是一个 RAR 压缩包")),
    (b"7z\xbc\xaf\x27\x1c", gettext_lazy("这是一个 7z 压缩包")),
    (b"{\\rtf", gettext_lazy("这是一个 RTF 文档")),
]
_EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods", ".et"}
_TEXT_SUFFIXES = {".csv", ".txt", ".tsv", ""}
# Old government systems export a tab-separated or CSV text file named .xls; Excel opens it.
_TEXT_ALLOWED_SUFFIXES = _TEXT_SUFFIXES | {".xls", ".et"}
# An .xlsx whose parts unpack to far more than the upload (a "zip bomb") is refused before
# calamine allocates for it (issue 8: a 1 MB file unpacking to 240 MB took the server to
# 1.3 GB). Real rosters unpack to 7–10 times their size (measured: xlsxwriter 7.4×, openpyxl
# 9.2×); any file may unpack to the floor, which reads in well under a second.
_MAX_UNPACK_RATIO = 30
_MAX_UNPACK_FLOOR = 16 * MB
_MAX_UNPACKED = 1024 * MB  # whatever the upload's size
# The widest table a roster needs, with room to spare; a wider one is a mistake (or an attack:
# 10,000 columns made a 17 MB mapping page) and would cost a Python list cell per column per row.
MAX_COLUMNS = 200
# calamine holds a sheet as one dense rectangle of cells (≈ 70 bytes each) from its first to its
# last used cell: a stray cell at XFD1048576 is 17 billion cells. 30 million is a 1M-row roster
# of 30 columns, the most the product reads (benchmarks/README.md §2).
_MAX_CELLS = 30_000_000
_SCAN_CHUNK = 1 * MB
# Repeated strings in a column (village, gender, labour capacity …) are stored once.
_SHARE_CAP = 4096

_NOT_SPREADSHEET = gettext_lazy(
    "文件不是有效的 Excel 或 CSV 文件，请上传 .xlsx、.xls 或 .csv 格式的表格"
)
_CORRUPT = gettext_lazy(
    "文件已损坏或不完整（可能没有上传完整），请用 Excel 打开确认无误、重新保存后再上传"
)
_ENCRYPTED = gettext_lazy("文件设置了打开密码，无法读取，请在 Excel 中取消密码后重新上传")


def _not_a_table(what) -> TabularError:
    return TabularError(_("%(what)s，不是表格。%(advice)s")
                        % {"what": what, "advice": _NOT_SPREADSHEET})


class TabularError(Exception):
    """The upload cannot be read as a table; `.message` is shown to the user as is."""

    def __init__(self, message: str):
        self.message = str(message)
        super().__init__(self.message)


@dataclass
class Table:
    """The non-blank rows of one sheet.

    `rows[i]` is a list of cell values as python-calamine gives them (str, int, float, bool,
    date, datetime, time, timedelta, or "" for an empty cell; a CSV gives only str), and
    `row_numbers[i]` is that row's 1-based number in the file, for messages ("第 12 行").
    Rows with no content (only empty or blank cells) are left out, wherever they are.
    """

    rows: list[list]
    sheet_name: str
    row_numbers: list[int]
    file_format: str = ""  # "xlsx", "xls", "ods" or "csv"
    width: int = field(init=False)

    def __post_init__(self):
        self.width = max((len(row) for row in self.rows), default=0)


@dataclass
class HeaderMatch:
    row_index: int  # index into Table.rows
    mapping: dict[int, str]  # column index → key
    unknown: list[tuple[int, str]]  # (column index, header text) that the matcher did not know
    duplicates: list[str]  # keys claimed by more than one column (the first column wins)


# ---------------------------------------------------------------------------------------
# read_table


@dataclass
class Shape:
    """What an upload is, learnt without reading its cells (`inspect`): its format, the rows
    and columns it declares or that can be counted cheaply (None when unknown), and how much
    it unpacks to. The import job decides from it whether the request or the worker reads."""

    file_format: str
    rows: int | None = None
    columns: int | None = None
    unpacked: int = 0


def inspect(
    data: bytes, filename: str, *, max_bytes: int = 50 * MB, max_rows: int = 1_100_000
) -> Shape:
    """The checks of `read_table` that cost no reading of cells: size, format, the zip's
    declared unpacked size against the upload's (zip bombs), each sheet's declared dimension
    (columns, cells), a CSV's line count and width. Refuses with the message `read_table`
    would give; milliseconds for any upload."""
    return _classify(data, filename, max_bytes=max_bytes, max_rows=max_rows)[0]


def read_table(
    data: bytes, filename: str, *, max_bytes: int = 50 * MB, max_rows: int = 1_100_000
) -> Table:
    """The first visible sheet with content of an uploaded .xlsx/.xlsm/.xls/.ods/.csv file."""
    shape, detail = _classify(data, filename, max_bytes=max_bytes, max_rows=max_rows)
    if shape.file_format in ("xlsx", "ods"):
        _scan_zip(data, detail)
        return _read_workbook(data, shape.file_format, corrupt=_CORRUPT, max_rows=max_rows)
    if shape.file_format == "xls":
        return _read_ole2(data, max_rows=max_rows)
    return _read_csv(data, detail, PurePath(filename or "").stem, max_rows=max_rows)


def _classify(data: bytes, filename: str, *, max_bytes: int, max_rows: int):
    if not data:
        raise TabularError(_("文件是空的，请选择填写好的表格文件"))
    if len(data) > max_bytes:
        raise TabularError(
            _("文件太大（%(size)s MB），超过了 %(limit)s MB 的上限，请拆分成几个文件分别导入")
            % {"size": f"{len(data) / MB:.1f}", "limit": f"{max_bytes / MB:g}"}
        )
    suffix = PurePath(filename or "").suffix.lower()
    if data.startswith(_ZIP_MAGIC):
        return _inspect_zip(data, max_rows=max_rows)
    if data.startswith(_OLE2_MAGIC):
        _refuse_ole2(data)
        return Shape("xls", unpacked=len(data)), None
    for magic, what in _OTHER_MAGICS:
        if data.startswith(magic):
            raise _not_a_table(what)
    encodings = _text_encodings(data)
    if not encodings:
        raise TabularError(_NOT_SPREADSHEET)
    head = _text_head(data, encodings[0])
    _refuse_markup(head)
    if suffix not in _TEXT_ALLOWED_SUFFIXES:
        if suffix in _EXCEL_SUFFIXES:
            raise TabularError(
                _("文件扩展名是 %(suffix)s，但内容不是 Excel 文件（可能是由其他文件改名而来）。"
                  "请用 Excel 打开后“另存为” .xlsx 再上传") % {"suffix": suffix}
            )
        raise TabularError(_("不支持 %(suffix)s 文件。%(advice)s")
                           % {"suffix": suffix, "advice": _NOT_SPREADSHEET})
    # Lines (counted in C) are at least the records; the width of the first lines is what the
    # mapping page would show.
    delimiter = _sniff_delimiter(head)
    sample = [line for line in head.splitlines()[:50] if line.strip()]
    if len(data) > _HEAD:  # the head's last line may be cut; the first is read whole
        sample = sample[:-1] + [data[:MB].split(b"\n", 1)[0].decode(encodings[0], "replace")]
    columns = max((len(r) for r in csv.reader(sample, delimiter=delimiter)), default=0)
    _refuse_wide(columns)
    return Shape("csv", rows=data.count(b"\n") + 1, columns=columns,
                 unpacked=len(data)), encodings


def _refuse_wide(columns: int | None, sheet: str = "") -> None:
    if columns is not None and columns > MAX_COLUMNS:
        where = _("工作表“%(sheet)s”") % {"sheet": sheet} if sheet else _("表格")
        raise TabularError(
            _("%(where)s有 %(count)s 列，超过了 %(limit)s 列的上限。请只保留要导入的列"
              "（删除右侧多余的列）后再上传") % {"where": where, "count": f"{columns:,}",
                                                "limit": MAX_COLUMNS})


_TOO_BIG_UNPACKED = gettext_lazy(
    "文件解压后异常巨大（%(size)s MB，是文件本身的 %(ratio)s 倍），不像是正常的表格，无法读取。"
    "请用 Excel 打开后另存为新文件再上传")


def _unpack_limit(size: int) -> int:
    return min(_MAX_UNPACKED, max(_MAX_UNPACK_FLOOR, _MAX_UNPACK_RATIO * size))


def _refuse_unpacked(unpacked: int, size: int) -> None:
    if unpacked > _unpack_limit(size):
        raise TabularError(_TOO_BIG_UNPACKED % {"size": f"{unpacked / MB:,.0f}",
                                                "ratio": f"{unpacked / max(size, 1):,.0f}"})


_SHEET_PART = re.compile(r"^xl/worksheets/[^/]+\.xml$", re.IGNORECASE)
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"\$?([A-Z]{1,3})\$?(\d+)"
                        rb"(?::\$?([A-Z]{1,3})\$?(\d+))?\"")
_SHEET_ENTRY = re.compile(rb"<(?:\w+:)?sheet\b[^>]*?\bname=\"([^\"]*)\"[^>]*?\br:id=\"([^\"]*)\"")
_REL_ENTRY = re.compile(rb"<Relationship\b[^>]*?\bId=\"([^\"]*)\"[^>]*?\bTarget=\"([^\"]*)\"")
# A cell in a column past MAX_COLUMNS (GR): three letters, or two from GS on. Searched in C over
# the sheet's XML as it unzips, so that no cell is built to learn the sheet is too wide.
_FAR_CELL = re.compile(rb"<(?:\w+:)?c\s+r=\"(?:[A-Z]{3}|[H-Z][A-Z]|G[S-Z])[0-9]")


def _column_number(letters: bytes | str) -> int:
    number = 0
    for ch in letters.decode() if isinstance(letters, bytes) else letters:
        number = number * 26 + ord(ch) - 64
    return number


assert _column_number("GR") == MAX_COLUMNS  # _FAR_CELL is written for this limit


def _inspect_zip(data: bytes, *, max_rows: int):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            names = {entry.filename.lower() for entry in entries}
            mimetype = archive.read("mimetype")[:80] if "mimetype" in names else b""
            if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
                file_format = "xlsx"
            elif mimetype.startswith(b"application/vnd.oasis.opendocument.spreadsheet"):
                file_format = "ods"
            elif "word/document.xml" in names:
                raise _not_a_table(_("这是一个 Word 文档"))
            elif "ppt/presentation.xml" in names:
                raise _not_a_table(_("这是一个 PowerPoint 演示文稿"))
            elif mimetype.startswith(b"application/vnd.oasis.opendocument"):
                raise _not_a_table(_("这是一个 OpenDocument 文档"))
            else:
                raise _not_a_table(_("这是一个 ZIP 压缩包"))
            unpacked = sum(entry.file_size for entry in entries)
            _refuse_unpacked(unpacked, len(data))
            sheets = [e for e in entries if _SHEET_PART.match(e.filename)
                      or (file_format == "ods" and e.filename == "content.xml")]
            shape = Shape(file_format, unpacked=unpacked)
            if file_format == "xlsx":
                titles = _sheet_titles(archive, names)
                for entry in sheets:
                    _check_dimension(archive, entry, titles, shape, max_rows)
    except TabularError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError,
            NotImplementedError, RuntimeError):
        raise TabularError(_CORRUPT) from None
    return shape, sheets


def _sheet_titles(archive: zipfile.ZipFile, names: set[str]) -> dict[str, str]:
    """Sheet part name → the sheet's name as Excel shows it, for messages."""
    if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
        return {}
    with archive.open("xl/workbook.xml") as fh:
        book = fh.read(2 * MB)
    with archive.open("xl/_rels/workbook.xml.rels") as fh:
        rels = fh.read(2 * MB)
    targets = {rid: target for rid, target in _REL_ENTRY.findall(rels)}
    titles = {}
    for name, rid in _SHEET_ENTRY.findall(book):
        target = targets.get(rid, b"").decode("utf-8", "replace").lstrip("/")
        if not target.startswith("xl/"):
            target = "xl/" + target
        titles[target.lower()] = _unescape(name.decode("utf-8", "replace"))
    return titles


def _unescape(text: str) -> str:
    return (text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
            .replace("&apos;", "'").replace("&amp;", "&"))


def _check_dimension(archive, entry, titles, shape: Shape, max_rows: int) -> None:
    """A sheet's declared range (`<dimension ref="A1:AC5001"/>`, near the top of its XML):
    too many columns or cells is refused here, before calamine reserves memory for them."""
    with archive.open(entry) as fh:
        head = fh.read(64 * 1024)
    match = _DIMENSION.search(head)
    if not match:
        return
    first_col, first_row, last_col, last_row = match.groups()
    last_col, last_row = last_col or first_col, last_row or first_row
    rows, columns = int(last_row), _column_number(last_col)
    sheet = titles.get(entry.filename.lower(), entry.filename.rsplit("/", 1)[-1])
    _refuse_wide(columns, sheet)
    cells = rows * columns
    if cells > _MAX_CELLS:
        raise TabularError(
            _("工作表“%(sheet)s”的范围是 %(ref)s（%(rows)s 行 × %(cols)s 列），远超单个文件的上限。"
              "可能有远处的单元格被误填或设置了格式：请删除多余的行和列，或把数据复制到新的工作表后"
              "再上传") % {"sheet": sheet, "ref": match.group(0).split(b'"')[1].decode(),
                          "rows": f"{rows:,}", "cols": f"{columns:,}"})
    shape.rows = max(shape.rows or 0, rows)
    shape.columns = max(shape.columns or 0, columns)


def _scan_zip(data: bytes, sheets) -> None:
    """Unzip the sheets' XML as a stream, without keeping it, before calamine reads: the sizes a
    zip declares can lie, and a sheet without a dimension (or with a false one) can still hold a
    cell far to the right. Stops as soon as the real unpacked size passes the limit."""
    limit = _unpack_limit(len(data))
    total = 0
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for entry in sheets:
                tail = b""
                with archive.open(entry) as fh:
                    while chunk := fh.read(_SCAN_CHUNK):
                        total += len(chunk)
                        if total > limit:
                            _refuse_unpacked(total, len(data))
                        window = tail + chunk
                        if _FAR_CELL.search(window):
                            _refuse_wide(MAX_COLUMNS + 1)
                        tail = window[-64:]
    except TabularError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError,
            NotImplementedError, RuntimeError):
        raise TabularError(_CORRUPT) from None


def _refuse_ole2(data: bytes) -> None:
    # An OLE2 compound file is an .xls, a .doc, or an encrypted .xlsx (Excel wraps
    # password-protected workbooks in one); the stream names say which.
    if "EncryptedPackage".encode("utf-16-le") in data:
        raise TabularError(_ENCRYPTED)
    if "WordDocument".encode("utf-16-le") in data:
        raise _not_a_table(_("这是一个 Word 文档"))


def _read_ole2(data: bytes, *, max_rows: int) -> Table:
    corrupt = _(
        "文件已损坏，或不是有效的 Excel 97-2003（.xls）文件，请用 Excel 打开后另存为 .xlsx 再上传"
    )
    return _read_workbook(data, "xls", corrupt=corrupt, max_rows=max_rows)


def _read_workbook(data: bytes, file_format: str, *, corrupt: str, max_rows: int) -> Table:
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        with workbook:
            return _read_first_sheet(workbook, file_format, max_rows=max_rows)
    except TabularError:
        raise
    except python_calamine.PasswordError:
        raise TabularError(_ENCRYPTED) from None
    except (python_calamine.CalamineError, OSError, ValueError, EOFError):
        raise TabularError(corrupt) from None
    except BaseException as exc:
        # A malformed file can make the Rust reader panic; pyo3 raises that as a
        # BaseException (PanicException), which is still just a bad file here.
        if type(exc).__name__ == "PanicException":
            raise TabularError(corrupt) from None
        raise


def _read_first_sheet(workbook: CalamineWorkbook, file_format: str, *, max_rows: int) -> Table:
    sheets = [
        (index, meta.name)
        for index, meta in enumerate(workbook.sheets_metadata)
        if meta.typ == SheetTypeEnum.WorkSheet
    ]
    if not sheets:
        raise TabularError(_("工作簿中没有工作表"))
    visible = [
        (index, name)
        for index, name in sheets
        if workbook.sheets_metadata[index].visible == SheetVisibleEnum.Visible
    ]
    if not visible:
        raise TabularError(
            _("工作簿中的工作表都被隐藏了，请在 Excel 中取消隐藏要导入的工作表"))
    # The first visible sheet that has anything in it: a workbook often starts with an
    # untouched "Sheet1".
    for index, name in visible:
        sheet = workbook.get_sheet_by_index(index)
        if sheet.height == 0 or sheet.start is None:
            continue
        # .xls and .ods have no dimension to check before: refused here, before the sheet
        # becomes Python rows (which cost far more per cell than calamine's own).
        _refuse_wide(sheet.end[1] + 1, name)
        if sheet.height > max_rows:
            # Count before building Python rows, which cost more than calamine's own.
            filled = sum(1 for row in sheet.iter_rows() if not _blank_row(row))
            if filled > max_rows:
                raise _too_many_rows(max_rows)
        rows, numbers = _keep_filled(_sheet_rows(sheet), max_rows)
        if rows:
            return Table(rows=rows, sheet_name=name, row_numbers=numbers,
                         file_format=file_format)
    raise TabularError(_("表格是空的：工作表“%(sheet)s”中没有任何内容") % {"sheet": visible[0][1]})


def _sheet_rows(sheet):
    """The sheet's rows from A1, one at a time, so that each row's repeated strings are
    shared before the next is built (the peak is then calamine's copy plus the shared rows,
    not plus a second, unshared copy).

    python-calamine's iter_rows starts its rows at the top of the sheet but its columns at the
    first used one; the columns are put back here, and the rows are checked at the end.
    """
    start_row, start_col = sheet.start
    pad, width = [""] * start_col, sheet.width
    count = 0
    for row in sheet.iter_rows():
        count += 1
        yield pad + row if pad and len(row) == width else row
    if count != sheet.end[0] + 1:  # pragma: no cover - a python-calamine that changed
        raise RuntimeError(f"iter_rows gave {count} rows, expected {sheet.end[0] + 1} "
                           f"(start {start_row}); check python-calamine's row origin")


def _too_many_rows(max_rows: int) -> TabularError:
    return TabularError(
        _("表格超过 %(count)s 行，超出了单个文件的上限，请拆分成几个文件分别导入")
        % {"count": f"{max_rows:,}"}
    )


def _blank_row(row: list) -> bool:
    for value in row:
        if value != "" and not (value.__class__ is str and value.isspace()):
            return False
    return True


def _keep_filled(raw_rows, max_rows: int) -> tuple[list[list], list[int]]:
    """The rows with content and their 1-based numbers; repeated values shared per column."""
    rows: list[list] = []
    numbers: list[int] = []
    seen: list[dict | None] = []
    last: list = []
    for number, row in enumerate(raw_rows, start=1):
        if _blank_row(row):
            continue
        if len(rows) >= max_rows:
            raise _too_many_rows(max_rows)
        if len(seen) < len(row):
            seen.extend({} for _ in range(len(row) - len(seen)))
            last.extend([None] * (len(row) - len(last)))
        # A million-row roster has a few distinct villages, genders and labour capacities
        # but a new object for every cell; keeping one object per distinct value halves the
        # rows' memory. A column with too many distinct values (names, IDs) stops early,
        # but a value repeated from the row above (a household's number, its head's ID) is
        # still shared. Numbers are shared with numbers of their own type only (1 == 1.0).
        for col, value in enumerate(row):
            kind = value.__class__
            if kind is str:
                if not value:
                    continue
            elif kind is not float and kind is not int:
                continue
            above = last[col]
            if above.__class__ is kind and above == value:
                row[col] = above
                continue
            last[col] = value
            known = seen[col]
            if known is None:
                continue
            shared = known.setdefault(value, value)
            if shared is not value:
                if shared.__class__ is kind:
                    row[col] = shared
                    last[col] = shared
            elif len(known) > _SHARE_CAP:
                seen[col] = None
        rows.append(row)
        numbers.append(number)
    return rows, numbers


# ---------------------------------------------------------------------------------------
# CSV


_HEAD = 65536


def _text_encodings(data: bytes) -> list[str]:
    """The encodings the file may be in, most likely first: UTF-8 (with or without BOM),
    then GBK/GB18030; UTF-16 only with its BOM (Excel's "Unicode text"). Empty if the file
    is not text. Only the head is tried here; a later undecodable byte makes the CSV reader
    move on to the next encoding."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16"]
    elif b"\x00" in data[:8192]:
        return []
    else:
        candidates = ["utf-8-sig", "gb18030"]
    return [encoding for encoding in candidates if _text_head(data, encoding) is not None]


def _text_head(data: bytes, encoding: str) -> str | None:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        head = decoder.decode(data[:_HEAD], final=len(data) <= _HEAD)
    except UnicodeDecodeError:
        return None
    return None if "\x00" in head else head


def _refuse_markup(text: str) -> None:
    head = text[:2048].lstrip("\ufeff \t\r\n").lower()
    if head.startswith(("<!doctype html", "<html", "<table", "<meta", "<head")) or (
        head.startswith("<") and "<table" in head
    ):
        raise TabularError(_("这个文件其实是网页（HTML）格式，只是扩展名像表格。"
                             "请用 Excel 打开它，再“另存为” .xlsx 后上传"))
    if head.startswith("<?xml"):
        if "urn:schemas-microsoft-com:office:spreadsheet" in text[:8192]:
            raise TabularError(
                _("这是 Excel 2003 XML 表格，请用 Excel 打开后“另存为” .xlsx 再上传"))
        raise TabularError(_NOT_SPREADSHEET)


def _sniff_delimiter(head: str) -> str:
    """Comma, tab or semicolon: the one that splits the first lines most consistently."""
    sample = [line for line in head.splitlines()[:50] if line.strip()]
    best, best_score = ",", 0
    for delimiter in (",", "\t", ";"):
        counts = [len(row) for row in csv.reader(sample, delimiter=delimiter)]
        multi = [count for count in counts if count > 1]
        if not multi:
            continue
        mode = max(set(multi), key=multi.count)
        score = multi.count(mode)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_csv(data: bytes, encodings: list[str], name: str, *, max_rows: int) -> Table:
    # Decoded as a stream: no second, decoded copy of the whole file is ever held.
    for encoding in encodings:
        stream = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
        reader = None
        try:
            delimiter = _sniff_delimiter(stream.read(_HEAD))
            stream.seek(0)
            reader = csv.reader(stream, delimiter=delimiter)
            rows, numbers = _keep_filled(reader, max_rows)
        except UnicodeDecodeError:
            continue  # UTF-8 at the top, GBK further down: try the next encoding
        except csv.Error:
            line = reader.line_num if reader is not None else 1
            raise TabularError(
                _("CSV 文件格式有误（第 %(line)s 行附近），可能是引号没有配对，"
                  "请用 Excel 打开检查后重新保存") % {"line": line}
            ) from None
        break
    else:
        raise TabularError(_NOT_SPREADSHEET)
    if not rows:
        raise TabularError(_("文件是空的，里面没有任何内容"))
    width = max(len(row) for row in rows)
    _refuse_wide(width)
    for row in rows:
        if len(row) < width:
            row.extend([""] * (width - len(row)))
    return Table(rows=rows, sheet_name=name, row_numbers=numbers, file_format="csv")


# ---------------------------------------------------------------------------------------
# Header


_REQUIRED_MARKS = ("(必填)", "*", "(选填)")
ROW_NUMBER_HEADERS = frozenset({"序号", "编号", "序", "no", "no.", "#"})


def header_key(text) -> str:
    """A header cell as matchers see it: NFKC, no whitespace at all (line breaks inside a
    header included), without a required-field marker ("姓名*", "姓名（必填）", "*姓名")."""
    if text is None:
        return ""
    key = "".join(unicodedata.normalize("NFKC", str(text)).split())
    changed = True
    while changed and key:
        changed = False
        for mark in _REQUIRED_MARKS:
            if key.endswith(mark) and len(key) > len(mark):
                key, changed = key[: -len(mark)], True
        if key.startswith("*") and len(key) > 1:
            key, changed = key[1:], True
    return key


def _header_text(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(unicodedata.normalize("NFKC", str(value)).split())


def find_header(
    table: Table, matcher: Callable[[str], str | None], *, scan_rows: int = 15
) -> HeaderMatch:
    """The header row among the first `scan_rows` rows: the one with the most recognised
    column names (the earliest on a tie). Title rows above it and a 序号 column are fine."""
    best: tuple[int, dict[int, str], list[str], set[int]] | None = None
    for index, row in enumerate(table.rows[:scan_rows]):
        mapping: dict[int, str] = {}
        duplicates: list[str] = []
        repeated_cols: set[int] = set()
        for col, value in enumerate(row):
            key = header_key(_header_text(value))
            target = matcher(key) if key else None
            if target is None:
                continue
            if target in mapping.values():
                repeated_cols.add(col)
                if target not in duplicates:
                    duplicates.append(target)
                continue
            mapping[col] = target
        if mapping and (best is None or len(mapping) > len(best[1])):
            best = (index, mapping, duplicates, repeated_cols)
    if best is None:
        raise TabularError(
            _("找不到表头：表格前 %(count)s 行中没有可以识别的列名，请使用导入模板的表头")
            % {"count": scan_rows}
        )
    index, mapping, duplicates, repeated_cols = best
    unknown = []
    for col, value in enumerate(table.rows[index]):
        text = _header_text(value)
        if col in mapping or col in repeated_cols or not text:
            continue
        if header_key(text).casefold() in ROW_NUMBER_HEADERS:
            continue
        unknown.append((col, text))
    return HeaderMatch(row_index=index, mapping=mapping, unknown=unknown, duplicates=duplicates)
