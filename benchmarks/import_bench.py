"""Import throughput: the real roster import against the floor of inserting the same rows.

    .venv/bin/python benchmarks/import_bench.py --rows 100000 --db sqlite
    .venv/bin/python benchmarks/import_bench.py --rows 100000 --db postgres
    .venv/bin/python benchmarks/import_bench.py --rows 100000 --db both

* import: `importer.load` of the .xlsx bytes (python-calamine) and
  `importer.commit(persons_import, table, actor=lizhou_county)` — every cell parsed, every ID
  checked, duplicates looked up, personal data encrypted and hashed, households grouped and
  numbered, history written for every record, all in one transaction.
* floor: the same people and households, their field values computed beforehand (untimed),
  inserted with `bulk_create` in one transaction: no reading, parsing, validation,
  encryption or history.

Each measurement runs in its own process on its own fresh database (var/bench/*.sqlite3 or
PostgreSQL `fupin_bench_import` / `fupin_bench_floor`), so neither warms the other's cache.
The roster file is written once and cached (var/bench/roster-<area>-<rows>-s<seed>.xlsx).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from _common import Timer, configure, db_label, max_rss_mb, say, user

HERE = Path(__file__).resolve()


def actor_for(area: str) -> str:
    return "lizhou_county" if area.startswith("510802") else "admin"


# ---------------------------------------------------------------------------------------
# the measured phases (each in a child process)


def phase_import(args) -> dict:
    configure(db=args.db, name="import")
    from django.db import connection
    from roster import ensure_roster

    from fupin.core.tabular import importer
    from fupin.registry.imports import persons_import
    from fupin.registry.models import Household, Person

    path = ensure_roster(area=args.area, rows=args.rows, seed=args.seed)
    actor = user(actor_for(args.area))
    data = path.read_bytes()
    marks: dict[str, float] = {}
    timer = Timer()

    def progress(phase, done, total):
        marks[phase] = timer.seconds

    profiler = None
    if args.profile:
        import cProfile

        # CPU time by default (steady on a shared machine); BENCH_WALL=1 for wall-clock
        clock = time.perf_counter if os.environ.get("BENCH_WALL") else time.process_time
        profiler = cProfile.Profile(clock)
        profiler.enable()
    table = importer.load(data, path.name)
    read_s = timer.seconds
    report = importer.commit(persons_import, table, actor=actor, progress=progress)
    total_s, cpu_s = timer.seconds, timer.cpu
    if profiler:
        profiler.disable()
        profiler.dump_stats(args.profile)
    if not report.ok:
        raise SystemExit(f"import refused: {report.error_rows} bad rows, "
                         f"first: {report.errors[:3]}")
    people = Person.objects.count()
    assert people == args.rows, people
    assert Person.history.filter(history_type="+").count() == people
    households = Household.objects.count()
    assert Household.history.filter(history_type="+").count() == households
    assert not Household.objects.filter(head__isnull=True).exists()
    validate_end = marks.get("validate", read_s)
    return {
        "phase": "import", "db": db_label(), "vendor": connection.vendor, "rows": people,
        "households": households, "file_mb": round(len(data) / 1e6, 1),
        "read_s": round(read_s, 2), "validate_s": round(validate_end - read_s, 2),
        "write_s": round(total_s - validate_end, 2), "total_s": round(total_s, 2),
        "cpu_s": round(cpu_s, 2), "rows_per_s": round(people / total_s),
        "rows_per_cpu_s": round(people / cpu_s), "max_rss_mb": round(max_rss_mb()),
    }


def floor_objects(rows: list[list]):
    """Households and people with every stored value computed beforehand (untimed): the
    person spec's columns mapped to codes, and `person_prepare` for the derived fields."""
    from django.utils import timezone

    from fupin.core import codes
    from fupin.registry import imports
    from fupin.registry.models import Household, Person
    from fupin.registry.services import person_prepare

    columns = imports.persons_import.columns
    key = {c.key: i for i, c in enumerate(columns)}
    kinds = {c.key: c.kind for c in columns}
    code_of = {c.key: {label: code for code, label in c.choices().items()}
               for c in columns if c.kind == "choice"}
    code_of["relation"] = {label: code for code, label in codes.labels("relation").items()}

    def value(v, field):
        raw = v.get(field, "")
        if field in code_of:
            return code_of[field].get(raw, "")
        if kinds.get(field) == "bool":
            return {"是": True, "否": False}.get(raw)
        if kinds.get(field) == "int":
            return int(raw) if raw != "" else None
        return raw

    now = timezone.now()
    households: dict[str, Household] = {}
    people: list[tuple[str, Person]] = []
    for row in rows:
        v = {k: row[i] for k, i in key.items()}
        number = v["household_number"]
        if number not in households:
            households[number] = Household(
                number=number, area_code=v["area_code"], created_at=now, updated_at=now,
                **{f: value(v, f) for f in imports.HOUSEHOLD_FIELDS})
        person = Person(area_code=v["area_code"], created_at=now, updated_at=now)
        person_prepare(person, data={f: value(v, f) for f in imports.PERSON_FIELDS},
                       protected={f: v.get(f, "") for f in imports.PROTECTED_FIELDS})
        people.append((number, person))
    return households, people


