"""The pairing proposal (issue 11 item 4, DESIGN §5 "户有科技服务药剂师"): for a township or a
county, one technician proposed for each poor household and main industry not yet paired.

Rules, in order:
- the technician serves the household's industry (Technician.industries);
- nearest first: a technician of the household's village, then of its township, then of its
  county (the passes run in that order over all households, so that a township technician
  is not used up by one village while the next village has nobody of its own);
- a technician's load (active pairings, wherever, plus the proposals made so far) never
  exceeds their limit (Technician.load_limit, else TechaidPolicy.load_limit, default 30);
- among technicians at the same distance the least loaded is taken, ties by id: the result
  depends on the records only (deterministic);
- each proposal carries its reason in words ("同村、茶叶技术员，现服务 12 户": the load before
  this household), and every household that cannot be paired is listed with why.

`propose()` is pure (plain tuples in, dataclasses out); `load_inputs()` reads what it needs in
a few set-based queries (values lists, one GROUP BY for the loads), never one per household:
a county of 600 technicians × 17,000 households runs well under the 5 s of item 9
(benchmarks/techaid_pairing_bench.py).
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils.translation import gettext as _

DEFAULT_LOAD_LIMIT = 30
# distance of a technician to a household: same village, same township, same county
VILLAGE, TOWNSHIP, COUNTY = 0, 1, 2
PREFIX = {VILLAGE: 12, TOWNSHIP: 9, COUNTY: 6}


def distance_label(distance: int) -> str:
    return {VILLAGE: _("同村"), TOWNSHIP: _("同乡镇"), COUNTY: _("同区县")}[distance]


@dataclass(frozen=True)
class Need:
    """A household's main industry without an active pairing."""

    household_id: int
    industry_id: int
    village: str  # the household's area code (12 digits)


@dataclass
class Tech:
    id: int
    area_code: str  # township (9) or village (12)
    industries: frozenset[int]
    limit: int
    load: int  # active pairings now (before the proposal)
    name: str = ""
    proposed: int = 0  # households this proposal gives them

    @property
    def load_after(self) -> int:
        return self.load + self.proposed


@dataclass(frozen=True)
class Proposal:
    household_id: int
    industry_id: int
    technician_id: int
    distance: int
    load_before: int  # the technician's load when this household was given to them
    explanation: str


@dataclass(frozen=True)
class Unpaired:
    household_id: int
    industry_id: int
    reason: str
    full: bool  # True: technicians exist but all are at their limit


@dataclass
class Plan:
    area: str
    proposals: list[Proposal] = field(default_factory=list)
    unpaired: list[Unpaired] = field(default_factory=list)
    technicians: dict[int, Tech] = field(default_factory=dict)
    industries: dict[int, str] = field(default_factory=dict)
    # household id → (number, head's name, village code)
    households: dict[int, tuple[str, str, str]] = field(default_factory=dict)
    seconds: float = 0.0


def propose(needs: list[Need], technicians: list[Tech], industry_names: dict[int, str]
            ) -> tuple[list[Proposal], list[Unpaired]]:
    """The proposal for these needs among these technicians (pure; technicians' `proposed`
    counts are updated)."""
    # heaps of (load, id) per (industry, area prefix) at each distance; entries go stale when a
    # technician's load moves (lazy deletion: an entry is valid while its load is current)
    heaps: dict[tuple[int, int, str], list[tuple[int, int]]] = defaultdict(list)
    by_id = {t.id: t for t in technicians}
    keys_of: dict[int, list[tuple[int, int, str]]] = {}
    for tech in sorted(technicians, key=lambda t: t.id):
        keys = []
        for industry in tech.industries:
            for distance, length in PREFIX.items():
                if len(tech.area_code) < length:  # a township technician has no village
                    continue
                keys.append((distance, industry, tech.area_code[:length]))
        keys_of[tech.id] = keys
        if tech.load_after < tech.limit:
            for key in keys:
                heaps[key].append((tech.load_after, tech.id))
    for heap in heaps.values():
        heapq.heapify(heap)

    def best(key) -> Tech | None:
        heap = heaps.get(key)
        while heap:
            load, tid = heap[0]
            tech = by_id[tid]
            if load == tech.load_after and tech.load_after < tech.limit:
                return tech
            heapq.heappop(heap)  # stale, or full for good (loads only grow)
        return None

    ordered = sorted(needs, key=lambda n: (n.village, n.household_id, n.industry_id))
    # the words, translated once (gettext per proposal was most of the time)
    explanation = _("%(distance)s、%(industry)s技术员，现服务 %(load)s 户")
    distances = {d: distance_label(d) for d in PREFIX}
    proposals: dict[tuple[int, int], Proposal] = {}
    waiting = ordered
    for distance in (VILLAGE, TOWNSHIP, COUNTY):
        length = PREFIX[distance]
        left = []
        for need in waiting:
            tech = best((distance, need.industry_id, need.village[:length]))
            if tech is None:
                left.append(need)
                continue
            before = tech.load_after
            tech.proposed += 1
            proposals[(need.household_id, need.industry_id)] = Proposal(
                need.household_id, need.industry_id, tech.id, distance, before,
                explanation % {"distance": distances[distance], "load": before,
                               "industry": industry_names.get(need.industry_id, "")})
            if tech.load_after < tech.limit:
                for key in keys_of[tech.id]:
                    heapq.heappush(heaps[key], (tech.load_after, tech.id))
        waiting = left

    # why the rest cannot be paired: nobody of the industry within the county, or all full
    serving: dict[tuple[int, str], int] = defaultdict(int)
    for tech in technicians:
        for industry in tech.industries:
            serving[(industry, tech.area_code[:6])] += 1
    unpaired, reasons = [], {}
    for need in waiting:
        key = (need.industry_id, need.village[:6])
        count = serving.get(key, 0)
        if key not in reasons:
            name = industry_names.get(need.industry_id, "")
            if count:
                reasons[key] = _("本区域 %(n)s 名%(industry)s技术员均已达服务户数上限") % {
                    "n": count, "industry": name}
            else:
                reasons[key] = _("本区域没有%(industry)s技术员") % {"industry": name}
        unpaired.append(Unpaired(need.household_id, need.industry_id, reasons[key], bool(count)))
    return [proposals[(n.household_id, n.industry_id)] for n in ordered
            if (n.household_id, n.industry_id) in proposals], unpaired


