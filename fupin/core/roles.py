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


# the roles that do the lists' daily work: they write records and work with people by name
# and number (DESIGN §1); OFFICERS are those above the village
OFFICERS = frozenset({Role.ADMIN, Role.COUNTY_OFFICER, Role.TOWNSHIP_OFFICER})
STAFF_ROLES = OFFICERS | {Role.VILLAGE_WORKER}

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


# --- who manages whose account (DESIGN §1: "roles and scopes are given only at or below one's
# own") ------------------------------------------------------------------------------------

# A role's rank: what it may do, not where. Oversight roles that read or inspect whole areas
# (leader, inspector) rank with the county officer, so only an administrator gives them; the
# county's expert ranks with the township officer and the technician with the village worker
# (they change no registry records outside their service), so a county officer gives them.
ROLE_RANK = {
    Role.ADMIN: 4,
    Role.COUNTY_OFFICER: 3,
    Role.LEADER: 3,
    Role.INSPECTOR: 3,
    Role.TOWNSHIP_OFFICER: 2,
    Role.EXPERT: 2,
    Role.VILLAGE_WORKER: 1,
    Role.TECHNICIAN: 1,
}

# The shortest scope code a role's account may have (DESIGN §1's "typical scope"): a village
# worker works in one village, a township officer in one township, … A narrower scope is
# always allowed (a technician serving one village); a wider one never.
ROLE_SCOPE_MIN_LENGTH = {
    Role.ADMIN: 2,
    Role.LEADER: 2,
    Role.INSPECTOR: 2,
    Role.COUNTY_OFFICER: 6,
    Role.EXPERT: 6,
    Role.TOWNSHIP_OFFICER: 9,
    Role.TECHNICIAN: 9,
    Role.VILLAGE_WORKER: 12,
}

# The roles that manage accounts in the product (DESIGN §1 names the county officer; a
# township's village workers are the county's staff, so township officers do not).
ACCOUNT_MANAGER_ROLES = frozenset({Role.ADMIN, Role.COUNTY_OFFICER})


def can_manage_accounts(user) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or getattr(user, "role", None) in ACCOUNT_MANAGER_ROLES


def assignable_roles(user) -> list[str]:
    """The roles `user` may give (and so the accounts of which roles they manage): an
    administrator any role, another manager only the roles ranked below their own (a county
    officer cannot make a second county officer, nor an administrator, leader or inspector)."""
    if not can_manage_accounts(user):
        return []
    if user.is_superuser or user.role == Role.ADMIN:
        return [r for r, _label in Role.choices]
    own = ROLE_RANK[user.role]
    return [r for r, _label in Role.choices if ROLE_RANK[r] < own]
