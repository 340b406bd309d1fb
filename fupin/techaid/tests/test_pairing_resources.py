"""Pairings and service visits on the shared Resource test bases (core/testing/resources.py).
Declared here and imported by tests/test_resource_views.py, where the meta-test looks."""

from fupin.core.testing.resources import ResourceTests
from fupin.registry.tests.factories import make_household
from fupin.techaid.resources.pairing import pairings, service_visit_resource
from fupin.techaid.tests.factories_catalog import (
    make_household_industry,
    make_industry,
    make_technician,
)
from fupin.techaid.tests.factories_pairing import make_pairing


def _household(area, **kw):
    return make_household(area_code=area if len(area) == 12 else area + "001", **kw)


def _paired_world(area):
    industry = make_industry("茶叶")
    household = _household(area)
    make_household_industry(household=household, industry=industry)
    technician = make_technician(area_code=area[:9], industries=[industry], name="王技术员")
    return household, industry, technician


class TestPairingViews(ResourceTests):
    resource = pairings
    actor, outsider = "lizhou_township", "technician"

    def create_data(self, area):
        household, industry, technician = _paired_world(area)
        return {"household": household.number, "industry": industry.pk,
                "technician": technician.pk, "started_on": "2017-03-01",
                "note": "同村、茶叶技术员"}

    def update_data(self, obj):
        return {"started_on": "2017-03-02", "note": "改为三月二日结对"}

    def api_create_data(self, area):
        household, industry, technician = _paired_world(area)
        return {"household": household.pk, "industry": industry.pk,
                "technician": technician.pk, "started_on": "2017-03-01"}

    def api_update_data(self, obj):
        return {"note": "补记"}

    def import_rows(self, area):
        household, industry, technician = _paired_world(area)
        technician.name = "赵技术员"
        technician.save()
        return [{"household_number": household.number, "industry": "茶叶",
                 "technician": "赵技术员", "started_on": "2017-03-01", "note": "导入"}]


class TestServiceVisitViews(ResourceTests):
    resource = service_visit_resource
    actor, outsider = "lizhou_township", "technician"

    def create_data(self, area):
        pairing = make_pairing(household=_household(area))
        return {"household": pairing.household.number, "technician": pairing.technician.pk,
                "visited_on": "2017-06-01", "notes": "指导茶园修剪"}

    def update_data(self, obj):
        return {"visited_on": "2017-06-02", "notes": "指导施肥"}

    def api_create_data(self, area):
        pairing = make_pairing(household=_household(area))
        return {"household": pairing.household.pk, "technician": pairing.technician.pk,
                "visited_on": "2017-06-01", "notes": "电话指导"}

    def api_update_data(self, obj):
        return {"notes": "补记"}

    def import_rows(self, area):
        pairing = make_pairing(household=_household(area))
        pairing.technician.name = "钱技术员"
        pairing.technician.save()
        return [{"household_number": pairing.household.number, "technician": "钱技术员",
                 "visited_on": "2017-06-01", "notes": "入户指导"}]
