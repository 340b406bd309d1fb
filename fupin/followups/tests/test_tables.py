"""The per-area tables (tables.py): figures computed from the records, by child area."""

import datetime

import pytest
from django.utils import timezone

from fupin.followups import tables
from fupin.followups.tests.factories import make_current_plan as make_plan
from fupin.followups.tests.factories import make_current_visit as make_visit
from fupin.followups.tests.factories import make_need

pytestmark = pytest.mark.django_db


def test_village_table_counts_per_village(demo_users):
    on = timezone.localdate()
    a, b = demo_users["village_a"].scope_code, demo_users["village_b"].scope_code
    township = demo_users["lizhou_township"].scope_code
    make_plan(area_code=a, due_on=on - datetime.timedelta(days=3))
    make_plan(area_code=a, due_on=on)
    make_plan(area_code=b, due_on=on + datetime.timedelta(days=400))
    make_plan(area_code=a, due_on=on - datetime.timedelta(days=3), retired_at=timezone.now())
    make_visit(area_code=a, due_on=on - datetime.timedelta(days=10), on_time=True)
    make_visit(area_code=a, due_on=on - datetime.timedelta(days=10), on_time=False)
    make_visit(area_code=a, due_on=on - datetime.timedelta(days=10), on_time=True)
    make_visit(area_code=a, due_on=on - datetime.timedelta(days=200), on_time=False)  # too old
    make_need(area_code=a)
    make_need(area_code=a, status="met")
    rows = {r["code"]: r for r in tables.village_table(user=demo_users["lizhou_township"],
                                                       area=township, on=on)}
    ra, rb = rows[a], rows[b]
    assert (ra["plans"], ra["overdue"], ra["due_window"]) == (2, 1, 1)
    assert (ra["visits"], ra["on_time"], ra["on_time_rate"]) == (3, 2, 66.7)
    assert ra["needs_open"] == 1
    assert (rb["plans"], rb["overdue"], rb["due_window"], rb["on_time_rate"]) == (1, 0, 0, None)


def test_township_table_groups_by_township_and_respects_scope(demo_users):
    on = timezone.localdate()
    a = demo_users["village_a"].scope_code
    make_plan(area_code=a, due_on=on - datetime.timedelta(days=1))
    county = a[:6]
    rows = {r["code"]: r for r in tables.township_table(user=demo_users["lizhou_county"],
                                                        area=county, on=on)}
    assert rows[a[:9]]["plans"] == 1 and rows[a[:9]]["overdue"] == 1
    # a village worker of another village sees none of it
    rows = tables.village_table(user=demo_users["village_b"], area=a[:9], on=on)
    assert all(r["plans"] == 0 for r in rows)


def test_the_table_is_a_fixed_number_of_queries(demo_users, django_assert_max_num_queries):
    township = demo_users["lizhou_township"].scope_code
    for _i in range(5):
        make_plan(area_code=demo_users["village_a"].scope_code)
    with django_assert_max_num_queries(6):
        tables.village_table(user=demo_users["lizhou_township"], area=township)


def test_the_areas_page_and_the_needs_list(client, demo_users):
    from django.urls import reverse

    make_need(area_code=demo_users["village_a"].scope_code)
    client.force_login(demo_users["lizhou_township"])
    r = client.get(reverse("followups:areas"))
    assert r.status_code == 200 and b"areas-table" in r.content
    r = client.get(reverse("followups:need_list") + "?status=raised")
    assert r.status_code == 200
    r = client.get(reverse("followups:areas") + "?area=99")
    assert r.status_code == 404


def _chart_of(page) -> dict:
    import json
    import re

    found = re.search(r'<script id="followups-areas-data" type="application/json">(.*?)</script>',
                      page, re.S)
    assert found, "the chart's data is in the page"
    return json.loads(found.group(1))


@pytest.mark.parametrize("who", ["lizhou_township", "lizhou_county"])
def test_the_areas_chart_is_the_tables_rows(client, demo_users, who):
    """The chart above the table: the same rows (one query set), per village for a township
    and per township for a county; names, rate and overdue as the table shows them."""
    from django.urls import reverse

    on = timezone.localdate()
    a = demo_users["village_a"].scope_code
    make_plan(area_code=a, due_on=on - datetime.timedelta(days=3))
    make_plan(area_code=a, due_on=on - datetime.timedelta(days=4))
    make_visit(area_code=a, due_on=on - datetime.timedelta(days=10), on_time=True)
    make_visit(area_code=a, due_on=on - datetime.timedelta(days=10), on_time=False)
    user = demo_users[who]
    client.force_login(user)
    page = client.get(reverse("followups:areas")).content.decode()
    chart = _chart_of(page)
    rows = tables.table_for(user=user, area=user.scope_code, on=on)
    assert chart["codes"] == [r["code"] for r in rows] and len(rows) > 1
    assert chart["names"] == [r["name"] for r in rows]
    assert all(r["name"].startswith(short.removesuffix("村"))
               for r, short in zip(rows, chart["short_names"], strict=True))
    assert chart["on_time_rate"] == [r["on_time_rate"] for r in rows]
    assert chart["overdue"] == [r["overdue"] for r in rows]
    mine = chart["codes"].index(a[:len(rows[0]["code"])])
    assert (chart["overdue"][mine], chart["on_time_rate"][mine]) == (2, 50.0)
    assert None in chart["on_time_rate"]  # an area without visits: no bar, as the table's —
    assert chart["labels"]["on_time_rate"] == "按时率（%）"
    assert 'data-testid="areas-chart"' in page and "echarts.min.js" in page
    assert ("各村" if who == "lizhou_township" else "各乡镇") in page

