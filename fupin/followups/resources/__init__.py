"""The module's Resources (core/resources.py), one file per record kind."""

from .visits import visits  # noqa: F401
