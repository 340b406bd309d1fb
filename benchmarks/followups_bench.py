"""The follow-up tables over a county (issue 10 item 10: a township's per-village table and a
county's per-township table over a county of 50,000 labourers, each under 300 ms).

    .venv/bin/python benchmarks/followups_bench.py --people 50000 --db sqlite

Builds (once, kept in var/bench/followups_<people>) the people as list_bench.py does, then
one plan per person (due dates spread over ±120 days), two visits per person (about 85 % on
time) and a need per tenth person, written with bulk_create. Times `tables.village_table`
for the township officer, `tables.township_table` for the county officer and, when the
worklist helper's `selectors.worklist` exists, a village worker's list: median and slowest of
--repeat calls after one warm-up.
"""

from __future__ import annotations

import argparse
import datetime
import random
import statistics
import time

from _common import configure, db_label, say, user
from list_bench import build


def ensure_data(people: int) -> None:
    from django.utils import timezone

    from fupin.followups.models import Need, Visit, VisitPlan
    from fupin.registry.models import Person

    if Person.objects.count() < people:
        say(f"building {people:,} people …")
        build(people)
    if VisitPlan.objects.exists():
        return
    say("adding plans, visits and needs …")
    rnd = random.Random(10)
    today = timezone.localdate()
    plans, visits, needs = [], [], []
    for pk, area in Person.objects.values_list("pk", "area_code").iterator():
        due = today + datetime.timedelta(days=rnd.randint(-30, 120))
        plans.append(VisitPlan(person_id=pk, area_code=area, category="regular",
                               reason="employed", interval_days=90,
                               since=today - datetime.timedelta(days=400), due_on=due))
        for back in (20, 110):
            d = today - datetime.timedelta(days=back)
            visits.append(Visit(person_id=pk, area_code=area, visited_on=d, method="home",
                                due_on=d, on_time=rnd.random() < 0.85, category="regular"))
        if pk % 10 == 0:
            needs.append(Need(person_id=pk, area_code=area, kind="funds", raised_on=today,
                              status=rnd.choice(["raised", "accepted", "met"])))
    VisitPlan.objects.bulk_create(plans, batch_size=5000)
    Visit.objects.bulk_create(visits, batch_size=5000)
    Need.objects.bulk_create(needs, batch_size=5000)


def timed(fn, repeat: int) -> tuple[float, float]:
    fn()
    times = []
    for _i in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), max(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    configure(db=args.db, name=f"followups_{args.people}", fresh=args.rebuild)
    ensure_data(args.people)
    from fupin.followups import tables
    from fupin.followups.models import VisitPlan

    county, township = user("lizhou_county"), user("lizhou_township")
    print(f"{VisitPlan.objects.count():,} plans; {db_label()}")
    cases = [
        ("village_table (township officer)", lambda: tables.village_table(
            user=township, area=township.scope_code)),
        ("township_table (county officer)", lambda: tables.township_table(
            user=county, area=county.scope_code)),
    ]
    try:
        from fupin.followups.selectors import worklist

        worker = user("village_a")
        cases.append(("worklist (village worker)",
                      lambda: list(worklist(user=worker, bucket="all"))))
    except ImportError:
        say("selectors.worklist not in this branch: skipped")
    print(f"{'case':<40} {'median ms':>10} {'max ms':>8}")
    for label, fn in cases:
        med, worst = timed(fn, args.repeat)
        print(f"{label:<40} {med:>10.1f} {worst:>8.1f}")


if __name__ == "__main__":
    main()
