"""Cell normalisers for imported spreadsheets: one function per kind of value.

Each `parse_*` takes a raw cell value as the reader gives it (str, int, float, bool, date,
datetime, time, timedelta, "" or None) and returns the normalised value, or raises
`CellError` whose `.message` is a Chinese sentence naming the bad value. An empty cell (None,
"" or only spaces) gives None: whether a column is required is the caller's rule, not ours.

These functions shape values only; domain checks (an ID's checksum and region, a code list's
validity over time) belong to the domain layer. DESIGN §7: bad input gets a clear Chinese
error — dates in any common form, full-width digits, numbers mangled by Excel.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from fupin.core import bounds

__all__ = [
    "CellError",
    "choice_parser",
    "clean_text",
    "is_blank",
    "parse_bank_account",
    "parse_bool",
    "parse_choice",
    "parse_date",
    "parse_decimal",
    "parse_id_number",
    "parse_int",
    "parse_phone",
    "parse_year",
]


class CellError(ValueError):
    """A cell's value cannot be read; `.message` is shown to the user as is."""

    def __init__(self, message: str):
        self.message = str(message)
        super().__init__(self.message)


_SPACES = re.compile(r"\s+")
# Excel stops showing digits exactly past 15 significant ones; an ID or account number typed
# into a General cell comes back as a float with its last digits replaced by zeros.
_EXACT_DIGITS = 15
_SCIENTIFIC = re.compile(r"^[+-]?\d+(?:\.\d*)?[eE][+-]?\d+$")


def _nfkc(text: str) -> str:
    # Full-width digits, letters, spaces and brackets become their ASCII forms.
    if text.isascii():
        return text
    return unicodedata.normalize("NFKC", text)


def _show(value) -> str:
    """The value as the user typed it, for quoting in a message."""
    text = clean_text(value)
    return text if len(text) <= 40 else text[:40] + "…"


def is_blank(value) -> bool:
    """True for an empty cell: None, "" or only whitespace."""
    return value is None or (isinstance(value, str) and (not value or value.isspace()))


def _tidy(text: str) -> bool:
    """True when cleaning would not change the text (the usual cell, so a cheap test): no
    whitespace at all (every whitespace character but the ASCII space is unprintable) and
    already in NFKC form."""
    return (text.isprintable() and " " not in text
            and (text.isascii() or unicodedata.is_normalized("NFKC", text)))


