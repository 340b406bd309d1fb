"""/api/v1/techaid/…, one file per part."""

from . import catalog, consultations, figures, pairing, prescriptions  # noqa: F401
