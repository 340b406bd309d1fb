"""pytest fixtures of the demo users, shared by every app's tests (loaded from the root
conftest.py; they live here, not in core/testing, because core imports no domain app)."""

from __future__ import annotations

import pytest

from fupin.core.testing.fixtures import TEST_PASSWORD


@pytest.fixture
def demo_users(areas):
    """One user per role, as `fupin demo` makes them, keyed by username."""
    from .demo import demo_users as make

    return {u.username: u for u in make(password=TEST_PASSWORD)}


@pytest.fixture
def scope_users(demo_users):
    """A user who may import at each scope level that imports (DESIGN §1), every scope
    holding 陈家壕社区 (village_b's village): village, township, county, and city (an
    administrator scoped to the city, not a superuser, so that the scope really applies)."""
    from fupin.core.roles import Role

    from .services import user_upsert

    city, _changed = user_upsert(username="city_admin", role=Role.ADMIN, scope_code="5108",
                                 password=TEST_PASSWORD, full_name="市级管理员")
    return {"village": demo_users["village_b"], "township": demo_users["lizhou_township"],
            "county": demo_users["lizhou_county"], "city": city}
