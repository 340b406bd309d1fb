"""The consultation list and the on-site visits on the shared Resource test bases
(core/testing/resources.py); collected from here, declared to the meta-test through
test_resource_views.py."""

from fupin.core.testing.resources import ResourceTests
from fupin.techaid.resources.consultations import consultations, onsite_visits
from fupin.techaid.tests import factories  # noqa: F401  (registers the factories)
from fupin.techaid.tests.factories_catalog import make_industry


class TestConsultationViews(ResourceTests):
    resource = consultations

    def create_data(self, area):
        return {"area_code": area, "industry": make_industry("茶叶").pk, "title": "茶树叶片发黄",
                "description": "新梢叶片发黄", "urgency": "urgent"}

    def update_data(self, obj):
        return {"industry": obj.industry_id, "title": "茶树叶片发黄枯焦",
                "description": obj.description, "urgency": "critical"}

    def api_update_data(self, obj):
        return {"title": "茶园叶片发黄"}


class TestOnsiteVisitViews(ResourceTests):
    """Made by the consultation's 需面诊 step and completed on its own page: the Resource's
    pages and API write nothing."""

    resource = onsite_visits
    read_only = True
