"""The module's Resources (core/resources.py), one file per part."""

from . import catalog, consultations, figures, pairing, prescriptions  # noqa: F401
