"""Foreign rows of the catalog part's specs: rows of a Lizhou officer's (or village worker's)
file that reach Wangcang or another village."""

from fupin.areas.models import Area
from fupin.core.testing.foreign import ForeignCase, foreign_rows
from fupin.registry.tests.factories import make_household, make_person

from .factories_catalog import make_expert, make_industry


def _wangcang_township(users) -> str:
    return users["technician"].scope_code


def _wangcang_village(users) -> str:
    return Area.objects.filter(parent_id=_wangcang_township(users)).order_by("code").first().code


@foreign_rows("household_industries")
def household_industries_foreign(users):
    make_industry("茶叶")
    theirs = make_household(area_code=users["village_b"].scope_code)
    head = make_person(household=theirs, name="李四")
    return [ForeignCase("household of village_b", users["village_a"], [
        {"household_number": theirs.number, "industry": "茶叶", "main": "是"},
        {"head_id_number": head.reveal("id_number"), "industry": "茶叶"}])]


@foreign_rows("experts")
def experts_foreign(users):
    make_industry("茶叶")
    return [ForeignCase("an expert of Wangcang", users["lizhou_county"], [
        {"name": "外县专家", "institution": "四川省农业科学院", "industries": "茶叶",
         "area_code": users["wangcang_county"].scope_code}])]


@foreign_rows("expert_groups")
def groups_foreign(users):
    tea = make_industry("茶叶")
    chief = make_expert(area_code=users["wangcang_county"].scope_code, industries=[tea],
                        name="外县首席")
    return [ForeignCase("a group of Wangcang", users["lizhou_county"], [
        {"name": "茶叶产业专家服务组", "industry": "茶叶", "chief": chief.name,
         "area_code": users["wangcang_county"].scope_code}])]


@foreign_rows("technicians")
def technicians_foreign(users):
    return [ForeignCase("a technician of a Wangcang township", users["lizhou_county"], [
        {"name": "外县技术员", "area_code": _wangcang_township(users)}])]


@foreign_rows("poor_villages")
def poor_villages_foreign(users):
    return [ForeignCase("a village of Wangcang", users["lizhou_county"], [
        {"area_code": _wangcang_village(users), "poor_village": "是",
         "identified_year": "2014"}])]
