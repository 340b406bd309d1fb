"""Foreign rows of the module's import specs (core/testing/foreign.py), one file per part,
imported here where the generic test's autodiscovery looks."""

from . import (
    foreign_rows_catalog,  # noqa: F401
    foreign_rows_pairing,  # noqa: F401
    foreign_rows_prescriptions,  # noqa: F401
)
