"""Reads of missions and prescriptions for other parts (the household's section of the
pairing part, the figures part): always through the user's scope."""

from __future__ import annotations

from .models import Mission, Prescription


def village_mission(*, user, area_code: str) -> Mission | None:
    """The village's active mission, if the user may see it."""
    return (Mission.objects.visible_to(user).active().filter(area_code=area_code)
            .select_related("leader").first())


def village_prescriptions(*, user, area_code: str, industry_ids=None, issued_only=True):
    """The active prescriptions of a village (issued ones only by default), optionally of
    some industries, newest year first, with their measures in order (prefetched)."""
    qs = Prescription.objects.visible_to(user).active().filter(area_code=area_code)
    if issued_only:
        qs = qs.filter(status=Prescription.Status.ISSUED)
    if industry_ids is not None:
        qs = qs.filter(industry_id__in=list(industry_ids))
    return (qs.select_related("industry", "mission", "signed_by")
            .prefetch_related("measures").order_by("-year", "industry__order", "number"))
