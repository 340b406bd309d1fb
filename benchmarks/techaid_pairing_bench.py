"""The pairing proposal for a county (issue 11 item 9: 600 technicians × 17,000 households
under 5 s).

    .venv/bin/python benchmarks/techaid_pairing_bench.py --db sqlite

Builds (bulk_create, once; kept in var/bench/techaid_pairing.sqlite3) Wangcang county's
townships and villages from the area tree, 17,000 households spread over its villages with
one main industry each (4 industries; a tenth with a second main industry), 600 technicians
(a third at village level, the rest at township level, 1–2 industries each, a tenth with
their own load limit) and 2,000 existing pairings. Then times
`pairing.proposal_for(user=<the county officer>, area="510821")` — the whole proposal, loads
and households' labels included — median of 3 after a warm-up, the whole page (the proposal
and its first 200 rows rendered), and the accept of one township's proposal and of the whole
county's (all-or-nothing, with history), once each.
"""

from __future__ import annotations

import argparse
import random
import statistics

from _common import Timer, configure, db_label, say, user

COUNTY = "510821"
INDUSTRIES = ["茶叶", "核桃", "绿色生态畜禽", "道地中药材"]


def build(*, households: int, technicians: int) -> None:
    from fupin.areas.models import Area
    from fupin.registry.models import Household
    from fupin.techaid.models import HouseholdIndustry, Industry, Pairing, Technician

    rng = random.Random(11)
    industries = [Industry.objects.get_or_create(name=n, defaults={"order": i})[0]
                  for i, n in enumerate(INDUSTRIES)]
    townships = list(Area.objects.filter(parent_id=COUNTY).order_by("code")
                     .values_list("code", flat=True))
    villages = list(Area.objects.filter(parent_id__in=townships).order_by("code")
                    .values_list("code", flat=True))
    say(f"{len(townships)} townships, {len(villages)} villages")
    Household.objects.bulk_create(
        [Household(area_code=villages[i % len(villages)], number=f"B{COUNTY}{i:07d}")
         for i in range(households)], batch_size=2000)
    rows = list(Household.objects.filter(number__startswith=f"B{COUNTY}")
                .values_list("pk", "area_code"))
    links = []
    for pk, code in rows:
        first = rng.choice(industries)
        links.append(HouseholdIndustry(household_id=pk, industry=first, area_code=code))
        if rng.random() < 0.1:
            second = rng.choice([i for i in industries if i != first])
            links.append(HouseholdIndustry(household_id=pk, industry=second, area_code=code))
    HouseholdIndustry.objects.bulk_create(links, batch_size=2000)
    techs = []
    for i in range(technicians):
        area = rng.choice(villages) if i % 3 == 0 else rng.choice(townships)
        techs.append(Technician(area_code=area, name=f"技术员{i:04d}",
                                load_limit=rng.choice([20, 40]) if i % 10 == 0 else None))
    Technician.objects.bulk_create(techs, batch_size=2000)
    through = Technician.industries.through
    made = list(Technician.objects.order_by("pk").values_list("pk", flat=True))
    through.objects.bulk_create(
        [through(technician_id=t, industry_id=ind.pk) for t in made
         for ind in rng.sample(industries, rng.choice([1, 1, 2]))], batch_size=2000)
    # 2,000 existing pairings (households of a technician's own township and industry)
    serves = {}
    for t, ind in through.objects.values_list("technician_id", "industry_id"):
        serves.setdefault(ind, []).append(t)
    code_of = dict(Technician.objects.values_list("pk", "area_code"))
    existing, used = [], set()
    for link in links:
        if len(existing) >= 2000:
            break
        candidates = [t for t in serves.get(link.industry_id, ())
                      if code_of[t][:9] == link.area_code[:9]]
        if candidates and (link.household_id, link.industry_id) not in used:
            used.add((link.household_id, link.industry_id))
            existing.append(Pairing(household_id=link.household_id, industry_id=link.industry_id,
                                    technician_id=candidates[0], area_code=link.area_code,
                                    started_on="2017-01-10"))
    Pairing.objects.bulk_create(existing, batch_size=2000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, default=17_000)
    parser.add_argument("--technicians", type=int, default=600)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--fresh", action="store_true", help="rebuild the database")
    args = parser.parse_args()
    configure(db=args.db, name=f"techaid_pairing_{args.households}", fresh=args.fresh)
    from django.db import transaction

    from fupin.registry.models import Household
    from fupin.techaid import pairing, pairing_services
    from fupin.techaid.models import HouseholdIndustry, Pairing, Technician

    if not Household.objects.filter(number__startswith=f"B{COUNTY}").exists():
        say(f"building {args.households:,} households, {args.technicians} technicians …")
        build(households=args.households, technicians=args.technicians)
    officer = user("wangcang_county")
    print(f"{Household.objects.count():,} households, "
          f"{HouseholdIndustry.objects.filter(main=True).count():,} main industries, "
          f"{Technician.objects.count()} technicians, "
          f"{Pairing.objects.filter(ended_on__isnull=True).count():,} active pairings; "
          f"{db_label()}")
    pairing.proposal_for(user=officer, area=COUNTY)  # warm-up
    times, plan = [], None
    for _ in range(3):
        timer = Timer()
        plan = pairing.proposal_for(user=officer, area=COUNTY)
        times.append(timer.seconds)
    full = sum(1 for u in plan.unpaired if u.full)
    print(f"proposal for the county: median {statistics.median(times):.2f} s "
          f"(runs {', '.join(f'{t:.2f}' for t in times)}); {len(plan.proposals):,} proposed, "
          f"{len(plan.unpaired):,} unpaired ({full:,} because every technician is full)")
    from django.test import Client

    client = Client()
    client.force_login(officer)
    page_times = []
    for _ in range(3):
        timer = Timer()
        response = client.get("/techaid/pairings/propose/", {"area": COUNTY})
        assert response.status_code == 200, response.status_code
        page_times.append(timer.seconds)
    print(f"the proposal page for the county (first 200 rows rendered): median "
          f"{statistics.median(page_times):.2f} s "
          f"(runs {', '.join(f'{t:.2f}' for t in page_times)})")
    township = min({p_area[:9] for p_area in
                    (plan.households[p.household_id][2] for p in plan.proposals)})
    sub = pairing.proposal_for(user=officer, area=township)
    items = [{"household": p.household_id, "industry": p.industry_id,
              "technician": p.technician_id, "note": p.explanation} for p in sub.proposals]
    timer = Timer()
    with transaction.atomic():
        pairing_services.pairings_accept(actor=officer, items=items)
        transaction.set_rollback(True)  # keep the database as built
    print(f"accept one township's proposal ({len(items):,} pairings, with history): "
          f"{timer.seconds:.2f} s (rolled back)")
    items = [{"household": p.household_id, "industry": p.industry_id,
              "technician": p.technician_id, "note": p.explanation} for p in plan.proposals]
    timer = Timer()
    with transaction.atomic():
        pairing_services.pairings_accept(actor=officer, items=items)
        transaction.set_rollback(True)
    print(f"accept the whole county's proposal ({len(items):,} pairings, with history): "
          f"{timer.seconds:.2f} s (rolled back)")


if __name__ == "__main__":
    main()
