"""Shared set-up of the benchmarks: each run makes its own database (a SQLite file under
var/bench/ or a PostgreSQL database `fupin_bench…` created through the `fupin` role), never
touching var/fupin.sqlite3 or the test database.

Call `configure(db=..., name=...)` before anything imports Django models.
"""

from __future__ import annotations

import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
PG_ADMIN_URL = "postgres://fupin:fupin@127.0.0.1:5432/postgres"
PG_URL = "postgres://fupin:fupin@127.0.0.1:5432/{name}"


def _env() -> None:
    # Production settings (DEBUG off: no query log growing in memory), runnable on loopback.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fupin.settings")
    os.environ.setdefault("FUPIN_SECRET_KEY", "benchmark-secret-key-" + "x" * 40)
    os.environ.setdefault("FUPIN_FIELD_KEY", "benchmark-field-key-not-secret")
    os.environ.setdefault("FUPIN_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    os.environ.setdefault("FUPIN_SSL_REDIRECT", "0")
    os.environ["FUPIN_VAR_DIR"] = str(BENCH_DIR)


def sqlite_path(name: str) -> Path:
    return BENCH_DIR / f"{name}.sqlite3"


def pg_name(name: str) -> str:
    return "fupin_bench" if name == "bench" else f"fupin_bench_{name}"


def _drop_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def _recreate_pg(dbname: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{dbname}"')


def pg_exists(dbname: str) -> bool:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                            [dbname]).fetchone() is not None


def configure(*, db: str, name: str, fresh: bool = True) -> bool:
    """Point Django at the benchmark database `name` on `db` ("sqlite" or "postgres"),
    (re)create it when `fresh` or missing, migrate it and load the areas and demo users.
    Returns whether the database was (re)built."""
    _env()
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    if db == "sqlite":
        path = sqlite_path(name)
        built = fresh or not path.exists()
        if built:
            _drop_sqlite(path)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    elif db == "postgres":
        dbname = pg_name(name)
        built = fresh or not pg_exists(dbname)
        if built:
            _recreate_pg(dbname)
        os.environ["DATABASE_URL"] = PG_URL.format(name=dbname)
    else:
        raise SystemExit(f"unknown --db {db!r}: sqlite or postgres")
    import django

    django.setup()
    if built:
        prepare()
    else:  # a kept database follows the code's migrations
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
    return built


def prepare() -> None:
    """Schema, the Guangyuan area tree and the demo users (as `fupin demo`, without its
    sample households)."""
    from importlib.resources import files

    from django.core.management import call_command

    from fupin.accounts.demo import DEMO_PASSWORD, demo_users
    from fupin.areas.services import areas_load

    call_command("migrate", verbosity=0)
    text = files("fupin.areas").joinpath("data/guangyuan-2023.csv").read_text("utf-8-sig")
    areas_load(text=text)
    demo_users(password=DEMO_PASSWORD)


def user(username: str):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


def db_label() -> str:
    from django.db import connection

    if connection.vendor == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return f"PostgreSQL {cursor.fetchone()[0].split()[0]}"


def max_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class Timer:
    """Wall-clock and CPU time of this process since creation. On a shared machine the CPU
    time is the steadier figure (it does not count waiting for a core, nor the database
    server's own work on PostgreSQL)."""

    def __init__(self):
        self.start = time.perf_counter()
        self.cpu_start = cpu_seconds()

    @property
    def seconds(self) -> float:
        return time.perf_counter() - self.start

    @property
    def cpu(self) -> float:
        return cpu_seconds() - self.cpu_start


def say(*parts) -> None:
    print(*parts, file=sys.stderr, flush=True)
