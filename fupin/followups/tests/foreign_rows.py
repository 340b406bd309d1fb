"""Foreign rows of the visit ledger for the generic import scope test (core/testing/foreign.py)."""

from fupin.core.testing.foreign import ForeignCase, foreign_rows
from fupin.registry.tests.factories import make_person


@foreign_rows("visits")
def visits_foreign(users):
    actor = users["village_a"]
    theirs = make_person(area_code=users["village_b"].scope_code, name="李四")
    return [ForeignCase("person of village_b", actor, [
        {"id_number": theirs.reveal("id_number"), "name": theirs.name,
         "visited_on": "2017-06-01", "method": "入户"}])]
