"""Cell normalisers: every accepted form, and the Chinese message for every refused one."""

import datetime
from decimal import Decimal

import pytest

from fupin.core.tabular.parsers import (
    CellError,
    choice_parser,
    clean_text,
    is_blank,
    parse_bank_account,
    parse_bool,
    parse_choice,
    parse_date,
    parse_decimal,
    parse_id_number,
    parse_int,
    parse_phone,
    parse_year,
)

D = datetime.date
EXCEL_DAMAGE = "被 Excel 当成了数字，末几位已丢失，请把该列设为“文本”格式后重新填写"


def refused(parser, value, *args):
    with pytest.raises(CellError) as caught:
        parser(value, *args)
    assert isinstance(caught.value, ValueError)
    assert caught.value.message == str(caught.value)
    return caught.value.message


# --- clean_text, is_blank -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        ("", ""),
        ("  张三  ", "张三"),
        ("张\u3000三", "张 三"),  # full-width space
        ("利州区\n  宝轮镇\t\t紫兰村", "利州区 宝轮镇 紫兰村"),
        ("ＡＢＣ１２３", "ABC123"),
        ("乡（镇）内务工", "乡(镇)内务工"),
        (3.0, "3"),
        (3.5, "3.5"),
        (13812345678.0, "13812345678"),
        (7, "7"),
        (True, "是"),
        (D(2017, 3, 5), "2017-03-05"),
        (datetime.datetime(2017, 3, 5), "2017-03-05"),
        (datetime.datetime(2017, 3, 5, 8, 30), "2017-03-05 08:30:00"),
        (datetime.time(8, 30), "08:30:00"),
    ],
)
def test_clean_text(value, text):
    assert clean_text(value) == text


@pytest.mark.parametrize(("value", "blank"),
                         [(None, True), ("", True), ("  \u3000\n", True), (0, False),
                          (0.0, False), ("0", False), (False, False)])
def test_is_blank(value, blank):
    assert is_blank(value) is blank


# --- numbers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "number"),
    [(3, 3), (3.0, 3), ("3", 3), ("３", 3), (" 12 ", 12), ("1,200", 1200), ("1，200", 1200),
     ("3人", 3), ("-2", -2), ("3.0", 3), ("", None), (None, None)],
)
def test_parse_int_accepts(value, number):
    assert parse_int(value) == number


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (3.5, "“3.5”不是整数"),
        ("3.5", "“3.5”不是整数"),
        (True, "“是”不是整数"),
        ("三", "“三”不是有效的整数，请填写数字"),
        ("约3", "“约3”不是有效的整数，请填写数字"),
        ("1,2", "“1,2”不是有效的整数，请填写数字"),
        ("3万", "“3万”不是有效的整数：请填写完整数字，不要用“万”等单位"),
    ],
)
def test_parse_int_refuses(value, message):
    assert refused(parse_int, value) == message


@pytest.mark.parametrize(
    ("value", "number"),
    [
        (1200, Decimal("1200")),
        (1200.5, Decimal("1200.5")),
        (0.1 + 0.2, Decimal("0.3")),  # what Excel shows for a computed cell
        ("1,200", Decimal("1200")),
        ("1,200.50", Decimal("1200.50")),
        ("1200元", Decimal("1200")),
        ("1200 元", Decimal("1200")),
        ("1500元/月", Decimal("1500")),
        ("１２００", Decimal("1200")),
        ("￥1200", Decimal("1200")),
        ("-3.25", Decimal("-3.25")),
        (".5", Decimal("0.5")),
        ("", None),
    ],
)
def test_parse_decimal_accepts(value, number):
    assert parse_decimal(value) == number


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("不详", "“不详”不是有效的数字，请填写数字"),
        ("1.2万元", "“1.2万元”不是有效的数字：请填写完整数字，不要用“万元”等单位"),
        ("12%", "“12%”不是有效的数字：请不要填写百分号"),
        ("1.2.3", "“1.2.3”不是有效的数字，请填写数字"),
        (False, "“否”不是有效的数字"),
        (float("nan"), "“nan”不是有效的数字"),
        (D(2017, 1, 1), "“2017-01-01”不是有效的数字"),
    ],
)
def test_parse_decimal_refuses(value, message):
    assert refused(parse_decimal, value) == message


# --- dates ----------------------------------------------------------------------------------

HINT = "（可写 2017-03-05、2017/3/5、2017年3月5日）"


