"""The monthly ranking (issue 11 item 5): a county's townships (the city's counties) ranked for
one month by valid answers, with the solved rate and the median answer time; the page, its
export and the API; scope, and bad months refused in Chinese."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest

from fupin.areas.models import Area
from fupin.core.models import AccessLog
from fupin.core.testing.fixtures import TEST_PASSWORD
from fupin.techaid import ranking as rk
from fupin.techaid.models import Consultation
from fupin.techaid.tests.factories_figures import fig_at, fig_consultation

pytestmark = pytest.mark.django_db
D = datetime.date
S = Consultation.Status


def world():
    """Township A (two villages) and township B of Wangcang, consultations of June 2017."""
    villages = sorted(Area.objects.filter(code__startswith="510821", level="village")
                      .values_list("code", flat=True))
    a1, a2, b1 = villages[0], villages[1], villages[2]
    # A: 3 answered in June (2, 6, 8 h): one solved, one unsolved (not valid), one waiting
    fig_consultation(area_code=a1, raised=fig_at(D(2017, 6, 2)), status=S.SOLVED,
                     answer_hours=2, closed_days=1, rating=5)
    fig_consultation(area_code=a2, raised=fig_at(D(2017, 6, 3)), status=S.UNSOLVED,
                     answer_hours=6, closed_days=1, rating=2)
    fig_consultation(area_code=a2, raised=fig_at(D(2017, 6, 4)), status=S.ANSWERED,
                     answer_hours=8)
    # A in May: not this month's
    fig_consultation(area_code=a1, raised=fig_at(D(2017, 5, 2)), status=S.SOLVED,
                     answer_hours=1, closed_days=1, rating=5)
    # B: 2 valid in June (3 h and 30 h), both solved
    fig_consultation(area_code=b1, raised=fig_at(D(2017, 6, 5)), status=S.SOLVED,
                     answer_hours=3, closed_days=2, rating=4)
    fig_consultation(area_code=b1, raised=fig_at(D(2017, 6, 6)), status=S.SOLVED,
                     answer_hours=30, closed_days=2, rating=4)
    return a1[:9], b1[:9]


def test_townships_ranked_by_valid_answers_of_the_month(demo_users):
    a, b = world()
    table = rk.ranking(user=demo_users["wangcang_county"], area="510821", year=2017, month=6)
    rows = {r["code"]: r for r in table["rows"]}
    assert set(rows) == {a, b}
    va, vb = rows[a]["values"], rows[b]["values"]
    # equal on valid answers (2 each): one rank, B first on the solved rate (100 % vs 50 %)
    assert va["techaid_answered_valid"] == vb["techaid_answered_valid"] == 2
    assert [r["code"] for r in table["rows"]] == [b, a]
    assert rows[a]["rank"] == rows[b]["rank"] == 1
    assert va["techaid_answered"] == 3 and va["techaid_raised"] == 3  # May's not counted
    assert va["techaid_solved_rate"] == Decimal("50.0") and va["techaid_answer_hours"] == 6
    assert vb["techaid_answer_hours"] == Decimal("16.5")  # median of 3 and 30
    assert table["total"]["techaid_answered_valid"] == 4
    assert table["total"]["techaid_answer_hours"] == Decimal("6.0")  # 2, 3, 6, 8, 30
    may = rk.ranking(user=demo_users["wangcang_county"], area="510821", year=2017, month=5)
    first = may["rows"][0]
    assert first["code"] == a and first["rank"] == 1 and first["values"][
        "techaid_answered_valid"] == 1
    assert may["rows"][1]["rank"] == 2 and may["rows"][1]["values"]["techaid_answer_hours"] \
        is None


def test_an_empty_month_ranks_everyone_equal_with_zeros(demo_users):
    world()
    table = rk.ranking(user=demo_users["wangcang_county"], area="510821", year=2016, month=2)
    assert [r["rank"] for r in table["rows"]] == [1, 1]
    assert all(r["values"]["techaid_answered_valid"] == 0
               and r["values"]["techaid_solved_rate"] is None for r in table["rows"])


def test_the_city_ranks_its_counties(demo_users):
    world()
    table = rk.ranking(user=demo_users["admin"], area="5108", year=2017, month=6)
    codes = [r["code"] for r in table["rows"]]
    assert codes[0] == "510821" and "510802" in codes
    assert table["rows"][0]["values"]["techaid_answered_valid"] == 4


def test_a_technician_sees_the_villages_of_their_township_only(demo_users):
    a, _b = world()
    tech = demo_users["technician"]
    assert tech.scope_code == a
    table = rk.ranking(user=tech, area=a, year=2017, month=6)
    assert {r["code"][:9] for r in table["rows"]} == {a} and len(table["rows"]) == 2


def test_page_export_and_api(client, demo_users):
    world()
    client.login(username="wangcang_county", password=TEST_PASSWORD)
    page = client.get("/techaid/ranking/?month=2017-06")
    assert page.status_code == 200
    text = page.content.decode()
    assert "有效答复" in text and "提出人未确认为“未解决”" in text and 'id="chart-ranking"' in text
    # without a month: the latest month with an answer (June 2017)
    assert 'value="2017-06"' in client.get("/techaid/ranking/").content.decode()
    bad = client.get("/techaid/ranking/?month=2017-13")
    assert bad.status_code == 200 and "月份格式不正确" in bad.content.decode()
    assert client.get("/techaid/ranking/?area=510802").status_code == 404  # not their county

    export = client.get("/techaid/ranking/?month=2017-06&format=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    assert sheet.cell(5, 1).value == 1 and sheet.cell(5, 4).value == 2
    assert AccessLog.objects.filter(model="techaid_ranking", action="export").exists()

    api = client.get("/api/v1/techaid/ranking/?month=2017-06")
    assert api.status_code == 200
    body = api.json()
    assert body["month"] == "2017-06" and body["rows"][0]["values"]["techaid_solved_rate"] == 100
    assert body["total"]["techaid_answered_valid"] == 4
    refused = client.get("/api/v1/techaid/ranking/?month=june")
    assert refused.status_code == 400 and "月份格式不正确" in str(refused.json())
    assert client.get("/api/v1/techaid/ranking/?month=2017-06&area=510802").status_code == 404
    # as the page, without a month: the latest month with an answer
    assert client.get("/api/v1/techaid/ranking/").json()["month"] == "2017-06"


def test_month_parsing():
    from fupin.techaid.views.figures import parse_month

    assert parse_month("2017-06") == (2017, 6) == parse_month("2017年6月")
    assert parse_month("2017/6") == (2017, 6)
    for bad in ("", "2017", "2017-00", "1999-01", "abc", "2017-06-01", "99999999999999999-1"):
        assert parse_month(bad) is None
