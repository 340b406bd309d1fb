"""The pairing proposal's rules (pairing.propose, pure) and its loader against the database
(pairing.proposal_for): industry match, same village before the township, the load limit
never exceeded (existing pairings counted), balancing, determinism, the explanation, the
reasons of households that cannot be paired."""

import random

import pytest

from fupin.techaid import pairing as rules
from fupin.techaid.pairing import Need, Tech

TEA, WALNUT = 1, 2
NAMES = {TEA: "茶叶", WALNUT: "核桃"}
T1 = "510821100"  # a township
V1, V2 = T1 + "001", T1 + "002"
T2 = "510821101"
V3 = T2 + "001"


def tech(id, area, industries=(TEA,), limit=30, load=0):
    return Tech(id=id, area_code=area, industries=frozenset(industries), limit=limit, load=load,
                name=f"技术员{id}")


def needs(n, village, industry=TEA, start=1):
    return [Need(start + i, industry, village) for i in range(n)]


def by_household(proposals):
    return {p.household_id: p for p in proposals}


def test_the_technician_must_serve_the_households_industry():
    proposals, unpaired = rules.propose(needs(1, V1, WALNUT), [tech(1, V1, [TEA])], NAMES)
    assert proposals == []
    assert [u.reason for u in unpaired] == ["本区域没有核桃技术员"]
    assert unpaired[0].full is False


def test_a_technician_of_the_same_village_comes_before_the_townships():
    township, own = tech(1, T1), tech(2, V1, load=10)  # the village one is busier
    proposals, _ = rules.propose(needs(1, V1), [township, own], NAMES)
    assert proposals[0].technician_id == 2
    assert proposals[0].distance == rules.VILLAGE


def test_the_township_comes_before_the_county():
    other_township, same_township = tech(1, V3), tech(2, V2, load=20)
    proposals, _ = rules.propose(needs(1, V1), [other_township, same_township], NAMES)
    assert (proposals[0].technician_id, proposals[0].distance) == (2, rules.TOWNSHIP)
    proposals, _ = rules.propose(needs(1, V1), [other_township], NAMES)
    assert (proposals[0].technician_id, proposals[0].distance) == (1, rules.COUNTY)


def test_a_village_technician_is_not_used_up_by_a_neighbouring_village_first():
    # V1 has no technician of its own; V2 has one with room for 2. The township technician
    # (room 2) should serve V1, the V2 technician V2: the passes run nearest first for all.
    techs = [tech(1, T1, limit=2), tech(2, V2, limit=2)]
    proposals, unpaired = rules.propose(needs(2, V1) + needs(2, V2, start=10), techs, NAMES)
    got = {p.household_id: p.technician_id for p in proposals}
    assert got == {1: 1, 2: 1, 10: 2, 11: 2} and unpaired == []


def test_the_load_limit_is_never_exceeded_counting_existing_pairings():
    techs = [tech(1, T1, limit=5, load=3), tech(2, T1, limit=4, load=4)]
    proposals, unpaired = rules.propose(needs(6, V1), techs, NAMES)
    assert len(proposals) == 2 and all(p.technician_id == 1 for p in proposals)
    assert techs[0].load_after == 5 and techs[1].load_after == 4
    assert len(unpaired) == 4
    assert unpaired[0].reason == "本区域 2 名茶叶技术员均已达服务户数上限" and unpaired[0].full


def test_the_limit_holds_for_a_technician_of_two_industries():
    both = tech(1, T1, [TEA, WALNUT], limit=3)
    proposals, unpaired = rules.propose(needs(2, V1) + needs(2, V1, WALNUT, start=10), [both],
                                        NAMES)
    assert len(proposals) == 3 and len(unpaired) == 1 and both.load_after == 3


def test_loads_are_balanced_least_loaded_first():
    techs = [tech(1, T1, load=6), tech(2, T1, load=0), tech(3, T1, load=2)]
    proposals, _ = rules.propose(needs(10, V1), techs, NAMES)
    assert sorted(t.load_after for t in techs) == [6, 6, 6]
    assert proposals[0].technician_id == 2  # the least loaded takes the first household


def test_the_proposal_is_deterministic_whatever_the_input_order():
    base = needs(40, V1) + needs(30, V2, start=100) + needs(20, V3, WALNUT, start=200)

    def run(seed):
        rng = random.Random(seed)
        ns = base[:]
        techs = [tech(1, T1, limit=20), tech(2, V1, limit=10), tech(3, V2, [TEA, WALNUT]),
                 tech(4, T2, [WALNUT], limit=5)]
        rng.shuffle(ns)
        rng.shuffle(techs)
        proposals, unpaired = rules.propose(ns, techs, NAMES)
        return ([(p.household_id, p.industry_id, p.technician_id) for p in proposals],
                [(u.household_id, u.reason) for u in unpaired])

    assert run(1) == run(2) == run(3)


def test_every_proposal_explains_itself_in_words():
    techs = [tech(1, V1, load=12)]
    proposals, _ = rules.propose(needs(2, V1), techs, NAMES)
    assert [p.explanation for p in proposals] == ["同村、茶叶技术员，现服务 12 户",
                                                  "同村、茶叶技术员，现服务 13 户"]
    proposals, _ = rules.propose(needs(1, V2), [tech(2, T1)], NAMES)
    assert proposals[0].explanation == "同乡镇、茶叶技术员，现服务 0 户"


# --- against the database ------------------------------------------------------------------

@pytest.fixture
def county(demo_users):
    from fupin.areas.models import Area

    township = demo_users["technician"].scope_code
    villages = list(Area.objects.filter(parent_id=township).order_by("code")
                    .values_list("code", flat=True)[:2])
    return {"user": demo_users["wangcang_county"], "township": township, "villages": villages}


@pytest.mark.django_db
def test_proposal_for_skips_households_already_paired_and_counts_their_load(county):
    from fupin.registry.tests.factories import make_household
    from fupin.techaid.models import TechaidPolicy
    from fupin.techaid.tests.factories_catalog import (
        make_household_industry,
        make_industry,
        make_technician,
    )
    from fupin.techaid.tests.factories_pairing import make_pairing

    TechaidPolicy.objects.create(pk=1, load_limit=3)
    tea = make_industry("茶叶")
    v1, v2 = county["villages"]
    technician = make_technician(area_code=county["township"], industries=[tea])
    households = [make_household(area_code=v1) for _ in range(4)]
    for h in households:
        make_household_industry(household=h, industry=tea)
    make_pairing(household=households[0], industry=tea, technician=technician)
    plan = rules.proposal_for(user=county["user"], area=county["township"])
    assert {p.household_id for p in plan.proposals} == {households[1].pk, households[2].pk}
    assert [u.household_id for u in plan.unpaired] == [households[3].pk]
    assert plan.technicians[technician.pk].load == 1
    assert plan.households[households[1].pk][0] == households[1].number
