"""Resident ID numbers (DESIGN §2) validated with python-stdnum.

The trap: an ID carries the region code in force when the card was issued, not at birth, so a
person born in 1970 in 利州区 holds 510802…, a code that exists only since 1985, and
`stdnum.cn.ric.validate` refuses it. We check the region against every code that has ever
existed instead.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from functools import lru_cache

from django.utils.translation import gettext as _
from stdnum import numdb
from stdnum.cn import ric


class IdNumberError(ValueError):
    def __init__(self, message):
        self.message = str(message)
        super().__init__(self.message)


@dataclass(frozen=True)
class Identity:
    number: str
    birth_date: datetime.date
    gender: str  # "M" / "F"

    def age_on(self, day: datetime.date) -> int:
        b = self.birth_date
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))


@lru_cache(maxsize=4096)
def region_ever_existed(code6: str) -> bool:
    if not code6.isdigit() or len(code6) != 6:
        return False
    return any("county" in props for _part, props in numdb.get("cn/loc").info(code6))


# An ID already in compact form: 17 ASCII digits and a digit or X.
_COMPACT = re.compile(r"[0-9]{17}[0-9X]")


# An import checks each ID in its validation pass, and its write pass checks it again in
# derive() and in person_prepare(): the last check is a hit here. Only valid IDs are kept
# (errors are raised, not cached); an ID valid on one day stays valid later (the only
# date-dependent rule refuses birth dates after today).
@lru_cache(maxsize=8192)
def parse_id_number(value: str, *, today: datetime.date | None = None) -> Identity:
    # The import's cell parser hands over compact IDs; stdnum's generic clean-up costs more
    # than all the checks below together, so it only runs for anything else.
    if value.__class__ is str and _COMPACT.fullmatch(value):
        number = value
    else:
        number = ric.compact(value or "")
    if len(number) != 18:
        raise IdNumberError(_("身份证号应为 18 位（现为 %(n)s 位）") % {"n": len(number)})
    if not number[:-1].isdigit() or not (number[-1].isdigit() or number[-1] == "X"):
        raise IdNumberError(_("身份证号只能由数字和末位的 X 组成"))
    if number[-1] != ric.calc_check_digit(number):
        raise IdNumberError(_("身份证号校验位不对，请核对每一位数字"))
    try:  # ric.get_birth_date without its second compact(): `number` is compact already
        birth = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise IdNumberError(_("身份证号中的出生日期无效")) from None
    today = today or datetime.date.today()
    if birth > today or birth.year < 1900:
        raise IdNumberError(_("身份证号中的出生日期无效"))
    if not region_ever_existed(number[:6]):
        raise IdNumberError(_("身份证号前 6 位不是有效的行政区划代码"))
    gender = "M" if int(number[16]) % 2 == 1 else "F"
    return Identity(number=number, birth_date=birth, gender=gender)
