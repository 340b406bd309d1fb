"""The course plan names its township by name at every scope level that plans courses
(issue 8 item 1): full or short names, with or without the county."""

import pytest

from fupin.registry.tests.test_import import xlsx
from fupin.training.imports import courses_import
from fupin.training.models import Course
from fupin.training.tests.test_import import COURSE_HEADER, course_row, run

DONGBA = "510802001"


def plan(**names):
    return course_row(name="2017年电焊工培训班第1期", kind="职业技能",
                      provider="广元市就业培训中心", start_date="2017-03-06",
                      end_date="2017-03-20", place="镇便民服务中心", capacity=40, **names)


@pytest.mark.parametrize("level", ["township", "county", "city"])
@pytest.mark.parametrize("names", [
    {"township": "东坝街道"}, {"township": "东坝"}, {"county": "利州区", "township": "东坝"},
    {"township": "利州区东坝街道"}, {"township": "东坝街道办事处"},
], ids=["full", "short", "county", "county-run-in", "longer"])
def test_courses_by_township_names_at_every_scope_level(scope_users, level, names):
    report = run(scope_users[level], xlsx([COURSE_HEADER, plan(**names)]), spec=courses_import)
    assert report.ok, report.errors
    assert list(Course.objects.values_list("area_code", flat=True)) == [DONGBA]


def test_a_village_worker_plans_no_course_and_another_township_is_outside(scope_users,
                                                                         demo_users):
    report = run(scope_users["village"], xlsx([COURSE_HEADER, plan(township="东坝街道")]),
                 spec=courses_import)
    assert not report.ok and any("无权" in e.message for e in report.errors)
    report = run(demo_users["wangcang_county"], xlsx([COURSE_HEADER, plan(township="东坝街道")]),
                 spec=courses_import)
    assert not report.ok and "不在您的管辖范围内" in report.errors[0].message
    assert not Course.objects.exists()
