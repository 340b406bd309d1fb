"""The nightly visit-plan update over a city-sized registry (issue 10 item 10: 500,000 people
under 60 s on SQLite).

    .venv/bin/python benchmarks/plans_bench.py --people 500000 --db sqlite

It reuses the database of list_bench.py (built the same way, kept between runs) with the
Lizhou 2017 five lists at ten times the demo's scale (indicator_bench.py). Three timings of
`plans.plans_refresh_all()`: the first run, which creates the plans the SQL-made copies lack;
a steady night (nothing changed, nothing written); and a night one year later, when ages,
unemployed months and due dates move a share of the people to another category (written
with history).
"""

from __future__ import annotations

import argparse
import datetime

from _common import Timer, configure, db_label, say


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=500_000)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--name", help="the database's name (default: list_<people>)")
    args = parser.parse_args()
    configure(db=args.db, name=args.name or f"list_{args.people}", fresh=False)
    from django.utils import timezone
    from indicator_bench import add_five_lists
    from list_bench import build

    from fupin.followups.models import VisitPlan
    from fupin.followups.plans import plans_refresh_all
    from fupin.registry.models import Person
    from fupin.training.models import Enrolment

    if Person.objects.count() < args.people:
        say(f"building {args.people:,} people …")
        build(args.people)
    if not Enrolment.objects.exists():
        say("adding the five lists …")
        add_five_lists()
    print(f"{Person.objects.count():,} people; {db_label()}; plans_refresh_all()")
    for label, on in [("first run (creates missing plans)", None),
                      ("steady night (nothing changed)", None),
                      ("a year later (categories move)",
                       timezone.localdate() + datetime.timedelta(days=365))]:
        timer = Timer()
        written = plans_refresh_all(on=on)
        print(f"{label:<36} {timer.seconds:7.1f} s  {written:>8,} plans written  "
              f"({VisitPlan.objects.filter(retired_at__isnull=True).count():,} active)")


if __name__ == "__main__":
    main()
