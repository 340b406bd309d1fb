"""The person list page over a city-sized registry: first page, a filtered page, a pinyin
search and deep pages, as a county officer (利州区经办, who sees all of them).

    .venv/bin/python benchmarks/list_bench.py --people 500000 --db sqlite
    .venv/bin/python benchmarks/list_bench.py --people 500000 --db postgres

The database (var/bench/list-<people>.sqlite3 or PostgreSQL `fupin_bench_list_<people>`) is
built once and kept; --rebuild makes it again. Building: the first 50,000 people go through
the real import (`importer.commit` of `generator.roster_rows`, so every value is what the
product stores); the rest are copies of them made in SQL with new keys, ID hashes and
household numbers, so that the tables have the real width, indexes and value spread. Timings
are of full requests through Django's test Client (middleware, session, template), after one
warm-up request, median and slowest of --repeat.
"""

from __future__ import annotations

import argparse
import statistics
import time

from _common import Timer, configure, db_label, say, user

BASE = 50_000
SEED = 500


def build(people: int) -> None:
    from django.db import connection, transaction

    from fupin.core.tabular import importer
    from fupin.core.tabular.reader import Table
    from fupin.registry.generator import roster_rows
    from fupin.registry.imports import persons_import
    from fupin.registry.models import Household, Person

    base = min(people, BASE)
    timer = Timer()
    header = [c.label for c in persons_import.columns]
    rows = [header, *roster_rows(area="510802", persons=base, seed=SEED)]
    table = Table(rows=rows, sheet_name="bench", row_numbers=list(range(1, len(rows) + 1)))
    report = importer.commit(persons_import, table, actor=user("lizhou_county"))
    assert report.ok, report.errors[:3]
    del rows, table
    say(f"  imported {base:,} people in {timer.seconds:.0f} s")
    copies = -(-people // base) - 1
    if copies:
        top_person = Person.objects.order_by("-pk").values_list("pk", flat=True)[0]
        top_household = Household.objects.order_by("-pk").values_list("pk", flat=True)[0]
        qn = connection.ops.quote_name
        with transaction.atomic(), connection.cursor() as cursor:
            for k in range(1, copies + 1):
                cursor.execute(_copy_sql(Household, k, top_person, top_household, qn))
                limit = min(base, people - k * base)
                cursor.execute(_copy_sql(Person, k, top_person, top_household, qn)
                               + f" ORDER BY id LIMIT {limit}")
            if connection.vendor == "postgresql":
                for model in (Person, Household):
                    cursor.execute(f"SELECT setval(pg_get_serial_sequence("
                                   f"'{model._meta.db_table}', 'id'), "
                                   f"(SELECT MAX(id) FROM {qn(model._meta.db_table)}))")
        say(f"  copied to {Person.objects.count():,} people in {timer.seconds:.0f} s")


def _copy_sql(model, k: int, top_person: int, top_household: int, qn) -> str:
    """INSERT … SELECT of copy k of the original rows, with keys shifted past the originals."""
    tag = f"{k:06d}"
    override = {
        "id": f"id + {k * (top_person if model.__name__ == 'Person' else top_household)}",
        "household_id": f"household_id + {k * top_household}",
        "head_id": f"head_id + {k * top_person}",
        "number": f"number || '-{k}'",
        "id_number_hash": f"substr(id_number_hash, 1, 58) || '{tag}'",
    }
    columns = [f.column for f in model._meta.concrete_fields]
    select = ", ".join(override.get(c, qn(c)) for c in columns)
    table = qn(model._meta.db_table)
    bound = top_person if model.__name__ == "Person" else top_household
    return (f"INSERT INTO {table} ({', '.join(qn(c) for c in columns)}) "
            f"SELECT {select} FROM {table} WHERE id <= {bound}")


def measure(client, url: str, repeat: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)  # warm-up (and the page is checked)
    assert response.status_code == 200, (url, response.status_code)
    rows = response.content.decode().count("<tr data-pk=")
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    return {"url": url, "rows": rows, "median_ms": statistics.median(times),
            "max_ms": max(times), "queries": len(queries.captured_queries),
            "count_queries": len(counts)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=500_000)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    configure(db=args.db, name=f"list_{args.people}", fresh=args.rebuild)
    from django.test import Client

    from fupin.registry.models import Person

    count = Person.objects.count()
    if count < args.people:
        if count:
            raise SystemExit(f"the kept database has {count:,} people: use --rebuild")
        say(f"building {args.people:,} people …")
        build(args.people)
    pks = list(Person.objects.order_by("pk").values_list("pk", flat=True)[:: max(1, args.people
                                                                                 // 10)])
    deep = pks[1]  # about 90% of the way down the list (pages run from the newest)
    client = Client()
    client.force_login(user("lizhou_county"))
    urls = [
        ("first page", "/registry/persons/"),
        ("filtered: 普通劳动力, incomplete", "/registry/persons/?labour_capacity=01&complete=no"),
        ("search ?q=zs (pinyin, no match)", "/registry/persons/?q=zs"),
        ("search ?q=zj (pinyin, matches)", "/registry/persons/?q=zj"),
        ("deep page ?after=…", f"/registry/persons/?after={deep}"),
        ("deep filtered page", f"/registry/persons/?labour_capacity=01&complete=no"
                               f"&after={deep}"),
        ("deep search page", f"/registry/persons/?q=zj&after={deep}"),
        ("search by name, no match", "/registry/persons/?q=%E9%BE%98"),  # 龘
    ]
    print(f"{Person.objects.count():,} people, {db_label()}, as lizhou_county")
    print(f"{'page':<34} {'rows':>4} {'median':>8} {'max':>8} {'queries':>7} {'COUNT':>5}")
    for label, url in urls:
        r = measure(client, url, args.repeat)
        print(f"{label:<34} {r['rows']:>4} {r['median_ms']:>6.0f}ms {r['max_ms']:>6.0f}ms "
              f"{r['queries']:>7} {r['count_queries']:>5}")


if __name__ == "__main__":
    main()
