"""The registry's lists on the shared test bases (core/testing/resources.py): each class
declares the data of a valid form; the bases test list, detail, history, create, edit,
retire, restore, export, import and API."""

from fupin.core.testing.resources import ResourceTests
from fupin.registry.resources import households, national_reports, persons
from fupin.registry.tests.factories import fake_id, make_household, make_person


class TestHouseholdViews(ResourceTests):
    resource = households

    def create_data(self, area):
        return {"area_code": area, "identified_year": "2015", "poverty_cause": "01"}

    def update_data(self, obj):
        return {"area_code": obj.area_code, "number": obj.number, "identified_year": "2016",
                "poverty_cause": "02", "hamlet": "三组"}

    def api_update_data(self, obj):
        return {"hamlet": "三组", "identified_year": 2016}


class TestPersonViews(ResourceTests):
    resource = persons

    def create_data(self, area):
        household = make_household(area_code=area)
        return {"household_number": household.number, "name": "赵六", "id_number": fake_id(),
                "relation": "01", "labour_capacity": "01", "phone": "139 1234 5678",
                "wants_training": "true", "training_wish": "02"}

    def update_data(self, obj):
        return {"household_number": obj.household.number, "name": "新名字",
                "relation": obj.relation, "labour_capacity": "02", "skills": "电焊"}

    def api_create_data(self, area):
        household = make_household(area_code=area)
        return {"household": household.pk, "name": "王五", "id_number": fake_id(),
                "relation": "01", "labour_capacity": "01", "phone": "13912345678"}

    def api_update_data(self, obj):
        return {"skills": "厨师"}

    def import_rows(self, area):
        head = make_person(area_code=area, name="李四")
        return [{"area_code": area, "household_number": head.household.number,
                 "name": "张小花", "id_number": fake_id(male=False), "relation": "之女",
                 "labour_capacity": "普通劳动力"}]


class TestNationalReportViews(ResourceTests):
    """Written by the person import only (registry/imports.py): every page and API write is
    refused."""

    resource = national_reports
    read_only = True
