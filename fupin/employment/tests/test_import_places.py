"""The employment lists name a post's village by name at every scope level (issue 8 item 1):
the welfare-post ledger by (county,) township and village names, placements by the post's
village, for a village worker as for a township, a county and a city."""

import pytest

from fupin.employment.imports import placements_import, posts_import
from fupin.employment.models import Placement, WelfarePost
from fupin.employment.tests.factories import make_post
from fupin.employment.tests.test_import import row, run, sheet
from fupin.registry.tests.factories import make_person

CHENJIAHAO = "510802001002"  # village_b's village

SPELLINGS = [
    {"township": "东坝街道", "village": "陈家壕社区居民委员会"},
    {"township": "东坝", "village": "陈家壕社区"},
    {"county": "利州区", "village": "东坝街道陈家壕社区"},
    {"township": "利州区东坝街道", "village": "陈家壕"},
]
LEVELS = ["village", "township", "county", "city"]


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("names", SPELLINGS, ids=["full", "short", "county", "county-run-in"])
def test_posts_by_names_at_every_scope_level(scope_users, level, names):
    report = run(posts_import, scope_users[level], sheet(posts_import, row(
        posts_import, name="保洁员", kind="保洁", monthly_pay=500, established="2017-01-01",
        **names)))
    assert report.ok, report.errors
    assert list(WelfarePost.objects.values_list("area_code", flat=True)) == [CHENJIAHAO]


@pytest.mark.parametrize("level", LEVELS)
def test_placements_by_the_post_village_names_at_every_scope_level(scope_users, level):
    person = make_person(area_code=CHENJIAHAO)
    make_post(area_code=CHENJIAHAO, name="护林员")
    report = run(placements_import, scope_users[level], sheet(placements_import, row(
        placements_import, id_number=person.reveal("id_number"), name=person.name,
        post_name="护林员", post_township="东坝", post_village="陈家壕社区",
        start_date="2017-03-01")))
    assert report.ok, report.errors
    assert Placement.objects.get().post.name == "护林员"


def test_a_post_in_another_village_by_names_is_outside_the_scope(demo_users):
    report = run(posts_import, demo_users["village_a"], sheet(posts_import, row(
        posts_import, name="保洁员", kind="保洁", monthly_pay=500, established="2017-01-01",
        **SPELLINGS[0])))
    assert not report.ok and "不在您的管辖范围内" in report.errors[0].message
    assert not WelfarePost.objects.exists()