@pytest.mark.parametrize(
    "value",
    [
        D(2017, 3, 5),
        datetime.datetime(2017, 3, 5, 14, 30),
        42799,  # Excel serial
        42799.0,
        42799.75,  # serial with a time of day
        20170305,  # typed as a number into a General cell
        20170305.0,
        "2017-03-05",
        "2017-3-5",
        "2017/3/5",
        "2017/03/05",
        "2017.3.5",
        "2017年3月5日",
        "2017年03月05日",
        "2017年3月5号",
        "2017年3月5",
        "20170305",
        "２０１７年３月５日",
        "２０１７－０３－０５",
        " 2017 年 3 月 5 日 ",
        "2017 - 03 - 05",
        "2017-03-05 00:00:00",
        "2017/3/5 8:30",
        "2017-03-05T08:30:00",
    ],
)
def test_parse_date_accepts(value):
    assert parse_date(value) == D(2017, 3, 5)


@pytest.mark.parametrize(
    ("serial", "day"),
    [
        (1, D(1900, 1, 1)),
        (59, D(1900, 2, 28)),
        (61, D(1900, 3, 1)),  # after Lotus's fake 1900-02-29
        (25569, D(1970, 1, 1)),
        (36526, D(2000, 1, 1)),
        (43831, D(2020, 1, 1)),
        (73415, D(2100, 12, 31)),
    ],
)
def test_parse_date_excel_serials(serial, day):
    assert parse_date(serial) == day
    assert parse_date(float(serial)) == day


def test_parse_date_empty():
    assert parse_date("") is None and parse_date(None) is None and parse_date(" ") is None


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("不详", f"“不详”不是有效日期{HINT}"),
        ("2017-02-30", f"“2017-02-30”不是有效日期{HINT}"),
        ("2017年13月1日", f"“2017年13月1日”不是有效日期{HINT}"),
        ("20170230", f"“20170230”不是有效日期{HINT}"),
        ("17-3-5", f"“17-3-5”不是有效日期{HINT}"),
        ("3/5/2017", f"“3/5/2017”不是有效日期{HINT}"),
        ("1850-01-01", f"“1850-01-01”不是有效日期{HINT}"),
        ("2017-03", f"“2017-03”缺少月或日，请填写完整日期{HINT}"),
        ("2017年3月", f"“2017年3月”缺少月或日，请填写完整日期{HINT}"),
        ("2017.3", f"“2017.3”缺少月或日，请填写完整日期{HINT}"),
        ("201703", f"“201703”缺少月或日，请填写完整日期{HINT}"),
        ("2017年", f"“2017年”缺少月或日，请填写完整日期{HINT}"),
        (2017, f"“2017”缺少月或日，请填写完整日期{HINT}"),
        (2017.03, f"“2017.03”缺少月或日，请填写完整日期{HINT}"),
        (60, f"“60”不是有效日期{HINT}"),  # 1900-02-29 never was
        (0, f"“0”不是有效日期{HINT}"),
        (0.5, f"“0.5”不是有效日期{HINT}"),  # a time of day
        (-3, f"“-3”不是有效日期{HINT}"),
        (80001, f"“80001”不是有效日期{HINT}"),
        (20170230, f"“20170230”不是有效日期{HINT}"),
        (float("nan"), f"“nan”不是有效日期{HINT}"),
        (True, f"“是”不是有效日期{HINT}"),
        (datetime.time(8, 30), f"“08:30:00”不是有效日期{HINT}"),
        (datetime.timedelta(days=3), f"“3 days, 0:00:00”不是有效日期{HINT}"),
    ],
)
def test_parse_date_refuses(value, message):
    assert refused(parse_date, value) == message


# --- ID numbers -----------------------------------------------------------------------------

ID = "51080219900101123X"


@pytest.mark.parametrize(
    "value",
    [ID, "51080219900101123x", " 510802 19900101 123X ", "５１０８０２１９９００１０１１２３Ｘ",
     "'51080219900101123X", "51080219900101123\nX"],
)
def test_parse_id_number_accepts(value):
    assert parse_id_number(value) == ID


def test_parse_id_number_keeps_shape_only():
    # The checksum is the domain layer's job: a well-shaped but wrong number passes here.
    assert parse_id_number("510802199001011234") == "510802199001011234"
    assert parse_id_number("") is None


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (5.10802199001011e17, f"身份证号{EXCEL_DAMAGE}"),
        (510802199001011000, f"身份证号{EXCEL_DAMAGE}"),
        ("5.10802E+17", f"身份证号{EXCEL_DAMAGE}"),
        ("5.10802199001011e+17", f"身份证号{EXCEL_DAMAGE}"),
        ("510802900101123", "“510802900101123”是 15 位的旧身份证号，请填写 18 位身份证号"),
        (510802900101123.0, "“510802900101123”是 15 位的旧身份证号，请填写 18 位身份证号"),
        ("5108021990010112", "身份证号应为 18 位，“5108021990010112”有 16 位"),
        ("5108021990010112345", "身份证号应为 18 位，“5108021990010112345”有 19 位"),
        (12345.0, "身份证号应为 18 位，“12345”只有 5 位"),
        ("510802-19900101-123X", "“510802-19900101-123X”不是有效的身份证号：只能包含数字和 X"),
        ("张三", "“张三”不是有效的身份证号：只能包含数字和 X"),
        ("51080X199001011234", "“51080X199001011234”不是有效的身份证号：X 只能是最后一位"),
        (True, "“是”不是有效的身份证号"),
        (D(2017, 1, 1), "“2017-01-01”不是有效的身份证号"),
    ],
)
def test_parse_id_number_refuses(value, message):
    assert refused(parse_id_number, value) == message


