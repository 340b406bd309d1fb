"""pytest fixtures shared by every app's tests (loaded from the root conftest.py). The
fixtures of the area tree and the demo users live with their apps (fupin/areas/testing.py,
fupin/accounts/testing.py): core imports no domain app."""

from __future__ import annotations

import pytest

TEST_PASSWORD = "Guangyuan@2017"


@pytest.fixture
def login(client):
    """login(user) -> a Django test client signed in as that user."""

    def _login(user, c=None):
        c = c or client
        c.force_login(user)
        return c

    return _login
