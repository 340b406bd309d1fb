"""pytest fixtures of the area tree, shared by every app's tests (loaded from the root
conftest.py; they live here, not in core/testing, because core imports no domain app)."""

from __future__ import annotations

import csv
import io

import pytest

from .demo import guangyuan_csv


def small_area_csv() -> str:
    """A slice of the real Guangyuan file: the province, the city, Lizhou and Wangcang, the
    first two townships of each with their first two villages. Enough for every role."""
    rows = list(csv.DictReader(io.StringIO(guangyuan_csv())))
    keep = {"51", "5108", "510802", "510821"}
    for county in ("510802", "510821"):
        townships = sorted(r["code"] for r in rows if r["parent_code"] == county)[:2]
        keep.update(townships)
        for t in townships:
            keep.update(sorted(r["code"] for r in rows if r["parent_code"] == t)[:2])
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["code", "name", "level", "parent_code"])
    writer.writeheader()
    writer.writerows(r for r in rows if r["code"] in keep)
    return out.getvalue()


@pytest.fixture
def areas(db):
    from .selectors import clear_cache
    from .services import areas_load

    clear_cache()
    areas_load(text=small_area_csv())
    yield
    clear_cache()
