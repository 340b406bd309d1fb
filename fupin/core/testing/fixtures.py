"""pytest fixtures shared by every app's tests (loaded from the root conftest.py)."""

from __future__ import annotations

import csv
import io
from importlib.resources import files

import pytest

TEST_PASSWORD = "Guangyuan@2017"


def small_area_csv() -> str:
    """A slice of the real Guangyuan file: the province, the city, Lizhou and Wangcang, the
    first two townships of each with their first two villages. Enough for every role."""
    text = files("fupin.areas").joinpath("data/guangyuan-2023.csv").read_text("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
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
    from fupin.areas.selectors import clear_cache
    from fupin.areas.services import areas_load

    clear_cache()
    areas_load(text=small_area_csv())
    yield
    clear_cache()


@pytest.fixture
def demo_users(areas):
    """One user per role, as `fupin demo` makes them, keyed by username."""
    from fupin.accounts.demo import demo_users as make

    return {u.username: u for u in make(password=TEST_PASSWORD)}


@pytest.fixture
def login(client):
    """login(user) -> a Django test client signed in as that user."""

    def _login(user, c=None):
        c = c or client
        c.force_login(user)
        return c

    return _login


@pytest.fixture
def scope_users(demo_users):
    """A user who may import at each scope level that imports (DESIGN §1), every scope
    holding 陈家壕社区 (village_b's village): village, township, county, and city (an
    administrator scoped to the city, not a superuser, so that the scope really applies)."""
    from fupin.accounts.services import user_upsert
    from fupin.core.roles import Role

    city, _changed = user_upsert(username="city_admin", role=Role.ADMIN, scope_code="5108",
                                 password=TEST_PASSWORD, full_name="市级管理员")
    return {"village": demo_users["village_b"], "township": demo_users["lizhou_township"],
            "county": demo_users["lizhou_county"], "city": city}
