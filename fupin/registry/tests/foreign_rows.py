"""Foreign rows of the person roster for the generic import scope test
(core/testing/foreign.py): village_a's file reaching village_b's records."""

from fupin.core.testing.foreign import ForeignCase, foreign_rows
from fupin.registry.tests.factories import fake_id, make_person


def member(village: str, **values) -> dict:
    return {"area_code": village, "name": "张小花", "id_number": fake_id(male=False),
            "relation": "之女", "labour_capacity": "普通劳动力", **values}


@foreign_rows("persons")
def persons_foreign(users):
    actor = users["village_a"]
    mine, theirs = actor.scope_code, users["village_b"].scope_code
    head = make_person(area_code=theirs, name="李四", id_number=fake_id())
    other = make_person(area_code=theirs, name="王五", relation="02", household=head.household)
    return [
        ForeignCase("household joined by the ID number of village_b's head", actor,
                    [member(mine, head_id_number=head.reveal("id_number"))]),
        ForeignCase("household joined by village_b's household number", actor,
                    [member(mine, household_number=head.household.number)]),
        ForeignCase("person of village_b updated by ID number", actor,
                    [member(mine, name="王五", id_number=other.reveal("id_number"),
                            relation="户主")]),
        ForeignCase("row in village_b by its code", actor, [member(theirs, relation="户主")]),
    ]