def phase_floor(args) -> dict:
    """The same rows, values computed beforehand, inserted in one transaction (with the
    import's SQLite page cache). "floor": the ORM's bulk_create, no history. "rawfloor":
    executemany/COPY of the prepared values, with the history rows, the way the import's
    BulkWriter writes them: what the database itself needs."""
    configure(db=args.db, name=args.phase)
    from django.db import connection, transaction
    from django.utils import timezone

    from fupin.core.tabular import importer
    from fupin.registry.generator import roster_rows
    from fupin.registry.models import Household, Person

    rows = list(roster_rows(area=args.area, persons=args.rows, seed=args.seed))
    households, people = floor_objects(rows)
    del rows
    actor = user(actor_for(args.area))
    timer = Timer()
    with importer._database_tuned_for_import(), transaction.atomic():
        if args.phase == "floor":
            Household.objects.bulk_create(households.values())
        else:
            now = timezone.now()
            importer.BulkWriter(Household, actor=actor).create(list(households.values()),
                                                              when=now)
        for number, person in people:
            person.household_id = households[number].pk
        if args.phase == "floor":
            Person.objects.bulk_create([p for _n, p in people])
        else:
            writer = importer.BulkWriter(Person, actor=actor)
            for i in range(0, len(people), importer.CHUNK):
                writer.create([p for _n, p in people[i:i + importer.CHUNK]], when=now)
    total_s, cpu_s = timer.seconds, timer.cpu
    count = Person.objects.count()
    assert count == args.rows, count
    return {"phase": args.phase, "db": db_label(), "vendor": connection.vendor, "rows": count,
            "households": len(households), "total_s": round(total_s, 2),
            "cpu_s": round(cpu_s, 2), "rows_per_s": round(count / total_s),
            "rows_per_cpu_s": round(count / cpu_s), "max_rss_mb": round(max_rss_mb())}


# ---------------------------------------------------------------------------------------
# the driver


def child(phase: str, db: str, args) -> dict:
    cmd = [sys.executable, str(HERE), "--phase", phase, "--db", db, "--rows", str(args.rows),
           "--area", args.area, "--seed", str(args.seed)]
    if args.profile and phase == "import":
        cmd += ["--profile", args.profile]
    out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument("--area", default="510802", help="county (510802) or city (5108)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", choices=["import", "floor", "rawfloor"])
    parser.add_argument("--profile", help="cProfile output file for the import phase")
    parser.add_argument("--phase", choices=["import", "floor", "rawfloor"],
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        result = phase_import(args) if args.phase == "import" else phase_floor(args)
        print(json.dumps(result))
        return
    # The roster file is written once, before anything is timed (it needs the area tree).
    configure(db="sqlite", name="areas", fresh=False)
    from roster import ensure_roster

    ensure_roster(area=args.area, rows=args.rows, seed=args.seed)
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    phases = [args.only] if args.only else ["floor", "rawfloor", "import"]
    print(f"{args.rows:,} people from {args.area}, seed {args.seed}")
    for db in dbs:
        results = {}
        for phase in phases:
            say(f"{db}: {phase} …")
            results[phase] = r = child(phase, db, args)
            line = (f"{r['db']:<18} {phase:<8} {r['total_s']:7.1f} s {r['rows_per_s']:>7,} rows/s"
                    f"   CPU {r['cpu_s']:6.1f} s {r['rows_per_cpu_s']:>7,} rows/CPU-s")
            if phase == "import":
                line += (f"   (read {r['read_s']} s, validate {r['validate_s']} s, write "
                         f"{r['write_s']} s; max RSS {r['max_rss_mb']} MB)")
            print(f"{line}   {r['households']:,} households")
        if "import" in results:
            for floor in ("floor", "rawfloor"):
                if floor in results:
                    wall = results["import"]["total_s"] / results[floor]["total_s"]
                    cpu = results["import"]["cpu_s"] / results[floor]["cpu_s"]
                    print(f"{results['import']['db']:<18} import / {floor}: {wall:.2f}x wall, "
                          f"{cpu:.2f}x CPU")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
