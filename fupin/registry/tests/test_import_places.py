"""The person roster names its villages by name at every scope level (issue 8 item 1): a
village worker imports her own village's roster by township and village names, as a township,
a county and a city do, with full or short names and with or without the county."""

import pytest

from fupin.registry.models import Household, Person
from fupin.registry.tests.test_import import HEADER, KEY, family, run, xlsx

CHENJIAHAO = "510802001002"  # village_b's village: 利州区 东坝街道 陈家壕社区居民委员会

SPELLINGS = [
    {"township": "东坝街道", "village": "陈家壕社区居民委员会"},
    {"township": "东坝", "village": "陈家壕社区"},
    {"county": "利州区", "township": "东坝街道", "village": "陈家壕社区"},
    {"township": "利州区东坝街道", "village": "陈家壕社区居民委员会"},
]


def named(rows, names):
    for row in rows:
        row[KEY["area_code"]] = ""
        for key, value in names.items():
            row[KEY[key]] = value
    return rows


@pytest.mark.parametrize("level", ["village", "township", "county", "city"])
@pytest.mark.parametrize("names", SPELLINGS, ids=["full", "short", "county", "county-run-in"])
def test_roster_by_names_imports_at_every_scope_level(scope_users, level, names):
    actor = scope_users[level]
    report = run(actor, xlsx([HEADER, *named(family(CHENJIAHAO), names)]))
    assert report.ok, report.errors
    assert set(Person.objects.values_list("area_code", flat=True)) == {CHENJIAHAO}


def test_county_column_by_its_national_header(scope_users):
    header = ["县(市、区、旗)" if h == "区县" else h for h in HEADER]
    assert header != HEADER
    rows = named(family(CHENJIAHAO), {"county": "利州区", "township": "东坝",
                                      "village": "陈家壕社区"})
    assert run(scope_users["city"], xlsx([header, *rows])).ok


def test_another_village_by_names_is_outside_the_scope(demo_users):
    actor = demo_users["village_a"]
    rows = named(family(CHENJIAHAO), SPELLINGS[0])
    report = run(actor, xlsx([HEADER, *rows]))
    assert not report.ok
    assert all("不在您的管辖范围内" in e.message for e in report.errors if e.column == "村")
    assert not Person.objects.exists() and not Household.objects.exists()
