import pytest
from django.utils import translation

from fupin.core.testing.fixtures import areas, demo_users, login, scope_users  # noqa: F401


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language (zh-hans): a test that switches to English
    through a request or `activate` must not change what the next one reads."""
    translation.activate("zh-hans")
    yield
    translation.deactivate()
