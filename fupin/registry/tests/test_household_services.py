"""Households: moving one with a retired member, and numbering new ones when two are
registered in one village at the same moment (issue 8, item 7)."""

import threading

import pytest
from django.db import connection, connections

from fupin.registry import services
from fupin.registry.models import Household, Person
from fupin.registry.tests.factories import make_household, make_person


def test_moving_a_household_with_a_retired_member_moves_every_member(demo_users):
    """Members live where their household lives (DESIGN §2), the retired ones too: a
    restored member must be back in the household's village, not in the one it left."""
    actor = demo_users["lizhou_township"]
    a, b = demo_users["village_a"].scope_code, demo_users["village_b"].scope_code
    head = make_person(area_code=a)
    household = Household.objects.get(pk=head.household_id)
    left = make_person(household=household, relation="03", name="李小")
    services.person_retire(actor=actor, person=left, reason="外嫁")
    household.refresh_from_db()

    services.household_update(actor=actor, household=household, data={"area_code": b},
                              expected_version=household.version)

    household.refresh_from_db()
    head.refresh_from_db()
    left.refresh_from_db()
    assert household.area_code == head.area_code == left.area_code == b
    assert left.retired_at is not None  # still retired: a move restores nobody
    assert left.history.latest().history_user == actor
    services.person_restore(actor=demo_users["admin"], person=left)
    left.refresh_from_db()
    assert left.area_code == household.area_code


def test_moving_a_household_back_and_forth_keeps_the_retired_member_with_it(demo_users):
    actor = demo_users["lizhou_township"]
    a, b = demo_users["village_a"].scope_code, demo_users["village_b"].scope_code
    head = make_person(area_code=a)
    household = Household.objects.get(pk=head.household_id)
    left = make_person(household=household, relation="03", name="李小")
    services.person_retire(actor=actor, person=left)
    for area in (b, a):
        household.refresh_from_db()
        services.household_update(actor=actor, household=household,
                                  data={"area_code": area}, expected_version=household.version)
    left.refresh_from_db()
    assert left.area_code == a and left.retired_at is not None


def test_new_household_number_retries_after_a_collision(demo_users, monkeypatch):
    """The next number is computed and then written; when another registration took it in
    between, the create takes the next one instead of failing (forced collision: on SQLite
    writers are serialized, so the race itself cannot happen there)."""
    actor = demo_users["village_a"]
    area = actor.scope_code
    taken = make_household(area_code=area, number=f"{area}0001")
    real = services._next_number
    calls = []

    def colliding(area_code):
        calls.append(area_code)
        return taken.number if len(calls) == 1 else real(area_code)

    monkeypatch.setattr(services, "_next_number", colliding)
    household = services.household_create(actor=actor, data={"area_code": area})
    assert household.number != taken.number and household.number.startswith(area)
    assert len(calls) == 2
    assert Household.objects.filter(area_code=area).count() == 2


def test_new_household_number_retries_after_a_unique_violation(demo_users, monkeypatch):
    """The database's unique index is the last word: a violation that the model's checks
    could not see (the other transaction had not committed yet) is retried too."""
    actor = demo_users["village_a"]
    area = actor.scope_code
    taken = make_household(area_code=area, number=f"{area}0001")
    real = services._next_number
    calls = []

    def colliding(area_code):
        calls.append(area_code)
        return taken.number if len(calls) == 1 else real(area_code)

    monkeypatch.setattr(services, "_next_number", colliding)
    # as if the other row were not committed yet: only the unique index sees it
    monkeypatch.setattr(Household, "validate_unique", lambda self, exclude=None: None)
    household = services.household_create(actor=actor, data={"area_code": area})
    assert household.number != taken.number and len(calls) == 2
    assert Household.objects.filter(area_code=area).count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_registrations_at_once_get_distinct_numbers(demo_users, monkeypatch):
    """Two village workers' requests compute the same next number, then both write: one
    wins, the other retries with the next number (PostgreSQL: real concurrent
    transactions)."""
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serializes writers (BEGIN IMMEDIATE): no race to lose")
    actor = demo_users["village_a"]
    area = actor.scope_code
    real = services._next_number
    barrier = threading.Barrier(2, timeout=30)
    first = threading.local()

    def in_step(area_code):
        number = real(area_code)
        if not getattr(first, "done", False):
            first.done = True
            barrier.wait()  # both have computed the same number before either writes
        return number

    monkeypatch.setattr(services, "_next_number", in_step)
    results, errors = [], []

    def register():
        try:
            results.append(services.household_create(actor=actor, data={"area_code": area}))
        except Exception as exc:  # noqa: BLE001 — reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    numbers = sorted(h.number for h in results)
    assert len(set(numbers)) == 2
    assert sorted(Household.objects.filter(area_code=area).values_list("number", flat=True)) \
        == numbers
    assert Person.objects.count() == 0
