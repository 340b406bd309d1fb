"""The reconciliation with the national system over a city-sized registry (issue 8 item 5:
the working list must work at city scale, 500k people, aggregating in the database).

    .venv/bin/python benchmarks/national_bench.py --people 500000 --db sqlite
    .venv/bin/python benchmarks/national_bench.py --people 500000 --db postgres

It reuses the person database of list_bench.py (built the same way, kept between runs) and
adds, once, what a national file would have left: a report dated 2017-10-31 for every person
but one in 25 (those are "not listed"), one in 7 reported as 省外务工 (most of them with no
employment record), and the household sizes of the file (one household in 20 off by one).
These are written with plain SQL (no history: a benchmark's data). Timings are of full
requests through Django's test Client as the city leader (whose scope is all of Guangyuan).
"""

from __future__ import annotations

import argparse
import datetime

from _common import Timer, configure, db_label, say, user
from indicator_bench import cold, row
from list_bench import build, measure

DAY = datetime.date(2017, 10, 31)


def add_national_data() -> None:
    from django.db import connection
    from django.utils import timezone

    timer = Timer()
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO registry_nationalreport (area_code, version, created_at, updated_at,"
            " retired_at, retired_reason, person_id, reported_on, listed, work_status,"
            " work_months, work_location, employer_name, post_kind, post_months, job_channel,"
            " working, outdated_at, outdated_reason)"
            " SELECT area_code, 1, %s, %s, NULL, '', id, %s, TRUE,"
            " CASE WHEN id %% 7 = 0 THEN '04' ELSE '09' END, NULL, '', '', '', NULL, '',"
            " (id %% 7 = 0), NULL, '' FROM registry_person WHERE id %% 25 <> 0",
            [now, now, DAY])
        cursor.execute(
            "UPDATE registry_household SET national_reported_on = %s, national_size ="
            " (SELECT COUNT(*) FROM registry_person p WHERE p.household_id ="
            " registry_household.id) + CASE WHEN id %% 20 = 0 THEN 1 ELSE 0 END", [DAY])
    say(f"  national reports and household sizes added ({timer.seconds:.0f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=500_000)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    configure(db=args.db, name=f"list_{args.people}", fresh=args.rebuild)
    from django.test import Client

    from fupin.registry.models import NationalReport, Person

    if Person.objects.count() < args.people:
        say(f"building {args.people:,} people …")
        build(args.people)
    if not NationalReport.objects.exists():
        say("adding the national file's reports …")
        add_national_data()
    client = Client()
    client.force_login(user("leader"))
    village = Person.objects.values_list("area_code", flat=True).order_by("pk").first()
    print(f"{Person.objects.count():,} people, {NationalReport.objects.count():,} national "
          f"reports; {db_label()}, as leader (city)")
    print(f"{'request':<44} {'median':>8} {'max':>8} {'queries':>7}")
    for label, url in [
        ("reconciliation, city (counties)", "/registry/national/?area=5108"),
        ("reconciliation, county (townships)", "/registry/national/?area=510802"),
        ("reconciliation, one village's list", f"/registry/national/?area={village}"),
        ("API counts, city", "/api/v1/national-reports/mismatches/?area=5108"),
    ]:
        row(label, measure(client, url, args.repeat))
    row("indicator page, city, nothing stored (cold)",
        cold(client, "/reports/indicators/?area=5108&year=2017", args.repeat))


if __name__ == "__main__":
    main()
