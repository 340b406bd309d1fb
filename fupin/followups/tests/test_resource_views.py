"""The follow-up lists on the shared test bases (core/testing/resources.py)."""

from fupin.core.testing.resources import ResourceTests
from fupin.followups.resources import plans
from fupin.followups.tests import factories  # noqa: F401  (registers the factories)


class TestPlanViews(ResourceTests):
    """Derived by plans.py: every page and API write is refused."""

    resource = plans
    read_only = True
