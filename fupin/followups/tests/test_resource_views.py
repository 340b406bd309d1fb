"""The follow-up lists on the shared test bases (core/testing/resources.py), one class per part."""

from fupin.core.testing.resources import ResourceTests
from fupin.registry.tests.factories import make_person

from ..resources.needs import needs
from . import factories  # noqa: F401  (registers the factories)


class TestNeedViews(ResourceTests):
    resource = needs

    def create_data(self, area):
        person = make_person(area_code=area, name="钱七")
        return {"person": person.reveal("id_number"), "kind": "funds",
                "note": "想扩大养殖规模", "raised_on": "2017-03-06"}

    def update_data(self, obj):
        return {"kind": "technology", "note": "需要养殖技术指导", "raised_on": "2017-03-07"}

    def api_create_data(self, area):
        return {"person": make_person(area_code=area).pk, "kind": "funds",
                "raised_on": "2017-03-06"}

    def api_update_data(self, obj):
        return {"note": "需要技术指导"}
