"""The nightly visit-plan update over a city-sized registry (issue 10 item 10: 500,000 people
under 60 s on SQLite).

    .venv/bin/python benchmarks/plans_bench.py --people 500000 --db sqlite

It reuses the database of list_bench.py (built the same way, kept between runs) with the
Lizhou 2017 five lists at ten times the demo's scale (indicator_bench.py). Timings of
`plans.plans_refresh_all()`, every case written with history (one "+" or "~" row per plan
created or changed):

- first fill: every plan and its history deleted beforehand (untimed), all made again;
- a steady night: nothing changed, nothing written;
- a policy change that moves many people (the background task's run: women 40 → 35, men
  50 → 45, 6 → 3 months unemployed, key visits every 30 → 21 days), and the change undone;
- a night one year later, when ages, unemployed months and due dates move a share of the
  people to another category.
"""

from __future__ import annotations

import argparse
import datetime

from _common import Timer, configure, db_label, say

CHANGE = {"women_age": 35, "men_age": 45, "unemployed_months": 3, "key_days": 21}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=500_000)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--name", help="the database's name (default: list_<people>)")
    parser.add_argument("--profile", action="store_true",
                        help="profile each case with pyinstrument (if installed)")
    args = parser.parse_args()
    configure(db=args.db, name=args.name or f"list_{args.people}", fresh=False)
    from django.db import connection, transaction
    from django.utils import timezone
    from indicator_bench import add_five_lists
    from list_bench import build

    from fupin.followups import plans, rules
    from fupin.followups.models import VisitPlan
    from fupin.registry.models import Person
    from fupin.training.models import Enrolment

    if Person.objects.count() < args.people:
        say(f"building {args.people:,} people …")
        build(args.people)
    if not Enrolment.objects.exists():
        say("adding the five lists …")
        add_five_lists()
    history = VisitPlan.history.model
    qn = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {qn(history._meta.db_table)}")
        cursor.execute(f"DELETE FROM {qn(VisitPlan._meta.db_table)}")
    print(f"{Person.objects.count():,} people; {db_label()}; plans_refresh_all()")

    def policy_set(values: dict) -> dict:
        pol = rules.policy()
        before = {k: getattr(pol, k) for k in values}
        for k, v in values.items():
            setattr(pol, k, v)
        pol.version += 1
        pol.save()
        return before

    def run(label: str, **kwargs) -> None:
        profiler = None
        if args.profile:
            from pyinstrument import Profiler

            profiler = Profiler()
            profiler.start()
        rows_before = history.objects.count()
        version = plans.policy_version()
        timer = Timer()
        written = plans.plans_refresh_all(stop=lambda: plans.policy_version() != version,
                                          **kwargs)
        seconds = timer.seconds
        if profiler:
            profiler.stop()
            print(profiler.output_text(unicode=True, color=False, show_all=False))
        print(f"{label:<40} {seconds:7.1f} s  {written:>8,} plans written  "
              f"{history.objects.count() - rows_before:>8,} history rows  "
              f"({VisitPlan.objects.filter(retired_at__isnull=True).count():,} active)",
              flush=True)

    run("first fill (every plan created)")
    run("steady night (nothing changed)")
    before = policy_set(CHANGE)
    run("policy change (many categories move)")
    policy_set(before)
    run("policy change undone")
    run("a year later (categories move)",
        on=timezone.localdate() + datetime.timedelta(days=365))


if __name__ == "__main__":
    main()
