"""A retired household gets no live members (issue 8 item 8, DESIGN §7): not by the roster
import (joined by number or by its head's ID number), not by the page or API services
(registered into it, moved into it, restored into it) — until the household is restored."""

import pytest

from fupin.core.errors import ServiceError
from fupin.registry import services
from fupin.registry.models import Household, Person
from fupin.registry.tests.factories import fake_id, make_household, make_person
from fupin.registry.tests.test_import import HEADER, KEY, family, run, xlsx


@pytest.fixture
def retired(demo_users):
    """A household of village_a with its head, retired (its members with it)."""
    actor = demo_users["village_a"]
    head = make_person(area_code=actor.scope_code, name="张大山", id_number=fake_id())
    services.household_retire(actor=actor, household=head.household, reason="整户迁出")
    return actor, Household.objects.get(pk=head.household_id), head


def counts():
    return (Person.objects.count(), Household.objects.count(), Person.history.count(),
            Household.history.count())


@pytest.mark.parametrize("join", ["number", "head"])
def test_import_into_a_retired_household_is_refused(retired, join):
    actor, household, head = retired
    row = family(actor.scope_code)[1]
    row[KEY["household_number"]] = household.number if join == "number" else ""
    row[KEY["head_id_number"]] = head.reveal("id_number") if join == "head" else ""
    before = counts()
    report = run(actor, xlsx([HEADER, row]))
    assert not report.ok
    message = report.errors[0].message
    assert household.number in message and "已停用" in message and "恢复" in message
    assert counts() == before


def test_register_into_a_household_retired_meanwhile_is_refused(demo_users):
    actor = demo_users["village_a"]
    household = make_household(area_code=actor.scope_code)
    stale = Household.objects.get(pk=household.pk)  # loaded before someone retires it
    services.household_retire(actor=actor, household=household)
    with pytest.raises(ServiceError, match="请先恢复该户") as err:
        services.person_register(actor=actor, household=stale,
                                 protected={"id_number": fake_id()},
                                 data={"name": "李四", "relation": "01", "labour_capacity": "01"})
    assert household.number in err.value.message
    assert not Person.objects.exists()


def test_moving_a_person_into_a_retired_household_is_refused(retired):
    actor, household, _head = retired
    person = make_person(area_code=actor.scope_code, name="李四")
    with pytest.raises(ServiceError, match="已停用"):
        services.person_update(actor=actor, person=person, data={"household": household},
                               protected={}, expected_version=person.version)
    person.refresh_from_db()
    assert person.household_id != household.pk


def test_restoring_a_member_of_a_retired_household_is_refused(retired):
    actor, household, head = retired
    with pytest.raises(ServiceError, match="请先恢复该户"):
        services.person_restore(actor=actor, person=head)
    head.refresh_from_db()
    assert head.retired_at is not None


def test_api_refuses_a_person_in_a_retired_household(retired, client):
    actor, household, _head = retired
    client.force_login(actor)
    resp = client.post("/api/v1/persons/", {
        "household": household.pk, "name": "王五", "id_number": fake_id(), "relation": "02",
        "labour_capacity": "01"}, content_type="application/json")
    assert resp.status_code == 400  # the API offers only active households to join
    assert Person.objects.active().count() == 0
