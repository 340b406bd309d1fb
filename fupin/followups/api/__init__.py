"""/api/v1/followups/…: plans (read-only), visits (offline sync, idempotent by client_key),
needs (with transitions), the day's working list. One file per part."""

from . import needs, plans, visits, worklist  # noqa: F401
