"""The follow-up indicators (indicators.py): figures computed from the records."""

import datetime

import pytest

from fupin.core.indicators import Period, compute
from fupin.followups.tests.factories import make_current_plan as make_plan
from fupin.followups.tests.factories import make_current_visit as make_visit
from fupin.followups.tests.factories import make_need

pytestmark = pytest.mark.django_db
D = datetime.date


def test_figures_from_the_records(demo_users):
    a = demo_users["village_a"].scope_code
    v1 = make_visit(area_code=a, visited_on=D(2021, 11, 20), due_on=D(2021, 11, 25), on_time=True)
    make_visit(person=v1.person, visited_on=D(2021, 12, 10), due_on=D(2021, 12, 5),
               on_time=False)
    make_visit(area_code=a, visited_on=D(2021, 3, 1), due_on=D(2021, 3, 1), on_time=True)
    make_visit(area_code=a, visited_on=D(2020, 12, 1), due_on=D(2021, 1, 1), on_time=True)
    make_plan(area_code=a, due_on=D(2021, 12, 1))
    make_plan(area_code=a, due_on=D(2022, 6, 1))
    make_need(area_code=a, raised_on=D(2021, 5, 1))
    make_need(area_code=a, raised_on=D(2021, 5, 1), status="met", closed_on=D(2021, 6, 1))
    make_need(area_code=a, raised_on=D(2020, 5, 1), status="unmet", closed_on=D(2021, 6, 1))
    f = compute(area=a, period=Period(2021), keys=[
        "followup_visits", "followup_visits_due", "followup_on_time", "followup_on_time_rate",
        "followup_overdue", "followup_visited_quarter", "followup_needs_raised",
        "followup_needs_met"])[a]
    assert f["followup_visits"] == 3  # the 2020 visit is not in 2021
    assert f["followup_visits_due"] == 4 and f["followup_on_time"] == 3
    assert float(f["followup_on_time_rate"]) == 75.0
    assert f["followup_visited_quarter"] == 1  # one person, twice in the last quarter
    assert f["followup_needs_raised"] == 2 and f["followup_needs_met"] == 1
    assert f["followup_overdue"] == 1  # due before the as-of day (31 Dec)
