"""The follow-up visit policy (回访设置): the one settings row, read by the plans, changed by an
administrator on the settings page (with history)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.core.errors import ConcurrentEditError, ServiceError
from fupin.core.roles import Role

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
    return bool(user and user.is_authenticated and
                (user.is_superuser or getattr(user, "role", None) == Role.ADMIN))


@transaction.atomic
def policy_update(*, actor, data: dict, expected_version: int | None) -> VisitPolicy:
    """Change the policy (administrators only), with the lost-update guard and history. Every
    plan is then derived again under the new rules by the worker (plans.replan_task, queued
    once this transaction commits; the settings page follows its progress)."""
    from . import plans

    if not may_edit(actor):
        raise ServiceError(_("只有系统管理员可以修改回访设置。"))
    policy()
    current = VisitPolicy.objects.select_for_update().get(pk=1)
    if expected_version is not None and current.version != int(expected_version):
        raise ConcurrentEditError(
            _("回访设置已被他人修改（您打开时为第 %(mine)s 版，现为第 %(now)s 版），"
              "请刷新后再修改。") % {"mine": expected_version, "now": current.version})
    changed = False
    for field in EDITABLE:
        if field in data and getattr(current, field) != data[field]:
            setattr(current, field, data[field])
            changed = True
    if not changed:
        return current
    try:
        current.full_clean()
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise ServiceError(messages[0], field=field) from exc
    current.version += 1
    current.updated_at = timezone.now()
    current._history_user = actor
    current.save()
    version = current.version
    transaction.on_commit(lambda: plans.replan_enqueue(version=version, actor=actor))
    return current
