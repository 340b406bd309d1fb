import datetime

import pytest
from stdnum.cn import ric
from stdnum.exceptions import InvalidComponent

from fupin.registry.identity import IdNumberError, parse_id_number


def with_check(body: str) -> str:
    return body + ric.calc_check_digit(body + "0")


def test_valid_id_gives_birth_date_and_gender():
    ident = parse_id_number(with_check("51082119850501001"))
    assert ident.birth_date == datetime.date(1985, 5, 1)
    assert ident.gender == "M"
    assert parse_id_number(with_check("51082119850501002")).gender == "F"


def test_region_code_issued_after_birth_is_accepted():
    """Born 1970 in 利州区 (code 510802 exists only since 1985): stdnum refuses it, we don't."""
    number = with_check("51080219700301003")
    with pytest.raises(InvalidComponent):
        ric.validate(number)
    assert parse_id_number(number).birth_date == datetime.date(1970, 3, 1)


def test_lower_case_x_and_spaces():
    body = next(b for b in (f"5108021985050100{i}" for i in range(10))
                if ric.calc_check_digit(b + "0") == "X")
    assert parse_id_number(f" {body.lower()}x ").number == body + "X"


@pytest.mark.parametrize("value, message", [
    ("51080219850501001", "18 位"),
    ("5108021985050100A1", "只能由数字"),
    (with_check("51080219850501001")[:-1] + ("0" if with_check("51080219850501001")[-1] != "0"
                                             else "1"), "校验位"),
    (with_check("51080219850231001"), "出生日期"),
    (with_check("51080230000101001"), "出生日期"),
    (with_check("99999919850501001"), "行政区划"),
])
def test_bad_ids_are_refused_in_chinese(value, message):
    with pytest.raises(IdNumberError) as err:
        parse_id_number(value)
    assert message in err.value.message