# --- phone numbers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "phone"),
    [
        ("13812345678", "13812345678"),
        (13812345678.0, "13812345678"),
        (13812345678, "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+8613812345678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("8613812345678", "13812345678"),
        (8613812345678.0, "13812345678"),
        ("+86-13812345678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        ("19912345678", "19912345678"),
        ("0839-1234567", "0839-1234567"),
        ("0839－1234567", "0839-1234567"),
        ("08391234567", "0839-1234567"),
        ("(0839)1234567", "0839-1234567"),
        ("（0839）1234567", "0839-1234567"),
        ("010-12345678", "010-12345678"),
        ("01012345678", "010-12345678"),
        ("02812345678", "028-12345678"),
        ("", None),
    ],
)
def test_parse_phone_accepts(value, phone):
    assert parse_phone(value) == phone


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("12812345678", "“12812345678”不是有效的电话号码（手机号为 11 位，座机请加区号）"),
        ("1381234567", "“1381234567”不是有效的电话号码（手机号为 11 位，座机请加区号）"),
        (1381234567.0, "“1381234567”不是有效的电话号码（手机号为 11 位，座机请加区号）"),
        ("1234567", "座机号码“1234567”缺少区号，请写成“区号-号码”，如 0839-1234567"),
        (1234567.0, "座机号码“1234567”缺少区号，请写成“区号-号码”，如 0839-1234567"),
        (8391234567.0, "电话号码被 Excel 当成了数字，区号开头的 0 已丢失，"
                       "请把该列设为“文本”格式后重新填写"),
        ("13812345678、13912345678", "“13812345678、13912345678”：一个单元格只能填写一个电话号码"),
        ("13812345678 13912345678", "“13812345678 13912345678”：一个单元格只能填写一个电话号码"),
        ("无", "“无”不是有效的电话号码（手机号为 11 位，座机请加区号）"),
        (13812345678.5, "“13812345678.5”不是有效的电话号码"),
        (-13812345678.0, "“-13812345678”不是有效的电话号码"),
        (float("inf"), "“inf”不是有效的电话号码"),
    ],
)
def test_parse_phone_refuses(value, message):
    assert refused(parse_phone, value) == message


# --- bank accounts --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "account"),
    [
        ("6228480402564890018", "6228480402564890018"),
        ("6228 4804 0256 4890 018", "6228480402564890018"),
        ("6228-4804-0256-4890-018", "6228480402564890018"),
        ("６２２８４８０４０２５６４８９００１８", "6228480402564890018"),
        ("'6228480402564890018", "6228480402564890018"),
        (622848040256.0, "622848040256"),  # 12 digits survive being a number
        ("", None),
    ],
)
def test_parse_bank_account_accepts(value, account):
    assert parse_bank_account(value) == account


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (6.22848040256489e18, f"银行账号{EXCEL_DAMAGE}"),
        (6228480402564890018, f"银行账号{EXCEL_DAMAGE}"),
        ("6.22848E+18", f"银行账号{EXCEL_DAMAGE}"),
        ("12345", "银行账号应为 12 到 30 位数字，“12345”有 5 位"),
        ("1" * 31, f"银行账号应为 12 到 30 位数字，“{'1' * 31}”有 31 位"),
        ("农行6228480402564890018", "“农行6228480402564890018”不是有效的银行账号：只能包含数字"),
    ],
)
def test_parse_bank_account_refuses(value, message):
    assert refused(parse_bank_account, value) == message


# --- yes/no ---------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["是", "有", "Y", "y", "yes", "YES", "true", "TRUE", "1", "√",
                                   "１", " 是 ", True, 1, 1.0])
def test_parse_bool_true(value):
    assert parse_bool(value) is True


@pytest.mark.parametrize("value", ["否", "无", "N", "no", "false", "FALSE", "0", "×", False, 0,
                                   0.0])
def test_parse_bool_false(value):
    assert parse_bool(value) is False


@pytest.mark.parametrize("value", ["不知道", "2", 2.0, "是否"])
def test_parse_bool_refuses(value):
    text = clean_text(value)
    assert refused(parse_bool, value) == f"“{text}”不是有效的是/否值，请填写“是”或“否”"


