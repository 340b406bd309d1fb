"""Foreign-row builders of the module's import specs (core/testing/foreign.py), one file per
part, imported here where the generic test's autodiscovery looks."""

from . import foreign_rows_prescriptions  # noqa: F401
