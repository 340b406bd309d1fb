"""The module's ImportSpecs, one file per part (found through this package by
core.tabular.spec's autodiscovery)."""

from . import prescriptions  # noqa: F401
