"""The catalog part's Resources on the shared test bases (core/testing/resources.py)."""

from fupin.areas.models import Area
from fupin.core.testing.resources import ResourceTests
from fupin.registry.tests.factories import make_household
from fupin.techaid.resources.catalog import experts, groups, household_industries, technicians

from .factories_catalog import make_expert, make_industry, make_technician


def township_of(area: str) -> str:
    """A township under `area` (a county), or the area itself when it is one."""
    if len(area) >= 9:
        return area[:9]
    return Area.objects.filter(parent_id=area).order_by("code").values_list(
        "code", flat=True).first()


class TestHouseholdIndustryViews(ResourceTests):
    resource = household_industries

    def create_data(self, area):
        household = make_household(area_code=area)
        return {"household": household.number, "industry": make_industry("茶叶").pk,
                "main": "on", "scale": "茶园 5 亩"}

    def update_data(self, obj):
        return {"industry": obj.industry_id, "main": "", "scale": "茶园 8 亩"}

    def api_create_data(self, area):
        return {"household": make_household(area_code=area).pk,
                "industry": make_industry("核桃").pk, "main": True, "scale": "核桃 3 亩"}

    def api_update_data(self, obj):
        return {"scale": "茶园 10 亩"}

    def import_rows(self, area):
        make_industry("茶叶")
        household = make_household(area_code=area)
        return [{"household_number": household.number, "industry": "茶叶", "main": "是",
                 "scale": "茶园 5 亩"}]


class TestExpertViews(ResourceTests):
    resource = experts
    actor, outsider = "lizhou_county", "wangcang_county"

    def create_data(self, area):
        return {"area_code": area, "name": "王建国", "institution": "四川省农业科学院",
                "research_institute": "on", "title": "senior", "specialities": "茶树栽培",
                "industries": [make_industry("茶叶").pk], "phone": "13812345678"}

    def update_data(self, obj):
        return {**self.create_data(obj.area_code), "institution": "四川农业大学"}

    def api_create_data(self, area):
        return {"area_code": area, "name": "李秀英", "institution": "广元市农科院",
                "title": "middle", "phone": "13912345678"}  # industries: test_catalog_api

    def api_update_data(self, obj):
        return {"specialities": "核桃丰产栽培"}

    def import_rows(self, area):
        make_industry("茶叶")
        make_industry("核桃")
        return [{"name": "赵明", "institution": "四川省农业科学院茶叶研究所", "title": "正高级",
                 "specialities": "茶树病虫害", "industries": "茶叶、核桃",
                 "phone": "13712345678", "research_institute": "是", "area_code": area}]


class TestGroupViews(ResourceTests):
    resource = groups
    actor, outsider = "lizhou_county", "wangcang_county"

    def create_data(self, area):
        walnut = make_industry("核桃")
        chief = make_expert(area_code=area, industries=[walnut])
        return {"area_code": area, "industry": walnut.pk, "name": "核桃丰产专家服务组",
                "chief": chief.pk}

    def update_data(self, obj):
        return {"name": obj.name + "（调整）", "industry": obj.industry_id,
                "chief": obj.chief_id}

    def api_create_data(self, area):
        herbs = make_industry("道地中药材")
        chief = make_expert(area_code=area, industries=[herbs])
        return {"area_code": area, "industry": herbs.pk, "name": "道地中药材专家服务组",
                "chief": chief.pk}

    def api_update_data(self, obj):
        return {"name": "茶叶产业专家服务组（新）"}

    def import_rows(self, area):
        herbs = make_industry("道地中药材")
        chief = make_expert(area_code=area, industries=[herbs], name="钱首席")
        member = make_expert(area_code=area, industries=[herbs], name="孙成员")
        return [{"name": "道地中药材专家服务组", "industry": "道地中药材", "chief": chief.name,
                 "members": member.name, "area_code": area}]


class TestTechnicianViews(ResourceTests):
    resource = technicians
    actor, outsider = "lizhou_county", "wangcang_county"

    def make(self, area, **kw):
        return make_technician(area_code=township_of(area), **kw)

    def create_data(self, area):
        return {"area_code": township_of(area), "name": "周志强", "organisation": "乡农业服务中心",
                "load_limit": "25", "industries": [make_industry("茶叶").pk],
                "phone": "13612345678"}

    def update_data(self, obj):
        return {**self.create_data(obj.area_code[:6]), "organisation": "镇农技站"}

    def api_create_data(self, area):
        return {"area_code": township_of(area), "name": "吴海燕", "load_limit": 20,
                "phone": "13512345678"}  # industries: test_catalog_api

    def api_update_data(self, obj):
        return {"load_limit": 40}

    def import_rows(self, area):
        make_industry("茶叶")
        return [{"name": "郑技术员", "organisation": "镇农技站", "industries": "茶叶",
                 "load_limit": "30", "phone": "13412345678", "area_code": township_of(area)}]
