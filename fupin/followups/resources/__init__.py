"""The module's Resources (core/resources.py), one file per record kind."""

from .needs import needs  # noqa: F401
from .plans import plans  # noqa: F401
from .visits import visits  # noqa: F401
