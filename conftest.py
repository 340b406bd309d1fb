import pytest
from django.utils import translation

from fupin.accounts.testing import demo_users, scope_users  # noqa: F401
from fupin.areas.testing import areas  # noqa: F401
from fupin.core.testing.fixtures import login  # noqa: F401


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language (zh-hans): a test that switches to English
    through a request or `activate` must not change what the next one reads."""
    translation.activate("zh-hans")
    yield
    translation.deactivate()
