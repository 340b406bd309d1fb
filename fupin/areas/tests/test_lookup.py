"""Places by name at every scope level (areas/lookup.py): the names rosters carry — full or
short, with or without township and county, in columns or run together — resolve the same for
a village worker, a township, a county and a city; names outside the scope say so."""

import pytest

from fupin.areas.lookup import name_variants, township_index, village_index
from fupin.areas.models import Area

CHENJIAHAO = "510802001002"  # 利州区 东坝街道 陈家壕社区居民委员会
DONGBA = "510802001"

# the four scope levels that import (DESIGN §1), each holding 陈家壕社区
SCOPES = {"village": CHENJIAHAO, "township": DONGBA, "county": "510802", "city": "5108"}


@pytest.fixture
def tree(areas):
    """Two villages of one name in two townships of two counties, and a 村民委员会."""
    Area.objects.create(code="510802001003", name="三颗村村民委员会", level="village",
                        parent_id=DONGBA)
    Area.objects.create(code="510802001004", name="新华村村民委员会", level="village",
                        parent_id=DONGBA)
    Area.objects.create(code="510821100003", name="新华村村民委员会", level="village",
                        parent_id="510821100")
    Area.objects.create(code="510821100004", name="东河村村民委员会", level="village",
                        parent_id="510821100")
    Area.objects.create(code="510821101003", name="东河村村民委员会", level="village",
                        parent_id="510821101")


def test_name_variants_of_official_names():
    assert name_variants("三颗村村民委员会") >= {"三颗村村民委员会", "三颗村", "三颗"}
    assert name_variants("陈家壕社区居民委员会") >= {"陈家壕社区", "陈家壕"}
    assert name_variants("东坝街道") >= {"东坝街道", "东坝"}
    assert name_variants("利州区") >= {"利州区", "利州"}
    assert "" not in name_variants("居民委员会")


@pytest.mark.parametrize("level", list(SCOPES))
@pytest.mark.parametrize("names", [
    {"township": "东坝街道", "village": "陈家壕社区居民委员会"},
    {"township": "东坝", "village": "陈家壕社区"},
    {"village": "陈家壕社区"},
    {"village": "陈家壕"},
    {"county": "利州区", "township": "东坝街道", "village": "陈家壕社区居民委员会"},
    {"county": "利州", "township": "东坝", "village": "陈家壕社区"},
    {"township": "利州区东坝街道", "village": "陈家壕社区"},
    {"township": "利州区 东坝街道", "village": "陈家壕社区"},
    {"village": "东坝街道陈家壕社区"},
    {"township": "东坝街道", "village": "东坝街道陈家壕社区居民委员会"},
    {"village": "四川省广元市利州区东坝街道陈家壕社区居民委员会"},
    {"village": CHENJIAHAO},
    {"code": CHENJIAHAO},
])
def test_a_village_resolves_by_its_names_at_every_scope_level(tree, level, names):
    code, message = village_index(SCOPES[level]).resolve(**names)
    assert (code, message) == (CHENJIAHAO, None)


@pytest.mark.parametrize("level", ["township", "county", "city"])
def test_short_names_of_a_village_committee(tree, level):
    index = village_index(SCOPES[level])
    assert index.resolve(township="东坝", village="三颗村") == ("510802001003", None)
    assert index.resolve(village="三颗村村民委员会") == ("510802001003", None)


def test_same_name_in_two_counties_is_ambiguous_until_township_or_county_given(tree):
    index = village_index("5108")
    code, message = index.resolve(village="新华村")
    assert code is None and "重名" in message and "东坝街道" in message and "东河镇" in message
    assert index.resolve(township="东坝街道", village="新华村")[0] == "510802001004"
    assert index.resolve(county="旺苍县", village="新华村")[0] == "510821100003"
    assert index.resolve(village="旺苍县新华村村民委员会")[0] == "510821100003"
    # the county scope sees one of them only
    assert village_index("510802").resolve(village="新华村")[0] == "510802001004"


@pytest.mark.parametrize("scope", ["510802001001", "510802002", "510821"])
def test_a_village_outside_the_scope_says_so(tree, scope):
    code, message = village_index(scope).resolve(township="东坝街道",
                                                 village="陈家壕社区居民委员会")
    assert code is None
    assert "不在您的管辖范围内" in message and "利州区 东坝街道 陈家壕社区居民委员会" in message


def test_not_found_wrong_ancestor_and_wrong_codes(tree):
    index = village_index("5108")
    assert "找不到" in index.resolve(village="火星村")[1]
    assert "找不到" in index.resolve(county="旺苍县", township="东坝街道", village="陈家壕社区")[1]
    assert "找不到" in index.resolve(township="嘉陵街道", village="陈家壕社区")[1]
    assert "不存在" in index.resolve(code="510802001999")[1]
    assert "是乡镇" in index.resolve(code=DONGBA)[1]
    assert "不是您管辖范围内的村" in village_index("510821").resolve(code=CHENJIAHAO)[1]
    assert "请填写村名" in index.resolve(township="东坝街道")[1]


@pytest.mark.parametrize("scope", ["510802001", "510802", "5108", ""])
@pytest.mark.parametrize("names", [
    {"township": "东坝街道"}, {"township": "东坝"}, {"township": "东坝街道办事处"},
    {"county": "利州区", "township": "东坝街道"}, {"township": "利州区东坝街道"},
    {"township": DONGBA}, {"code": DONGBA},
])
def test_a_township_resolves_by_its_names_at_every_scope_level(tree, scope, names):
    assert township_index(scope).resolve(**names) == (DONGBA, None)


def test_a_township_outside_the_scope_or_of_a_village_worker(tree):
    for scope in (CHENJIAHAO, "510821"):
        code, message = township_index(scope).resolve(township="东坝街道")
        assert code is None and "不在您的管辖范围内" in message
    assert "是村" in township_index("5108").resolve(code=CHENJIAHAO)[1]


def test_a_village_named_like_its_township(tree):
    index = village_index("510821")
    assert index.resolve(township="东河", village="东河村") == ("510821100004", None)
    assert index.resolve(township="嘉川", village="东河村") == ("510821101003", None)
    assert "重名" in index.resolve(village="东河村")[1]
