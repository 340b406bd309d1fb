"""The sensible range of a year and of a date, in one place (DESIGN §7: bad input gets a clear
Chinese error). Model fields carry these validators, so forms, the API's ModelSerializers and
the admin refuse the same values; the import's cell parsers (`core/tabular/parsers.py`) and the
API's year filters use the same bounds.

Years: the registry's years (识别年度, 脱贫年度, a course's year) are years of the People's
Republic's poverty work, never before 1949. Dates: a record's dates (employment, training,
posts) lie in 1900–2100; birth dates come from the ID number and are checked there.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MIN_YEAR, MAX_YEAR = 1949, 2100
MIN_DATE, MAX_DATE = datetime.date(1900, 1, 1), datetime.date(2100, 12, 31)

YEAR_MESSAGE = _("年度应在 %(min)s 至 %(max)s 之间。")
DATE_MESSAGE = _("日期应在 %(min)s 至 %(max)s 之间。")


def year_error(value) -> str | None:
    """The Chinese reason a year is out of range, or None."""
    if value is None or MIN_YEAR <= value <= MAX_YEAR:
        return None
    return str(YEAR_MESSAGE % {"min": MIN_YEAR, "max": MAX_YEAR})


def date_error(value) -> str | None:
    """The Chinese reason a date is out of range, or None."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if value is None or MIN_DATE <= value <= MAX_DATE:
        return None
    return str(DATE_MESSAGE % {"min": MIN_DATE.isoformat(), "max": MAX_DATE.isoformat()})


def validate_year(value) -> None:
    """Model-field validator (`validators=[validate_year]`) for a year."""
    message = year_error(value)
    if message:
        raise ValidationError(message, code="year_range")


def validate_date(value) -> None:
    """Model-field validator (`validators=[validate_date]`) for a date."""
    message = date_error(value)
    if message:
        raise ValidationError(message, code="date_range")
