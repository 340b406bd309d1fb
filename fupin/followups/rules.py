"""The follow-up visit policy (回访设置): the one settings row, read by the plans, changed by an
administrator on the settings page (with history)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from fupin.core import services

from .models import Category, Reason, VisitPolicy

EDITABLE = ["regular_days", "needs_days", "key_days", "unemployed_days", "rule_zero_household",
            "rule_disabled_ill", "unemployed_months", "women_age", "men_age", "regular_weight",
            "needs_weight", "key_weight", "key_reminder_days", "on_time_threshold"]


def policy() -> VisitPolicy:
    """The policy row (pk 1), created with the defaults on first read."""
    obj, _created = VisitPolicy.objects.get_or_create(pk=1)
    return obj


def interval(policy: VisitPolicy, category: str, reason: str = "") -> int:
    if category == Category.KEY:
        return policy.key_days
    if category == Category.NEEDS:
        return policy.needs_days
    if reason == Reason.UNEMPLOYED:
        return policy.unemployed_days
    return policy.regular_days


def weight(policy: VisitPolicy, category: str) -> int:
    return {Category.KEY: policy.key_weight, Category.NEEDS: policy.needs_weight}.get(
        category, policy.regular_weight)


def may_edit(user) -> bool:
    return services.settings_may_edit(user)


@transaction.atomic
def policy_update(*, actor, data: dict, expected_version: int | None) -> VisitPolicy:
    """Change the policy (administrators only), with the lost-update guard and history. Every
    plan is then derived again under the new rules by the worker (plans.replan_task, queued
    once this transaction commits; the settings page follows its progress)."""
    from . import plans

    current, changed = services.settings_update(
        model=VisitPolicy, actor=actor, data=data, fields=EDITABLE,
        expected_version=expected_version, what=_("回访设置"))
    if changed:
        version = current.version
        transaction.on_commit(lambda: plans.replan_enqueue(version=version, actor=actor))
    return current