def clean_text(value) -> str:
    """The cell as tidy text: NFKC, stripped, inner runs of whitespace made one space.

    A float that holds a whole number reads as that number (3.0 → "3"), as Excel shows it.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        if _tidy(value):
            return value
        return _SPACES.sub(" ", _nfkc(value)).strip()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 10**_EXACT_DIGITS:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value)


# Chinese punctuation that free text keeps: NFKC would make ，（）：；！？ ASCII and … three
# dots, so a visit's 回访情况 typed on the phone would come back from a round trip through
# a spreadsheet changed.
_CJK_PUNCTUATION = re.compile("[\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff5e"
                              "\u2025\u2026]+")


def clean_prose(value) -> str:
    """Free text a person wrote (a Col with prose=True): clean_text, but full-width
    punctuation is kept as typed (full-width digits and letters still become ASCII)."""
    if not isinstance(value, str) or _tidy(value):
        return clean_text(value)
    parts, last = [], 0
    for match in _CJK_PUNCTUATION.finditer(value):
        parts += [_nfkc(value[last:match.start()]), match.group()]
        last = match.end()
    parts.append(_nfkc(value[last:]))
    return _SPACES.sub(" ", "".join(parts)).strip()


def same_text(a, b) -> bool:
    """True when two texts differ only in what cleaning folds (full-width forms, spaces): a
    value stored as typed and the same value read back from a spreadsheet are one value,
    so that a re-import finds nothing changed."""
    return isinstance(a, str) and isinstance(b, str) and clean_text(a) == clean_text(b)


# ---------------------------------------------------------------------------------------
# Numbers

_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d+)?|\.\d+)$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
# A unit written after the number ("1200元", "3人", "1500元/月") is dropped; a unit that
# scales the number (万, 千 …) is refused rather than guessed, because the column header may
# already be in 万元.
_UNIT = re.compile(r"^(.*?\d)\s*([\u4e00-\u9fff]{1,3}(?:/[\u4e00-\u9fff]{1,2})?)$")
_SCALING = re.compile(r"[十百千万亿拾佰仟]")


def _number_text(value, what: str) -> str:
    """The cleaned text of a numeric cell, ready for Decimal(); raises CellError."""
    text = clean_text(value)
    bare = text.replace(" ", "")
    if bare[:1] == "¥":
        bare = bare[1:]
    if bare[-1:] == "%":
        raise CellError(_("“%(value)s”不是有效的%(what)s：请不要填写百分号")
                        % {"value": _show(value), "what": what})
    unit = _UNIT.match(bare)
    if unit:
        if _SCALING.search(unit.group(2)):
            raise CellError(
                _("“%(value)s”不是有效的%(what)s：请填写完整数字，不要用“%(unit)s”等单位")
                % {"value": _show(value), "what": what, "unit": unit.group(2)}
            )
        bare = unit.group(1)
    if _GROUPED.match(bare):
        bare = bare.replace(",", "")
    if not _NUMBER.match(bare):
        raise CellError(_("“%(value)s”不是有效的%(what)s，请填写数字")
                        % {"value": _show(value), "what": what})
    return bare


def parse_int(value) -> int | None:
    """A whole number: 3, 3.0, "3", "３", "1,200", "3人"."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise CellError(_("“%(value)s”不是整数") % {"value": _show(value)})
    if isinstance(value, int):
        return _bounded(value, value)
    if isinstance(value, float):
        if value.is_integer():
            return _bounded(int(value), value)
        raise CellError(_("“%(value)s”不是整数") % {"value": _show(value)})
    if not isinstance(value, str):
        raise CellError(_("“%(value)s”不是整数") % {"value": _show(value)})
    number = Decimal(_number_text(value, _("整数")))
    if number != number.to_integral_value():
        raise CellError(_("“%(value)s”不是整数") % {"value": _show(value)})
    return _bounded(int(number), value)


# No integer column (counts, wages, days, record numbers) comes near 2³¹; a larger number
# is a typo or a pasted identifier, and would overflow the database's integer column.
_INT_LIMIT = 2**31 - 1


def _bounded(number: int, value) -> int:
    if abs(number) > _INT_LIMIT:
        raise CellError(_("“%(value)s”数字过大，请检查") % {"value": _show(value)})
    return number


