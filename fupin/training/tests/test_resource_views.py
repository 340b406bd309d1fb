"""Courses and enrolments on the shared test bases (core/testing/resources.py). The data is
kept to what any course or enrolment has (name, dates, capacity, days attended): the rules
of the training lists are tested in test_services.py and test_views.py."""

import datetime

from django.utils import timezone

from fupin.core.testing.resources import ResourceTests
from fupin.training.resources import courses, enrolments
from fupin.training.tests.factories import make_course, make_trainee


def _day(n: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=n)).isoformat()


class TestCourseViews(ResourceTests):
    resource = courses
    # courses are planned by townships; the technician's township lies in another county
    actor, outsider = "lizhou_township", "technician"

    def create_data(self, area):
        return {"area_code": area, "name": "2017年月嫂培训班", "kind": "01",
                "provider": "广元市家政培训学校", "place": "镇便民服务中心",
                "start_date": _day(2), "end_date": _day(9), "capacity": "40",
                "subsidy_per_person": "1200"}

    def update_data(self, obj):
        return {**self.create_data(obj.area_code), "name": "2017年月嫂培训班（二期）",
                "capacity": "45"}

    def api_update_data(self, obj):
        return {"capacity": 25}

    def import_rows(self, area):
        return [{"area_code": area, "name": "2017年厨师培训班", "kind": "职业技能",
                 "provider": "广元市就业培训中心", "start_date": "2017-03-06",
                 "end_date": "2017-03-20", "place": "便民服务中心", "capacity": "30"}]


class TestEnrolmentViews(ResourceTests):
    resource = enrolments

    def _course_and_person(self, area):
        return make_course(area_code=area[:9]), make_trainee(area_code=area, name="赵六")

    def create_data(self, area):
        course, person = self._course_and_person(area)
        return {"course": course.pk, "person": person.reveal("id_number")}

    def update_data(self, obj):
        return {"status": obj.status, "days_attended": "3"}

    def api_create_data(self, area):
        course, person = self._course_and_person(area)
        return {"course": course.pk, "person": person.pk}

    def api_update_data(self, obj):
        return {"days_attended": 3}

    def import_rows(self, area):
        course, person = self._course_and_person(area)
        return [{"course_id": course.pk, "name": person.name,
                 "id_number": person.reveal("id_number")}]
