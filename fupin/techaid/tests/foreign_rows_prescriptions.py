"""Foreign rows of the missions and prescriptions imports for the generic import scope test
(core/testing/foreign.py): rows naming a village, an expert or a technician of another
county are refused and write nothing."""

from fupin.core.testing.foreign import ForeignCase, foreign_rows

from .factories_catalog import make_expert, make_industry, make_technician
from .factories_prescriptions import make_poor_village, mission_in


@foreign_rows("missions")
def missions_foreign(users):
    actor = users["wangcang_county"]
    theirs = make_poor_village(users["lizhou_county"].scope_code)
    mine = make_poor_village(actor.scope_code)
    their_expert = make_expert(area_code=theirs[:6], name="利州专家")
    make_expert(area_code=mine[:6], name="旺苍专家")
    their_technician = make_technician(area_code=theirs[:9], name="利州技术员")
    return [
        ForeignCase("village of another county", actor, [
            {"area_code": theirs, "name": "外县特派团", "leader": their_expert.name,
             "formed_on": "2017-03-01"}]),
        ForeignCase("leader of another county", actor, [
            {"area_code": mine, "name": "特派团", "leader": their_expert.name,
             "formed_on": "2017-03-01"}]),
        ForeignCase("technician of another county", actor, [
            {"area_code": mine, "name": "特派团", "leader": "旺苍专家",
             "members": f"{their_technician.name}:茶叶", "formed_on": "2017-03-01"}]),
    ]


@foreign_rows("prescriptions")
def prescriptions_foreign(users):
    actor = users["wangcang_county"]
    theirs = mission_in(users["lizhou_county"].scope_code)
    industry = make_industry()
    return [ForeignCase("village of another county", actor, [
        {"area_code": theirs.area_code, "industry": industry.name, "year": "2017",
         "problems": "杂草多", "diagnosis": "管理粗放", "measure": "除草"}])]
