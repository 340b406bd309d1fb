"""The indicator page over a city-sized registry with its five lists (issue: under 2 s for a
city of 500k people, aggregating in the database).

    .venv/bin/python benchmarks/indicator_bench.py --people 500000 --db sqlite
    .venv/bin/python benchmarks/indicator_bench.py --people 500000 --db postgres

It reuses the person database of list_bench.py (built the same way, kept between runs) and
adds, once, the five lists: the Lizhou 2017 demo records (courses and completions, public-
welfare posts and placements, transferred employment, ventures) at ten times the demo's
scale, i.e. about a hundred thousand records. Timings are of full requests through Django's
test Client as the city leader (whose scope is all of Guangyuan), after one warm-up request:
the city page (its counties as rows), the county page (townships) and the API.
"""

from __future__ import annotations

import argparse

from _common import Timer, configure, db_label, say, user
from list_bench import build, measure

SCALE = 10


def add_five_lists() -> None:
    from fupin.reports.demo import five_lists_demo

    timer = Timer()
    line = five_lists_demo(county="510802", actor=user("admin"), scale=SCALE)
    say(f"  {line} ({timer.seconds:.0f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=500_000)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    configure(db=args.db, name=f"list_{args.people}", fresh=args.rebuild)
    from django.test import Client

    from fupin.employment.models import Employment
    from fupin.registry.models import Person
    from fupin.training.models import Enrolment

    if Person.objects.count() < args.people:
        say(f"building {args.people:,} people …")
        build(args.people)
    if not Enrolment.objects.exists():
        say("adding the five lists …")
        add_five_lists()
    client = Client()
    client.force_login(user("leader"))
    print(f"{Person.objects.count():,} people, {Enrolment.objects.count():,} enrolments, "
          f"{Employment.objects.count():,} employments; {db_label()}, as leader (city)")
    print(f"{'request':<34} {'median':>8} {'max':>8} {'queries':>7}")
    for label, url in [
        ("city page (counties)", "/reports/indicators/?area=5108&year=2017"),
        ("county page (townships)", "/reports/indicators/?area=510802&year=2017"),
        ("API, city", "/api/v1/indicators/?area=5108&year=2017"),
    ]:
        r = measure(client, url, args.repeat)
        print(f"{label:<34} {r['median_ms']:>6.0f}ms {r['max_ms']:>6.0f}ms {r['queries']:>7}")


if __name__ == "__main__":
    main()
