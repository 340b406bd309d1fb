"""Record factories of technology aid, one file per part (found by
core.testing.factories.autodiscover through this module)."""

from .factories_catalog import *  # noqa: F401,F403
from .factories_consultations import *  # noqa: F401,F403
from .factories_figures import *  # noqa: F401,F403
from .factories_pairing import *  # noqa: F401,F403
from .factories_prescriptions import *  # noqa: F401,F403
