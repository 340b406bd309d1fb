"""Missions and prescriptions on the shared resource test bases (core/testing/resources.py);
declared to the meta-test through tests/test_resource_views.py."""

from fupin.core.testing.resources import ResourceTests
from fupin.techaid.resources.prescriptions import missions, prescriptions
from fupin.techaid.tests import factories  # noqa: F401  (registers the factories)
from fupin.techaid.tests.factories_catalog import make_expert, make_industry
from fupin.techaid.tests.factories_prescriptions import make_poor_village, mission_in


def free_village(area: str) -> str:
    """A poor village of `area` (a county) without a mission, from the test tree."""
    return make_poor_village(area)


def measures_block(rows) -> dict:
    data = {"m-TOTAL_FORMS": str(len(rows)), "m-INITIAL_FORMS": "0",
            "m-MIN_NUM_FORMS": "0", "m-MAX_NUM_FORMS": "1000"}
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"m-{i}-{key}"] = value
    return data


class TestMissionViews(ResourceTests):
    resource = missions
    actor, outsider = "wangcang_county", "lizhou_county"

    def create_data(self, area):
        village = free_village(area)
        leader = make_expert(area_code=village[:6], name="李振华")
        return {"area_code": village, "name": "科技扶贫特派团", "leader": str(leader.pk),
                "formed_on": "2017-03-01"}

    def update_data(self, obj):
        return {"area_code": obj.area_code, "name": "新名称特派团", "leader": str(obj.leader_id),
                "formed_on": "2017-03-02"}

    def api_create_data(self, area):
        village = free_village(area)
        leader = make_expert(area_code=village[:6])
        return {"area_code": village, "name": "特派团", "leader": leader.pk,
                "formed_on": "2017-03-01"}

    def api_update_data(self, obj):
        return {"name": "改名特派团"}

    def import_rows(self, area):
        village = free_village(area)
        leader = make_expert(area_code=village[:6], name="导入团长")
        return [{"area_code": village, "name": "导入特派团", "leader": leader.name,
                 "formed_on": "2017-03-01"}]


class TestPrescriptionViews(ResourceTests):
    resource = prescriptions
    actor, outsider = "wangcang_county", "lizhou_county"

    def _village(self, area):
        return mission_in(area).area_code

    def create_data(self, area):
        return {"area_code": self._village(area), "industry": str(make_industry().pk),
                "year": "2017", "problems": "茶园杂草多", "diagnosis": "管理粗放",
                **measures_block([{"name": "春季修剪", "timing": "3月", "inputs": "修枝剪",
                                   "expected_effect": "新梢整齐"}])}

    def update_data(self, obj):
        return {"industry": str(obj.industry_id), "year": "2018",
                "problems": "茶园缺肥", "diagnosis": "土壤贫瘠",
                **measures_block([{"name": "测土配方施肥", "timing": "4月"}])}

    def api_create_data(self, area):
        return {"area_code": self._village(area), "industry": make_industry().pk,
                "year": 2017, "problems": "病虫害", "diagnosis": "茶小绿叶蝉",
                "measures": [{"name": "黄板诱杀", "timing": "5月"}]}

    def api_update_data(self, obj):
        return {"problems": "病虫害加重"}

    def import_rows(self, area):
        village = self._village(area)
        return [{"area_code": village, "industry": make_industry("核桃").name, "year": "2017",
                 "problems": "核桃结果少", "diagnosis": "树形紊乱", "order": "1",
                 "measure": "冬季修剪", "timing": "12月", "inputs": "修枝剪",
                 "expected_effect": "增产"}]

