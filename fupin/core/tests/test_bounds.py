"""Years and dates are bounded in one place (core.bounds), and every import column of a year
or a date refuses a value outside them, with a Chinese message (issue 8, DESIGN §7)."""

import datetime

import pytest

from fupin.core import bounds
from fupin.core.tabular.parsers import CellError
from fupin.core.tabular.spec import all_specs


def _columns(kind_test):
    return [(spec.name, col) for spec in all_specs() for col in spec.columns if kind_test(col)]


def test_bounds_accept_their_ends_and_refuse_beyond():
    assert bounds.year_error(1949) is None and bounds.year_error(2100) is None
    assert "1949 至 2100" in bounds.year_error(1948) and bounds.year_error(2101)
    assert bounds.date_error(datetime.date(1900, 1, 1)) is None
    assert bounds.date_error(datetime.date(2100, 12, 31)) is None
    assert "1900-01-01 至 2100-12-31" in bounds.date_error(datetime.date(3, 1, 1))


@pytest.mark.parametrize(("spec", "col"), _columns(lambda c: c.key.endswith("_year")
                                                   or c.key == "year"),
                         ids=lambda v: getattr(v, "key", v))
@pytest.mark.parametrize("value", [40569, "12026", 0, "-5"])
def test_every_year_column_refuses_a_year_outside_sense(spec, col, value):
    with pytest.raises(CellError, match="1949 至 2100"):
        col.parse(value)


@pytest.mark.parametrize(("spec", "col"), _columns(lambda c: c.kind == "date"),
                         ids=lambda v: getattr(v, "key", v))
@pytest.mark.parametrize("value", [datetime.date(3, 1, 1), datetime.date(2101, 1, 1),
                                   "0003-01-01", 80000])
def test_every_date_column_refuses_a_date_outside_bounds(spec, col, value):
    with pytest.raises(CellError):
        col.parse(value)


def test_there_are_year_and_date_columns():
    assert len(_columns(lambda c: c.key.endswith("_year"))) >= 2
    assert len(_columns(lambda c: c.kind == "date")) >= 5
