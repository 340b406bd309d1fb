"""The Sample resource on the shared test bases (core/testing/resources.py)."""

from fupin.core.testing.resources import ResourceTests
from tests.scopedapp.resources import samples, tickets


class TestSampleViews(ResourceTests):
    resource = samples

    def create_data(self, area):
        return {"name": "甲", "note": "", "area_code": area}

    def update_data(self, obj):
        return {"name": "甲二", "note": "备注", "area_code": obj.area_code}

    def api_update_data(self, obj):
        return {"name": "丙"}


class TestTicketViews(ResourceTests):
    """A record with a workflow: its status is not a form field, so the bases edit the rest."""

    resource = tickets

    def create_data(self, area):
        return {"name": "工单甲", "note": "", "amount": "5", "area_code": area}

    def update_data(self, obj):
        return {"name": "工单乙", "note": "备注", "amount": "7", "area_code": obj.area_code}

    def api_update_data(self, obj):
        return {"name": "工单丙"}
