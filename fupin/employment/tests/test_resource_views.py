"""The employment lists on the shared test bases (core/testing/resources.py): each class
declares the data of a valid form; the bases test list, detail, history, create, edit,
retire, restore, export, import and API."""

from fupin.core.testing.resources import ResourceTests
from fupin.employment.resources import employments, placements, posts, ventures
from fupin.employment.tests.factories import make_post
from fupin.registry.tests.factories import make_person


def _person(area):
    return make_person(area_code=area, name="赵六")


def _row(person) -> dict:
    return {"id_number": person.reveal("id_number"), "name": person.name}


class TestEmploymentViews(ResourceTests):
    resource = employments

    def create_data(self, area):
        return {"person": _person(area).reveal("id_number"), "employer": "广元某物流公司",
                "place": "03", "industry": "物流", "start_date": "2017-04-01",
                "monthly_income": "3200", "channel": "referral", "contract": "on"}

    def update_data(self, obj):
        return {"person": obj.person.id_number_masked, "employer": obj.employer,
                "place": "02", "start_date": "2017-03-01", "end_date": "2017-12-31"}

    def api_create_data(self, area):
        return {"person": _person(area).pk, "employer": "某电子厂", "place": "04",
                "start_date": "2017-03-01", "monthly_income": 3800, "channel": "job_fair"}

    def api_update_data(self, obj):
        return {"monthly_income": 4000}

    def import_rows(self, area):
        return [{**_row(_person(area)), "employer": "广元某建筑公司", "place": "省外",
                 "start_date": "2017-03-01"}]


class TestVentureViews(ResourceTests):
    resource = ventures

    def create_data(self, area):
        return {"person": _person(area).reveal("id_number"), "business": "钱七茶园",
                "start_date": "2017-05-01", "employees": "4", "poor_employees": "2",
                "loan_amount": "50000", "loan_bank": "广元市商业银行",
                "loan_start": "2017-05-10", "loan_end": "2019-05-09"}

    def update_data(self, obj):
        return {"person": obj.person.id_number_masked, "business": obj.business,
                "start_date": "2017-03-01", "employees": "5", "poor_employees": "1"}

    def api_create_data(self, area):
        return {"person": _person(area).pk, "business": "某店", "start_date": "2017-03-01"}

    def api_update_data(self, obj):
        return {"employees": 6}

    def import_rows(self, area):
        return [{**_row(_person(area)), "business": "养殖场", "start_date": "2017-03-01"}]


class TestWelfarePostViews(ResourceTests):
    resource = posts

    def create_data(self, area):
        return {"area_code": area, "name": "水管员", "kind": "04", "monthly_pay": "600",
                "established": "2017-01-01"}

    def update_data(self, obj):
        return {"area_code": obj.area_code, "name": obj.name, "kind": obj.kind,
                "monthly_pay": "700", "established": "2017-02-01"}

    def api_update_data(self, obj):
        return {"monthly_pay": 650}

    def import_rows(self, area):
        return [{"area_code": area, "name": "护林员", "kind": "护林员", "monthly_pay": "500",
                 "established": "2017-01-01"}]


class TestPlacementViews(ResourceTests):
    resource = placements

    def create_data(self, area):
        return {"post": make_post(area_code=area).pk,
                "person": _person(area).reveal("id_number"), "start_date": "2017-03-01"}

    def update_data(self, obj):
        return {"post": obj.post_id, "person": obj.person.id_number_masked,
                "start_date": f"{obj.start_date:%Y-%m-%d}", "end_date": "2017-12-31"}

    def api_create_data(self, area):
        return {"post": make_post(area_code=area).pk, "person": _person(area).pk,
                "start_date": "2017-03-01"}

    def api_update_data(self, obj):
        return {"end_date": "2017-12-31"}

    def import_rows(self, area):
        return [{**_row(_person(area)), "post_id": make_post(area_code=area).pk,
                 "start_date": "2017-03-01"}]
