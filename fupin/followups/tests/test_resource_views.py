"""The follow-up lists on the shared test bases (core/testing/resources.py)."""

from fupin.core.testing.resources import ResourceTests
from fupin.followups.resources import plans
from fupin.followups.resources.needs import needs
from fupin.followups.resources.visits import visits
from fupin.followups.tests import factories  # noqa: F401  (registers the Visit factory)
from fupin.registry.tests.factories import make_person


class TestVisitViews(ResourceTests):
    resource = visits

    def create_data(self, area):
        return {"person": make_person(area_code=area, name="赵六").reveal("id_number"),
                "visited_on": "2017-06-01", "method": "home", "findings": "在家"}

    def update_data(self, obj):
        return {"person": obj.person.id_number_masked, "visited_on": "2017-06-02",
                "method": "phone", "findings": "电话回访"}

    def api_create_data(self, area):
        return {"person": make_person(area_code=area).pk, "visited_on": "2017-06-01",
                "method": "phone", "findings": "电话"}

    def api_update_data(self, obj):
        return {"findings": "改"}

    def import_rows(self, area):
        p = make_person(area_code=area, name="钱七")
        return [{"id_number": p.reveal("id_number"), "name": p.name,
                 "visited_on": "2017-06-01", "method": "入户", "findings": "在家",
                 "need_kind": "资金", "need_note": "想养牛"}]


class TestPlanViews(ResourceTests):
    """Derived by plans.py: every page and API write is refused."""

    resource = plans
    read_only = True


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
