"""The workbench (home page) over a city-sized registry (issue 9 item 3: under 300 ms for a
county officer on the 500,000-person registry).

    .venv/bin/python benchmarks/workbench_bench.py --people 500000 --db sqlite
    .venv/bin/python benchmarks/workbench_bench.py --people 500000 --db postgres

It reuses the database of list_bench.py, indicator_bench.py and national_bench.py (built the
same way, kept between runs): 500,000 people, the Lizhou 2017 five lists at ten times the
demo's scale and the national file's reports. Timings are of full requests of `/` through
Django's test Client (middleware, session, every card's count, the template), after one
warm-up request, median and slowest of --repeat, as a county officer (利州区经办: the whole
registry lies in Lizhou), a township officer, a village worker and the city leader (whose
workbench shows the indicators with their month-on-month change).
"""

from __future__ import annotations

import argparse

from _common import configure, db_label, say, user
from indicator_bench import add_five_lists, cold, one_changed, row
from list_bench import build, measure
from national_bench import add_national_data

ROLES = [
    ("county officer (利州区)", "lizhou_county"),
    ("township officer", "lizhou_township"),
    ("village worker", "village_a"),
    ("leader (city)", "leader"),
]


def ensure_data(people: int) -> None:
    from fupin.registry.models import NationalReport, Person
    from fupin.training.models import Enrolment

    if Person.objects.count() < people:
        say(f"building {people:,} people …")
        build(people)
    if not Enrolment.objects.exists():
        say("adding the five lists …")
        add_five_lists()
    if not NationalReport.objects.exists():
        say("adding the national file's reports …")
        add_national_data()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=500_000)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--name", help="the database's name (default: list_<people>, the one "
                                       "list_bench.py builds)")
    parser.add_argument("--users", nargs="*", help="only these usernames (default: the four)")
    parser.add_argument("--warm-only", action="store_true",
                        help="leave out the rows that recompute figures")
    args = parser.parse_args()
    configure(db=args.db, name=args.name or f"list_{args.people}", fresh=args.rebuild)
    ensure_data(args.people)
    if args.build_only:
        return
    from django.test import Client

    from fupin.registry.models import Person

    print(f"{Person.objects.count():,} people; {db_label()}; the home page /")
    print(f"{'user':<44} {'median':>8} {'max':>8} {'queries':>7}")
    for label, username in ROLES:
        if args.users and username not in args.users:
            continue
        client = Client()
        client.force_login(user(username))
        row(label, measure(client, "/", args.repeat))
    if args.warm_only:
        return
    # a village worker saved a record since the last reader: that village's figures (the
    # year's, and the months' the indicators read) are recomputed
    for label, username in [("county officer, one village changed since", "lizhou_county"),
                            ("leader, one village changed since", "leader")]:
        client = Client()
        client.force_login(user(username))
        row(label, one_changed(client, "/", args.repeat))
    # the first reader after a deployment (or of the day, for this year's figures, when
    # `fupin nightly` did not run): every figure the cards read computed from the records
    client = Client()
    client.force_login(user("lizhou_county"))
    row("county officer, no figures stored (cold)", cold(client, "/", 1))


if __name__ == "__main__":
    main()