def test_parse_bool_empty():
    assert parse_bool("") is None


# --- choices --------------------------------------------------------------------------------

CAPACITY = {"01": "普通劳动力", "02": "技能劳动力", "03": "弱劳动力或半劳动力",
            "04": "丧失劳动力", "05": "无劳动力"}
PLACE = {"1": "乡(镇)内务工", "2": "县内乡外务工", "3": "省内县外务工", "4": "省外务工"}
RELATION = {"01": "户主", "02": "配偶", "03": "之子", "04": "之女"}
RELATION_SYNONYMS = {"本人": "户主", "妻子": "配偶", "丈夫": "配偶", "儿子": "之子", "女儿": "04"}


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("普通劳动力", "01"),
        (" 技能劳动力 ", "02"),
        ("技能 劳动力", "02"),
        ("01", "01"),
        ("1", "01"),  # Excel dropped the leading zero
        (1.0, "01"),
        (5, "05"),
        ("01 普通劳动力", "01"),
        ("01-普通劳动力", "01"),
        ("03弱劳动力或半劳动力", "03"),
        ("", None),
    ],
)
def test_parse_choice_labels_and_codes(value, code):
    assert parse_choice(value, CAPACITY) == code


@pytest.mark.parametrize("value", ["乡(镇)内务工", "乡（镇）内务工", "乡【镇】内务工",
                                   "乡 ( 镇 ) 内务工", "1"])
def test_parse_choice_ignores_bracket_width(value):
    assert parse_choice(value, PLACE) == "1"


@pytest.mark.parametrize(("value", "code"),
                         [("本人", "01"), ("妻子", "02"), ("丈夫", "02"), ("儿子", "03"),
                          ("女儿", "04"), ("配偶", "02")])
def test_parse_choice_synonyms(value, code):
    assert parse_choice(value, RELATION, RELATION_SYNONYMS) == code


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("半劳动力", "“半劳动力”不是有效的选项，可选：普通劳动力、技能劳动力、弱劳动力或半劳动力、"
                     "丧失劳动力、无劳动力"),
        ("06", "“06”不是有效的选项，可选：普通劳动力、技能劳动力、弱劳动力或半劳动力、丧失劳动力、"
               "无劳动力"),
        ("02 普通劳动力", "“02 普通劳动力”不是有效的选项，可选：普通劳动力、技能劳动力、"
                         "弱劳动力或半劳动力、丧失劳动力、无劳动力"),
    ],
)
def test_parse_choice_refuses(value, message):
    assert refused(parse_choice, value, CAPACITY) == message


def test_parse_choice_lists_at_most_twelve_labels():
    many = {f"{i:02d}": f"行业{i}" for i in range(1, 21)}
    message = refused(parse_choice, "农业", many)
    assert message.startswith("“农业”不是有效的选项，可选：行业1、行业2")
    assert message.endswith("行业12 等 20 项")


def test_choice_parser_rejects_bad_tables():
    with pytest.raises(ValueError, match="unknown choice"):
        choice_parser(RELATION, {"孙子": "之孙"})
    with pytest.raises(ValueError, match="ambiguous"):
        choice_parser({"1": "男", "2": "男"})


def test_parse_choice_reuses_its_table():
    parse = choice_parser(CAPACITY)
    assert [parse(v) for v in ("普通劳动力", "无劳动力")] == ["01", "05"]
    assert parse_choice("普通劳动力", CAPACITY) == parse_choice("普通劳动力", dict(CAPACITY))


# --- bounds (core.bounds): years 1949–2100, dates 1900-01-01 – 2100-12-31 ------------------

@pytest.mark.parametrize("value", [D(1899, 12, 31), D(2101, 1, 1), D(3, 1, 1), 80000,
                                   D(9999, 12, 31), datetime.datetime(2101, 1, 1, 8, 0)])
def test_parse_date_refuses_dates_outside_bounds(value):
    with pytest.raises(CellError, match="1900-01-01 至 2100-12-31"):
        parse_date(value)


@pytest.mark.parametrize(("value", "year"), [(2017, 2017), ("2017", 2017), ("２０１７年", 2017),
                                             (1949.0, 1949), ("2100", 2100), ("", None)])
def test_parse_year_reads_years(value, year):
    assert parse_year(value) == year


@pytest.mark.parametrize("value", [0, -5, 1948, 2101, 12026, 40569, "99999"])
def test_parse_year_refuses_years_outside_bounds(value):
    with pytest.raises(CellError, match="1949 至 2100"):
        parse_year(value)


@pytest.mark.parametrize("value", [2**31, -(2**31), "99999999999", 1e12])
def test_parse_int_refuses_numbers_that_overflow_the_database(value):
    with pytest.raises(CellError, match="数字过大"):
        parse_int(value)
