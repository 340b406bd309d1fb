"""The needs list's rules (提出 → 已受理 → 已解决 / 无法解决): the effects of the closing steps.
The table is in models.Need.workflow; the steps run through core.workflows.transition."""

from __future__ import annotations

from django.utils import timezone


def need_meet(need, actor, payload: dict) -> dict:
    """Sets met_by, resolution, closed_on and the linked record (checked: in the actor's
    scope, about the same person or household). TODO(needs helper)."""
    need.met_by = payload.get("met_by", "")
    need.resolution = payload.get("resolution", "")
    need.closed_on = timezone.localdate()
    return payload


def need_fail(need, actor, payload: dict) -> dict:
    need.closed_on = timezone.localdate()
    return payload


def notify_raiser(need, event, actor) -> None:
    """TODO(needs helper): tell the raiser the need was closed."""
