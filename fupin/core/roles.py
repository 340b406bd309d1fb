"""Roles (DESIGN §1). Kept in core so that every app can name them without importing accounts."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("系统管理员")
    COUNTY_OFFICER = "county_officer", _("区县经办")
    TOWNSHIP_OFFICER = "township_officer", _("乡镇经办")
    VILLAGE_WORKER = "village_worker", _("村级专职人员")
    LEADER = "leader", _("领导")
    INSPECTOR = "inspector", _("督查员")
    EXPERT = "expert", _("专家")
    TECHNICIAN = "technician", _("产业技术员")


# roles that read but never change anything
READ_ONLY_ROLES = frozenset({Role.LEADER})


def can_write(user, model) -> bool:
    """Whether the user's role may create or change records of `model` at all.

    Scope is checked separately (scoping.assert_in_scope); this answers only the role.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    role = getattr(user, "role", None)
    if role in READ_ONLY_ROLES:
        return False
    return role in getattr(model, "write_roles", frozenset())


def can_restore(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)
                and (user.is_superuser or getattr(user, "role", None) == Role.ADMIN))