def parse_decimal(value) -> Decimal | None:
    """A decimal number: 1200, 1200.5, "1,200", "1200元", "１２００"."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise CellError(_("“%(value)s”不是有效的数字") % {"value": _show(value)})
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise CellError(_("“%(value)s”不是有效的数字") % {"value": _show(value)})
        # Excel shows 15 significant digits: a sum that came out as 0.30000000000000004
        # is the 0.3 the user sees.
        return Decimal(format(value, ".15g"))
    if not isinstance(value, str):
        raise CellError(_("“%(value)s”不是有效的数字") % {"value": _show(value)})
    try:
        return Decimal(_number_text(value, _("数字")))
    except InvalidOperation:  # pragma: no cover - _number_text only lets numbers through
        raise CellError(_("“%(value)s”不是有效的数字") % {"value": _show(value)}) from None


# ---------------------------------------------------------------------------------------
# Dates

_EXCEL_EPOCH = datetime.date(1899, 12, 30)
_SERIAL_MIN, _SERIAL_MAX = 1, 80000  # 1900-01-01 … 2119-01-11; core.bounds then refuses past 2100
_YMD_MIN, _YMD_MAX = 19000101, 21001231
_TIME_SUFFIX = re.compile(r"(?:[T ]\s*\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)$")
_DATE_FORMS = [
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})[日号]?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]
_PARTIAL_FORMS = [
    re.compile(r"^(\d{4})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月?$"),
    re.compile(r"^(\d{4})(\d{2})$"),
    re.compile(r"^(\d{4})年?$"),
]


def _bad_date(value) -> CellError:
    return CellError(_("“%(value)s”不是有效日期（可写 2017-03-05、2017/3/5、2017年3月5日）")
                     % {"value": _show(value)})


def _partial_date(value) -> CellError:
    return CellError(
        _("“%(value)s”缺少月或日，请填写完整日期（可写 2017-03-05、2017/3/5、2017年3月5日）")
        % {"value": _show(value)}
    )


def _from_serial(value, serial: int) -> datetime.date:
    if serial < _SERIAL_MIN or serial > _SERIAL_MAX:
        raise _bad_date(value)
    if serial == 60:
        # Lotus 1-2-3 counted 1900 as a leap year and Excel kept the bug: serial 60 is
        # 1900-02-29, a day that never was.
        raise _bad_date(value)
    if serial < 60:
        return _EXCEL_EPOCH + datetime.timedelta(days=serial + 1)
    return _EXCEL_EPOCH + datetime.timedelta(days=serial)


def _from_ymd(value, year: int, month: int, day: int) -> datetime.date:
    if not 1900 <= year <= 2100:
        raise _bad_date(value)
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise _bad_date(value) from None


def parse_date(value) -> datetime.date | None:
    """A calendar date (see `_parse_date`), within `core.bounds` (1900-01-01 – 2100-12-31)."""
    date = _parse_date(value)
    message = bounds.date_error(date)
    if message:
        raise CellError(_("“%(value)s”不是有效日期：%(reason)s")
                        % {"value": _show(value), "reason": message})
    return date


def _parse_date(value) -> datetime.date | None:
    """A calendar date from a date cell, an Excel serial number or common written forms.

    Accepted: date/datetime cells; serial numbers 1–80000 (the 1900 date system); the number
    20170305; "2017-03-05", "2017/3/5", "2017.3.5", "2017年3月5日", "2017年3月5号",
    "20170305", with full-width digits, stray spaces or a trailing time. A month without a
    day ("2017-03", "2017年3月") is refused: the caller cannot know which day was meant.
    """
    if is_blank(value):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise _bad_date(value)
    if isinstance(value, int | float):
        if not _SERIAL_MIN <= value < _YMD_MAX + 1:  # also refuses NaN
            raise _bad_date(value)
        whole = int(value)  # a serial with a time of day: the date is its whole part
        if 1900 <= whole <= 2100:
            # 2017 or 2017.03 typed into a General cell is a year (and month), not the
            # serial of a day in 1905.
            raise _partial_date(value)
        if whole == value and _YMD_MIN <= whole <= _YMD_MAX:
            return _from_ymd(value, whole // 10000, whole // 100 % 100, whole % 100)
        return _from_serial(value, whole)
    text = clean_text(value)
    text = _TIME_SUFFIX.sub("", text).replace(" ", "")
    for form in _DATE_FORMS:
        match = form.match(text)
        if match:
            year, month, day = (int(part) for part in match.groups())
            return _from_ymd(value, year, month, day)
    for form in _PARTIAL_FORMS:
        if form.match(text):
            raise _partial_date(value)
    raise _bad_date(value)


_YEAR_FIRST = re.compile(r"^(\d{4})(?:[-/.年](?:\d{1,2})(?:[-/.月](?:\d{1,2})[日号]?|月)?)?年?$")


def parse_year(value) -> int | None:
    """A year, as registers write it: 2014, "2014", "2014年", and a month or a day kept with
    it ("2014-10", "2014年10月", "2014/10/15", a date cell): the year is what is stored
    (识别时间 of the national system carries a month; the registry keeps the year)."""
    if is_blank(value):
        return None
    if isinstance(value, datetime.datetime | datetime.date):
        year = value.year
    elif isinstance(value, bool):
        raise CellError(_("“%(value)s”不是年份") % {"value": _show(value)})
    elif isinstance(value, int | float):
        # 2014.1 typed in a General cell is 2014年10月; a number far from a year (40569, an
        # Excel day, or a typo) is refused by the bounds below, never guessed at
        if value != value or abs(value) > 10**6:  # NaN, infinity, or nothing like a year
            raise CellError(_("“%(value)s”不是年份") % {"value": _show(value)})
        year = int(value)
    else:
        text = clean_text(value).replace(" ", "")
        match = _YEAR_FIRST.match(text)
        if match is not None:
            year = int(match.group(1))
        elif re.fullmatch(r"-?\d+", text):
            year = int(text)  # a whole number, only not a year: the bounds say why
        else:
            raise CellError(_("“%(value)s”不是年份，请写 2014 或 2014-10")
                            % {"value": _show(value)})
    message = bounds.year_error(year)
    if message:
        raise CellError(_("“%(value)s”不是有效的年度：%(reason)s")
                        % {"value": _show(value), "reason": message})
    return year


# ---------------------------------------------------------------------------------------
# Identifiers: ID numbers, phone numbers, bank accounts

_ID_CHARS = re.compile(r"^[0-9X]+$")
_ID_COMPACT = re.compile(r"[0-9]{17}[0-9X]")


def _damaged_number(value, what: str) -> CellError:
    return CellError(
        _("%(what)s被 Excel 当成了数字，末几位已丢失，请把该列设为“文本”格式后重新填写")
        % {"what": what}
    )


def _not_valid(value, what: str) -> CellError:
    return CellError(_("“%(value)s”不是有效的%(what)s") % {"value": _show(value), "what": what})


def _digits_of_number(value, what: str) -> str:
    """The digits of a numeric cell holding an identifier, or CellError if Excel rounded it."""
    if isinstance(value, bool) or not value >= 0:  # also NaN
        raise _not_valid(value, what)
    if isinstance(value, float) and not value.is_integer():
        raise _not_valid(value, what)
    number = int(value)
    if number >= 10**_EXACT_DIGITS:
        raise _damaged_number(value, what)
    return str(number)


def _old_id(digits: str) -> CellError:
    return CellError(_("“%(digits)s”是 15 位的旧身份证号，请填写 18 位身份证号")
                     % {"digits": digits})


def parse_id_number(value) -> str | None:
    """An 18-character resident ID number, shaped only: 17 digits and a digit or X.

    The checksum, region and birth date are checked by the domain layer (python-stdnum).
    """
    if value.__class__ is str and len(value) == 18 and _ID_COMPACT.match(value):
        return value  # already 17 digits and a digit or X: nothing below would change it
    what = _("身份证号")
    if is_blank(value):
        return None
    if isinstance(value, int | float):
        digits = _digits_of_number(value, what)
        if len(digits) == 15:
            raise _old_id(digits)
        raise CellError(_("身份证号应为 18 位，“%(digits)s”只有 %(count)s 位")
                        % {"digits": digits, "count": len(digits)})
    if not isinstance(value, str):
        raise CellError(_("“%(value)s”不是有效的身份证号") % {"value": _show(value)})
    text = _SPACES.sub("", _nfkc(value)).lstrip("'").upper()
    if _SCIENTIFIC.match(text):
        raise _damaged_number(value, what)
    if text.isdigit() and len(text) == 15:
        raise _old_id(text)
    if not _ID_CHARS.match(text):
        raise CellError(_("“%(value)s”不是有效的身份证号：只能包含数字和 X")
                        % {"value": _show(value)})
    if len(text) != 18:
        raise CellError(_("身份证号应为 18 位，“%(digits)s”有 %(count)s 位")
                        % {"digits": text, "count": len(text)})
    if "X" in text[:17]:
        raise CellError(_("“%(value)s”不是有效的身份证号：X 只能是最后一位") % {"value": text})
    return text


_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_MOBILE_ASCII = re.compile(r"1[3-9][0-9]{9}")
_MOBILE_ANYWHERE = re.compile(r"1[3-9]\d{9}")
_SEVERAL = re.compile(r"[,;/、]")
_COUNTRY_BEFORE_MOBILE = re.compile(r"^(?:\+|00)?86(?=1[3-9]\d{9}$)")
_COUNTRY = re.compile(r"^\+86-?")
_BRACKETED_AREA = re.compile(r"^\((0\d{2,3})\)-?(\d{7,8})$")
_AREA_THEN_LOCAL = re.compile(r"^(0\d{2,3})-?(\d{7,8})$")
_LOCAL_ONLY = re.compile(r"^\d{7,8}$")


def parse_phone(value) -> str | None:
    """A mainland mobile number (11 digits) or a landline with its area code ("0839-1234567").

    A leading +86 / 86 is dropped; hyphens, spaces and brackets around the area code are
    tidied. A number stored as a number is fine for mobiles (11 digits fit a float exactly),
    but a landline stored as a number has lost its leading 0.
    """
    if value.__class__ is str and len(value) == 11 and _MOBILE_ASCII.match(value):
        return value  # already a bare mobile number: nothing below would change it
    if is_blank(value):
        return None
    if isinstance(value, int | float):
        text = _digits_of_number(value, _("电话号码"))
        if 9 <= len(text) <= 11 and not text.startswith(("1", "86")):
            raise CellError(_("电话号码被 Excel 当成了数字，区号开头的 0 已丢失，"
                              "请把该列设为“文本”格式后重新填写"))
    elif isinstance(value, str):
        text = _SPACES.sub("", _nfkc(value))
    else:
        raise CellError(_("“%(value)s”不是有效的电话号码") % {"value": _show(value)})
    if _SEVERAL.search(text) or len(_MOBILE_ANYWHERE.findall(text)) > 1:
        raise CellError(_("“%(value)s”：一个单元格只能填写一个电话号码")
                        % {"value": _show(value)})
    text = _COUNTRY.sub("", _COUNTRY_BEFORE_MOBILE.sub("", text))
    bracketed = _BRACKETED_AREA.match(text)
    if bracketed:
        text = f"{bracketed.group(1)}-{bracketed.group(2)}"
    mobile = text.replace("-", "")
    if _MOBILE.match(mobile):
        return mobile
    landline = _AREA_THEN_LOCAL.match(text)
    if landline:
        area, local = landline.groups()
        if "-" not in text:
            # Without a hyphen the split is ambiguous: 010 and 02x are the three-digit codes.
            area_len = 3 if text[1] in "12" else 4
            area, local = text[:area_len], text[area_len:]
            if not 7 <= len(local) <= 8:
                raise CellError(_("“%(value)s”不是有效的座机号码，请写成“区号-号码”")
                                % {"value": _show(value)})
        return f"{area}-{local}"
    if _LOCAL_ONLY.match(text):
        raise CellError(_("座机号码“%(value)s”缺少区号，请写成“区号-号码”，如 0839-1234567")
                        % {"value": text})
    raise CellError(_("“%(value)s”不是有效的电话号码（手机号为 11 位，座机请加区号）")
                    % {"value": _show(value)})


def parse_bank_account(value) -> str | None:
    """A bank card or account number: 12–30 digits, spaces and hyphens removed."""
    if value.__class__ is str and 12 <= len(value) <= 30 and value.isascii() \
            and value.isdigit():
        return value  # already bare digits: nothing below would change it
    what = _("银行账号")
    if is_blank(value):
        return None
    if isinstance(value, int | float):
        digits = _digits_of_number(value, what)
    elif isinstance(value, str):
        text = _SPACES.sub("", _nfkc(value)).lstrip("'").replace("-", "")
        if _SCIENTIFIC.match(text):
            raise _damaged_number(value, what)
        if not text.isdigit() or not text.isascii():
            raise CellError(_("“%(value)s”不是有效的银行账号：只能包含数字")
                            % {"value": _show(value)})
        digits = text
    else:
        raise CellError(_("“%(value)s”不是有效的银行账号") % {"value": _show(value)})
    if not 12 <= len(digits) <= 30:
        raise CellError(_("银行账号应为 12 到 30 位数字，“%(digits)s”有 %(count)s 位")
                        % {"digits": digits, "count": len(digits)})
    return digits


# ---------------------------------------------------------------------------------------
# Yes/no and coded choices

_TRUE = frozenset({"是", "有", "y", "yes", "true", "1", "√", "✓", "✔", "对"})
_FALSE = frozenset({"否", "无", "没有", "n", "no", "false", "0", "×", "✗", "✘", "不是"})


def parse_bool(value) -> bool | None:
    """是/否, 有/无, Y/N, yes/no, true/false, 1/0, √/×."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    key = clean_text(value).replace(" ", "").casefold()
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise CellError(_("“%(value)s”不是有效的是/否值，请填写“是”或“否”")
                    % {"value": _show(value)})


