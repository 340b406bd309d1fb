"""Foreign rows of the pairing part's spreadsheets for the generic import scope test
(core/testing/foreign.py): rows naming a household or a technician of another village."""

from fupin.core.testing.foreign import ForeignCase, foreign_rows
from fupin.registry.tests.factories import make_household

from .factories_catalog import make_household_industry, make_industry, make_technician
from .factories_pairing import make_pairing


@foreign_rows("pairings")
def pairings_foreign(users):
    actor = users["lizhou_township"]
    industry = make_industry("茶叶")
    theirs = make_household(area_code=users["technician"].scope_code + "001")
    make_household_industry(household=theirs, industry=industry)
    make_technician(area_code=users["technician"].scope_code, industries=[industry],
                    name="外县技术员")
    ours = make_household(area_code=users["village_a"].scope_code)
    make_household_industry(household=ours, industry=industry)
    return [
        ForeignCase("household of another county", actor, [
            {"household_number": theirs.number, "industry": "茶叶", "technician": "外县技术员",
             "started_on": "2017-03-01"}]),
        ForeignCase("technician of another county", actor, [
            {"household_number": ours.number, "industry": "茶叶", "technician": "外县技术员",
             "started_on": "2017-03-01"}]),
    ]


@foreign_rows("service_visits")
def service_visits_foreign(users):
    actor = users["lizhou_township"]
    pairing = make_pairing(household=make_household(
        area_code=users["technician"].scope_code + "001"))
    pairing.technician.name = "外县技术员乙"
    pairing.technician.save()
    return [ForeignCase("household of another county", actor, [
        {"household_number": pairing.household.number, "technician": "外县技术员乙",
         "visited_on": "2017-06-01"}])]
