"""The indicator page over a city-sized registry with its five lists (issue: under 2 s for a
city of 500k people, aggregating in the database).

    .venv/bin/python benchmarks/indicator_bench.py --people 500000 --db sqlite
    .venv/bin/python benchmarks/indicator_bench.py --people 500000 --db postgres

It reuses the person database of list_bench.py (built the same way, kept between runs) and
adds, once, the five lists: the Lizhou 2017 demo records (courses and completions, public-
welfare posts and placements, transferred employment, ventures) at ten times the demo's
scale, i.e. about a hundred thousand records. Timings are of full requests through Django's
test Client as the city leader (whose scope is all of Guangyuan): the city page with no
figures stored yet (every figure computed from the records), after one village changed (that
village recomputed), and then, after one warm-up request, the city page (its counties as
rows), the county page (townships) and the API.
"""

from __future__ import annotations

import argparse
import statistics
import time

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
    city = "/reports/indicators/?area=5108&year=2017"
    print(f"{'request':<44} {'median':>8} {'max':>8} {'queries':>7}")
    row("city page, nothing stored yet (cold)", cold(client, city, args.repeat))
    row("city page, one village changed since", one_changed(client, city, args.repeat))
    for label, url in [
        ("city page (counties)", city),
        ("county page (townships)", "/reports/indicators/?area=510802&year=2017"),
        ("API, city", "/api/v1/indicators/?area=5108&year=2017"),
        ("zero-employment list, city", "/employment/zero-employment/?area=5108"),
        ("zero-employment list, one township", "/employment/zero-employment/?area=510802001"),
    ]:
        row(label, measure(client, url, args.repeat))


def row(label: str, r: dict) -> None:
    print(f"{label:<44} {r['median_ms']:>6.0f}ms {r['max_ms']:>6.0f}ms {r['queries']:>7}",
          flush=True)


def timed(client, url: str, before, repeat: int) -> dict:
    """Median and slowest of `repeat` requests, each after `before()` (not timed)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    for _ in range(repeat):
        before()
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return {"median_ms": statistics.median(times), "max_ms": max(times),
            "queries": len(queries.captured_queries)}


def cold(client, url: str, repeat: int) -> dict:
    """Every figure computed from the records: what the first reader after a deployment
    (or the first of the day, for the current year, without the nightly refresh) waits."""
    from fupin.core.models import AreaFigure, AreaFigureSet

    def forget():
        AreaFigure.objects.all().delete()
        AreaFigureSet.objects.all().delete()

    return timed(client, url, forget, repeat)


def one_changed(client, url: str, repeat: int) -> dict:
    """A village worker saved one record since the last reader: that village is recomputed."""
    from fupin.core import stamps
    from fupin.registry.models import Person

    village = Person.objects.values_list("area_code", flat=True).first()
    client.get(url)
    return timed(client, url, lambda: stamps.touch([village]), repeat)


if __name__ == "__main__":
    main()