_BRACKETS = str.maketrans({"【": "(", "】": ")", "[": "(", "]": ")", "〔": "(", "〕": ")"})


def _choice_key(text: str) -> str:
    # NFKC turns （） into (); the other bracket shapes and all spaces are ignored too.
    return _SPACES.sub("", _nfkc(text)).translate(_BRACKETS).casefold()


def choice_parser(
    choices: Mapping[str, str], synonyms: Mapping[str, str] | None = None
) -> Callable[[object], str | None]:
    """A parser for one coded field, with its lookup table built once.

    `choices` maps code → label ({"01": "普通劳动力", …}); `synonyms` maps another way of
    writing a value → its label (or code). The parser accepts a label, a code (also with its
    leading zeros lost by Excel: 1 for "01"), a synonym, or "code label" ("01 普通劳动力"),
    and returns the code.
    """
    table: dict[str, str] = {}

    def add(key: str, code: str) -> None:
        known = table.setdefault(_choice_key(key), code)
        if known != code:
            raise ValueError(f"choice {key!r} is ambiguous: {known!r} and {code!r}")

    for code, label in choices.items():
        add(label, code)
    for code in choices:
        table.setdefault(_choice_key(code), code)
        if code.isdigit():
            table.setdefault(str(int(code)), code)
    by_label = {label: code for code, label in choices.items()}
    for alternative, target in (synonyms or {}).items():
        code = by_label.get(target, target if target in choices else None)
        if code is None:
            raise ValueError(f"synonym {alternative!r} points to unknown choice {target!r}")
        add(alternative, code)
    labels = list(choices.values())
    code_keys = [(_choice_key(code), code) for code in choices]
    # A column repeats a handful of spellings: each text cell read once is remembered
    # (bounded, so a column of junk cannot grow it).
    seen: dict[str, str] = {}

    def parse(value) -> str | None:
        if value.__class__ is str:
            code = seen.get(value)
            if code is not None:
                return code
        if is_blank(value):
            return None
        key = _choice_key(clean_text(value))
        code = table.get(key)
        if code is None:
            for code_key, candidate in code_keys:  # "01 普通劳动力", "01-普通劳动力"
                if key.startswith(code_key):
                    rest = key[len(code_key):].lstrip("-_.、:")
                    if rest and table.get(rest) == candidate:
                        code = candidate
                        break
        if code is not None:
            if value.__class__ is str and len(seen) < 1024:
                seen[value] = code
            return code
        shown = "、".join(labels[:12])
        if len(labels) > 12:
            shown += _(" 等 %(count)s 项") % {"count": len(labels)}
        raise CellError(_("“%(value)s”不是有效的选项，可选：%(choices)s")
                        % {"value": _show(value), "choices": shown})

    return parse


_choice_parsers: dict[tuple[int, int], tuple[Mapping, Mapping | None, Callable]] = {}


def parse_choice(
    value, choices: Mapping[str, str], synonyms: Mapping[str, str] | None = None
) -> str | None:
    """The code of a coded value; see `choice_parser` (which callers of a hot loop may keep)."""
    # Choice tables are module constants, so their lookup tables are kept by identity; the
    # entry holds the mappings themselves, so an id is never reused while it is cached.
    key = (id(choices), id(synonyms))
    cached = _choice_parsers.get(key)
    if cached is None or cached[0] is not choices or cached[1] is not synonyms:
        if len(_choice_parsers) > 256:
            _choice_parsers.clear()
        cached = (choices, synonyms, choice_parser(choices, synonyms))
        _choice_parsers[key] = cached
    return cached[2](value)
