"""The module's import specs, one file per part (found through this package by
core.tabular.spec's autodiscovery)."""

from . import (
    pairing,  # noqa: F401
    prescriptions,  # noqa: F401
)