def explain(distance: int, industry: str, load: int) -> str:
    return _("%(distance)s、%(industry)s技术员，现服务 %(load)s 户") % {
        "distance": distance_label(distance), "industry": industry, "load": load}


def policy_load_limit() -> int:
    from .models import TechaidPolicy

    limit = TechaidPolicy.objects.filter(pk=1).values_list("load_limit", flat=True).first()
    return limit or DEFAULT_LOAD_LIMIT


def active_loads(technician_ids=None) -> dict[int, int]:
    """{technician id: active pairings}, one GROUP BY (all areas: a load is a load)."""
    from .models import Pairing

    qs = Pairing.objects.filter(retired_at__isnull=True, ended_on__isnull=True)
    if technician_ids is not None:
        qs = qs.filter(technician_id__in=list(technician_ids))
    return dict(qs.values_list("technician_id").annotate(n=Count("id")).order_by()
                .values_list("technician_id", "n"))


def technicians_for(*, user, area: str, industry_id: int | None = None) -> list[Tech]:
    """The technicians who may serve households of `area`: those inside it and those of the
    township (or village) above it when the area is a village — all in the user's scope."""
    from django.db.models import Q

    from .models import Technician

    ancestors = [area[:n] for n in (9, 12) if len(area) > n]
    qs = (Technician.objects.visible_to(user).filter(retired_at__isnull=True)
          .filter(Q(area_code__startswith=area) | Q(area_code__in=ancestors)))
    rows = list(qs.values_list("id", "area_code", "load_limit", "name"))
    ids = [r[0] for r in rows]
    through = Technician.industries.through
    industries: dict[int, set[int]] = defaultdict(set)
    for start in range(0, len(ids), 900):
        pairs = through.objects.filter(technician_id__in=ids[start:start + 900])
        if industry_id:
            pairs = pairs.filter(industry_id=industry_id)
        for tid, iid in pairs.values_list("technician_id", "industry_id"):
            industries[tid].add(iid)
    loads = active_loads() if len(ids) > 900 else active_loads(ids)
    default = policy_load_limit()
    return [Tech(id=tid, area_code=code, industries=frozenset(industries.get(tid, ())),
                 limit=limit or default, load=loads.get(tid, 0), name=name)
            for tid, code, limit, name in rows]


def needs_for(*, user, area: str, industry_id: int | None = None) -> list[Need]:
    """The active households of `area` with a main industry that has no active pairing."""
    from .models import HouseholdIndustry, Pairing

    qs = HouseholdIndustry.objects.visible_to(user).filter(
        area_code__startswith=area, main=True, retired_at__isnull=True,
        household__retired_at__isnull=True, industry__retired_at__isnull=True)
    paired = Pairing.objects.filter(area_code__startswith=area, retired_at__isnull=True,
                                    ended_on__isnull=True)
    if industry_id:
        qs = qs.filter(industry_id=industry_id)
        paired = paired.filter(industry_id=industry_id)
    done = set(paired.values_list("household_id", "industry_id"))
    return [Need(hid, iid, code) for hid, iid, code in
            qs.values_list("household_id", "industry_id", "area_code")
            if (hid, iid) not in done]


def proposal_for(*, user, area: str, industry_id: int | None = None,
                 with_households: bool = True) -> Plan:
    """The proposal for `area` (a township or county in the user's scope; checked by the
    caller through scoping.requested_area)."""
    import time

    from fupin.registry.models import Household

    from .models import Industry

    started = time.perf_counter()
    names = dict(Industry.objects.values_list("id", "name"))
    technicians = technicians_for(user=user, area=area, industry_id=industry_id)
    needs = needs_for(user=user, area=area, industry_id=industry_id)
    proposals, unpaired = propose(needs, technicians, names)
    plan = Plan(area=area, proposals=proposals, unpaired=unpaired,
                technicians={t.id: t for t in technicians}, industries=names)
    if with_households:
        plan.households = {
            hid: (number, head or "", code) for hid, number, head, code in
            Household.objects.visible_to(user).filter(area_code__startswith=area,
                                                      retired_at__isnull=True)
            .values_list("id", "number", "head__name", "area_code")}
    plan.seconds = time.perf_counter() - started
    return plan
