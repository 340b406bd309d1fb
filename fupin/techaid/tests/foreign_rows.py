"""Foreign rows of the module's spreadsheets (core/testing/foreign.py), one file per part."""

from .foreign_rows_pairing import *  # noqa: F401,F403
