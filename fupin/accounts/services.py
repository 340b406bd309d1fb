from __future__ import annotations

import datetime
import secrets
from collections.abc import Callable
from importlib import import_module
from typing import TypeVar

from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.authtoken.models import Token

from fupin.core import scoping
from fupin.core.errors import ConcurrentEditError, ServiceError
from fupin.core.roles import ROLE_SCOPE_MIN_LENGTH, Role, assignable_roles, can_manage_accounts

from .models import LoginEvent
from .selectors import client_ip

T = TypeVar("T")


def login_event_record(*, request, username: str, user, result: str) -> LoginEvent:
    if request is None:
        channel = LoginEvent.Channel.COMMAND
    elif request.path.startswith("/api/"):
        channel = LoginEvent.Channel.API
    else:
        channel = LoginEvent.Channel.WEB
    agent = request.META.get("HTTP_USER_AGENT", "")[:300] if request is not None else ""
    return LoginEvent.objects.create(username=username[:150], user=user, ip=client_ip(request),
                                     result=result, channel=channel, user_agent=agent)


def token_issue(*, user) -> Token:
    """The user's API token; a new one once the old one has expired."""
    from .authentication import token_expired

    token, _created = Token.objects.get_or_create(user=user)
    if token_expired(token):
        token.delete()  # a spent credential, not a record: nothing to keep
        token = Token.objects.create(user=user)
    return token


def user_upsert(*, username: str, role: str, scope_code: str, password: str,
                full_name: str = "", is_superuser: bool = False):
    """Create a user, or bring an existing one to the given state; changes nothing (and
    writes no history) when it is already there."""
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    fields = {"role": role, "scope_area_id": scope_code, "full_name": full_name,
              "is_superuser": is_superuser, "is_staff": is_superuser, "is_active": True}
    if user is None:
        user = User(username=username, **fields)
        validate_password(password, user)
        user.set_password(password)
        user.save()
        return user, True
    changed = [k for k, v in fields.items() if getattr(user, k) != v]
    for k in changed:
        setattr(user, k, fields[k])
    if not user.check_password(password):
        validate_password(password, user)
        user.set_password(password)
        changed.append("password")
    if changed:
        user.save()
    return user, bool(changed)


def _session_keys(user) -> list[str]:
    """The keys of the user's live sessions, where sessions live in the database (the
    default). Other engines cannot be searched; there a password change still ends the
    other sessions through Django's session hash, and a deactivation through is_active."""
    if settings.SESSION_ENGINE not in ("django.contrib.sessions.backends.db",
                                       "django.contrib.sessions.backends.cached_db"):
        return []
    from django.contrib.sessions.models import Session

    wanted = str(user.pk)
    return [s.session_key for s in Session.objects.filter(expire_date__gt=timezone.now())
            .iterator(chunk_size=500) if s.get_decoded().get(SESSION_KEY) == wanted]


def credentials_revoke(*, user, result: str, request=None) -> None:
    """After a password change or a deactivation: the user's API tokens and every session
    but the one making the change stop working, and the login audit records it (with the
    address of whoever changed it, when a request did). Called by the User save signal, so
    that every way of changing a password (the 修改密码 page, the admin, set_password in a
    service or command) takes this path, in the transaction of the save."""
    Token.objects.filter(user=user).delete()  # spent credentials, not records
    current = getattr(getattr(request, "session", None), "session_key", None)
    engine = import_module(settings.SESSION_ENGINE)
    for key in _session_keys(user):
        if key != current:
            engine.SessionStore(session_key=key).delete()
    login_event_record(request=request, username=user.get_username(), user=user,
                       result=result)


@transaction.atomic
def password_change(*, actor, user, password: str) -> None:
    """Set a new password (already validated against AUTH_PASSWORD_VALIDATORS by the form);
    the save signal revokes the user's tokens and other sessions and records the change."""
    if actor.pk != user.pk:
        raise PermissionDenied(_("只能修改自己的密码。"))
    validate_password(password, user)
    user.set_password(password)
    user.must_change_password = False  # the first-login change is done
    user.save(update_fields=["password", "must_change_password"])


# --- account management (issue 9 item 6; DESIGN §1: a county officer manages the accounts
# of the county's townships and villages; roles and scopes only at or below one's own) -------

SCOPE_LEVEL_NAMES = {2: gettext_lazy("省"), 4: gettext_lazy("市"), 6: gettext_lazy("区县"),
                     9: gettext_lazy("乡镇"), 12: gettext_lazy("村")}
# no 0/O, 1/l/I: read aloud over the phone or copied from paper without mistakes
_PASSWORD_ALPHABET = {"upper": "ABCDEFGHJKLMNPQRSTUVWXYZ", "lower": "abcdefghijkmnpqrstuvwxyz",
                      "digit": "23456789"}
GENERATED_LENGTH = 12


class InitialPasswordHasher(PBKDF2PasswordHasher):
    """For generated passwords only: 12 random characters of 56 (≈ 70 bits) need no slow hash
    to resist guessing, and 300 accounts of an import are hashed in a moment instead of
    minutes. The same algorithm with fewer rounds: Django's own hasher verifies it, and at
    the first login (`check_password`'s upgrade) re-hashes the password with full rounds —
    which the user changes at once anyway."""

    iterations = 10_000


def hash_generated(password: str) -> str:
    """A generated password's hash: the default hasher's, with fewer rounds when that is
    PBKDF2 (InitialPasswordHasher)."""
    from django.contrib.auth.hashers import get_hasher

    if get_hasher().algorithm == InitialPasswordHasher.algorithm:
        return make_password(password, hasher=InitialPasswordHasher())
    return make_password(password)


def password_generate(user=None) -> str:
    """A random initial password that passes AUTH_PASSWORD_VALIDATORS for `user`."""
    alphabet = "".join(_PASSWORD_ALPHABET.values())
    while True:
        chars = [secrets.choice(chars) for chars in _PASSWORD_ALPHABET.values()]
        chars += [secrets.choice(alphabet) for _i in range(GENERATED_LENGTH - len(chars))]
        secrets.SystemRandom().shuffle(chars)
        password = "".join(chars)
        try:
            validate_password(password, user)
        except ValidationError:
            continue
        return password


def _set_password(user, password: str | None) -> str:
    """Set the password somebody else chose (or a generated one) and the first-login
    flag; returns the clear password, to be shown once and never stored."""
    if password:
        validate_password(password, user)
        user.set_password(password)
    else:
        password = password_generate(user)
        user.password = hash_generated(password)
        user._password = password  # what set_password leaves for the save signal
    user.must_change_password = True
    return password


def scope_errors(*, actor, role: str, scope_code: str) -> list[tuple[str, str]]:
    """Why `actor` may not give `role` with `scope_code` (field, Chinese reason); [] if
    allowed. The one rule the pages, the services and the import share."""
    from fupin.areas.selectors import area_get

    errors = []
    if role not in assignable_roles(actor):
        label = dict(Role.choices).get(role, role)
        errors.append(("role", _("您不能授予“%(role)s”角色：只能授予低于您本人的角色。")
                       % {"role": label}))
    if not scope_code:
        errors.append(("scope_area", _("请选择管辖区划。")))
    elif area_get(scope_code) is None:
        errors.append(("scope_area", _("区划代码“%(code)s”不存在。") % {"code": scope_code}))
    elif not scoping.in_scope(actor, scope_code):
        errors.append(("scope_area", _("所选区划不在您的管辖范围内。")))
    elif role in ROLE_SCOPE_MIN_LENGTH and len(scope_code) < ROLE_SCOPE_MIN_LENGTH[role]:
        errors.append(("scope_area", _("“%(role)s”的管辖区划须为%(level)s或其下级。") % {
            "role": dict(Role.choices)[role],
            "level": SCOPE_LEVEL_NAMES[ROLE_SCOPE_MIN_LENGTH[role]]}))
    return errors


def _check_scope(*, actor, role: str, scope_code: str) -> None:
    errors = scope_errors(actor=actor, role=role, scope_code=scope_code)
    if errors:
        field, message = errors[0]
        raise ServiceError(message, field=field)


def _managed_locked(*, actor, user):
    """The account, re-read under a lock, if `actor` manages it; else not found (404)."""
    from django.http import Http404

    User = get_user_model()
    if not can_manage_accounts(actor):
        raise PermissionDenied(_("您的角色无权管理用户账户。"))
    if not User.objects.visible_to(actor).filter(pk=user.pk).exists():
        raise Http404("not found")
    return User.objects.select_for_update().get(pk=user.pk)


def _check_version(current, expected_version: int | None) -> None:
    if expected_version is not None and current.version != expected_version:
        raise ConcurrentEditError(
            _("该账户已被他人修改（您打开时为第 %(mine)s 版，现为第 %(now)s 版）。"
              "请刷新页面查看最新内容后再修改。")
            % {"mine": expected_version, "now": current.version})


def _save(user, *, actor, reason: str = "") -> None:
    user._history_user = actor
    if reason:
        user._change_reason = reason
    user.save()


def _clean(user, *, exclude=()) -> None:
    """The model's own rules (username characters, lengths), as ServiceError."""
    try:
        user.full_clean(exclude=["password", *exclude], validate_unique=False)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise ServiceError(messages[0], field=field) from exc


def username_taken(username: str, *, exclude_pk=None) -> bool:
    qs = get_user_model().objects.filter(username__iexact=username)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.exists()


# The rules of creating and changing an account, one code path for the pages' services below
# and the import (accounts/imports.py), which calls these per row in its own transaction.

_HISTORY_REASONS = {("create", False): gettext_lazy("新建账户"),
                    ("create", True): gettext_lazy("导入新建"),
                    ("update", False): "",
                    ("update", True): gettext_lazy("导入修改")}


def history_reason(action: str, *, imported: bool = False) -> str:
    """The history's reason for creating ("create") or changing ("update") an account."""
    return str(_HISTORY_REASONS[(action, imported)])


def account_clean(user, *, exclude=()) -> None:
    """The model's own rules (username characters, lengths, User.clean), as ServiceError."""
    _clean(user, exclude=exclude)


def account_new(*, actor, username: str, role: str, scope_code: str, full_name: str = "",
                phone: str = ""):
    """A new account, not saved yet, checked by the rules: a role and scope the actor may
    give (`scope_errors`) and the model's own (`account_clean`). The caller has checked the
    username is free, sets the password (`initial_password_set`) and saves
    (`account_save`)."""
    if not can_manage_accounts(actor):
        raise PermissionDenied(_("您的角色无权管理用户账户。"))
    _check_scope(actor=actor, role=role, scope_code=scope_code)
    user = get_user_model()(username=username, role=role, scope_area_id=scope_code,
                            full_name=(full_name or "").strip(),
                            phone=(phone or "").strip(), is_active=True)
    _clean(user)
    return user


def account_change(*, actor, current, data: dict) -> list[str]:
    """Bring `current` — an account the actor manages, read under a lock — to `data`
    (full_name, phone, role, scope_code), by the rules: not a deactivated account, not
    one's own role or scope, a role and scope the actor may give, the model's own rules.
    Returns the fields changed ([]: nothing to do, nothing refused); the version is raised,
    the caller saves (`account_save`)."""
    values = {"full_name": current.full_name, "phone": current.phone, "role": current.role,
              "scope_area_id": current.scope_area_id}
    for key, value in data.items():
        values["scope_area_id" if key == "scope_code" else key] = (value or "").strip()
    changed = [k for k, v in values.items() if getattr(current, k) != v]
    if not changed:
        return []
    if not current.is_active:
        raise ServiceError(_("该账户已停用，请先恢复后再修改。"))
    if current.pk == actor.pk and {"role", "scope_area_id"} & set(changed):
        raise ServiceError(_("不能修改自己的角色或管辖区划，请联系上级管理员。"))
    _check_scope(actor=actor, role=values["role"], scope_code=values["scope_area_id"])
    for key in changed:
        setattr(current, key, values[key])
    _clean(current)
    current.version += 1
    return changed


def initial_password_set(user, password: str | None = None) -> str:
    """The password somebody else chose (or a generated one, quickly hashed) and the
    first-login flag; returns the clear password, to be shown once and never stored."""
    return _set_password(user, password)


def account_save(user, *, actor, action: str, imported: bool = False,
                 reason: str = "") -> None:
    """Save a created or changed account with its history (who, and why)."""
    _save(user, actor=actor, reason=reason or history_reason(action, imported=imported))


@transaction.atomic
def user_create(*, actor, username: str, role: str, scope_code: str, full_name: str = "",
                phone: str = "", password: str | None = None, reason: str = ""):
    """A new account in the actor's reach. Its password is the one given (checked against
    the password rules) or a generated one; either way the user must change it at first
    login. Returns (user, clear password) — the password to show once, never to store."""
    if not can_manage_accounts(actor):
        raise PermissionDenied(_("您的角色无权管理用户账户。"))
    username = (username or "").strip()
    if not username:
        raise ServiceError(_("请填写用户名。"), field="username")
    if username_taken(username):
        raise ServiceError(_("用户名“%(u)s”已被使用，请换一个。") % {"u": username},
                           field="username")
    user = account_new(actor=actor, username=username, role=role, scope_code=scope_code,
                       full_name=full_name, phone=phone)
    clear = initial_password_set(user, password)
    account_save(user, actor=actor, action="create", reason=reason)
    return user, clear


@transaction.atomic
def user_update(*, actor, user, expected_version: int | None, **data):
    """Change an account's name, phone, role or scope (`data`: full_name, phone, role,
    scope_code). Refused when somebody saved the account since the actor read it."""
    current = _managed_locked(actor=actor, user=user)
    _check_version(current, expected_version)
    if not current.is_active:
        raise ServiceError(_("该账户已停用，请先恢复后再修改。"))
    if account_change(actor=actor, current=current, data=data):
        account_save(current, actor=actor, action="update")
    return current


@transaction.atomic
def user_deactivate(*, actor, user, reason: str = "", expected_version: int | None = None):
    """Stop an account: it can no longer log in; its API tokens and sessions end at once
    (the User save signal, accounts/signals.py). Kept, with its history; reactivated by
    `user_reactivate`."""
    current = _managed_locked(actor=actor, user=user)
    _check_version(current, expected_version)
    if current.pk == actor.pk:
        raise ServiceError(_("不能停用自己的账户。"))
    if not current.is_active:
        return current
    current.is_active = False
    current.version += 1
    reason = (reason or "").strip()[:100]
    _save(current, actor=actor, reason=_("停用账户") + (f"：{reason}" if reason else ""))
    return current


@transaction.atomic
def user_reactivate(*, actor, user, expected_version: int | None = None):
    current = _managed_locked(actor=actor, user=user)
    _check_version(current, expected_version)
    if current.is_active:
        return current
    # the rules of today: a role or scope given before may since be out of the actor's reach
    _check_scope(actor=actor, role=current.role, scope_code=current.scope_area_id or "")
    current.is_active = True
    current.version += 1
    _save(current, actor=actor, reason=_("恢复账户"))
    return current


@transaction.atomic
def user_password_reset(*, actor, user, password: str | None = None,
                        expected_version: int | None = None) -> str:
    """Give an account a new password (the one the actor typed, or a generated one) that the
    user must change at the next login; the account's tokens and sessions end. Returns the
    clear password, to be shown to the actor once."""
    current = _managed_locked(actor=actor, user=user)
    _check_version(current, expected_version)
    if current.pk == actor.pk:
        raise ServiceError(_("自己的密码请在“修改密码”页面修改。"))
    if not current.is_active:
        raise ServiceError(_("该账户已停用，请先恢复后再重置密码。"))
    try:
        clear = _set_password(current, password)
    except ValidationError as exc:
        raise ServiceError(" ".join(exc.messages), field="password") from exc
    current.version += 1
    _save(current, actor=actor, reason=_("重置密码"))
    user.version = current.version
    return clear


# --- initial passwords of an import ---------------------------------------------------------

def credential_sheet_create(*, actor, rows: list[list[str]]):
    from .models import CredentialSheet

    return CredentialSheet.objects.create(actor=actor, accounts=len(rows), rows=rows)


def _sheets_uncollected(*, now=None):
    """The sheets still to hand over: neither collected nor past FUPIN_CREDENTIALS_DAYS (an
    expired one waits for `credential_sheets_purge`, run by `fupin nightly`, unoffered)."""
    from .models import CredentialSheet

    now = now or timezone.now()
    return CredentialSheet.objects.filter(
        collected_at__isnull=True, purged_at__isnull=True,
        created_at__gte=now - datetime.timedelta(days=settings.FUPIN_CREDENTIALS_DAYS))


def credential_sheets_pending(*, actor):
    """The actor's sheets to download (a read: the purge is the nightly job's)."""
    return _sheets_uncollected().filter(actor=actor)


@transaction.atomic
def credential_sheet_collect(*, actor, pk, build: Callable[[list[list[str]], int], T]) -> T:
    """The sheet's file, for its importer only and only once: `build(rows, left_out)` makes
    it, then the sheet is emptied, in one transaction (a failure while building leaves the
    passwords in place; a second download finds nothing). The rows are only those of the
    accounts the importer still manages (`User.objects.visible_to`): one moved since to
    another scope is counted in `left_out`, its password not handed over."""
    from django.http import Http404

    sheet = _sheets_uncollected().select_for_update().filter(pk=pk, actor=actor).first()
    if sheet is None or not actor.is_active:
        raise Http404("not found")
    reachable = set(get_user_model().objects.visible_to(actor).filter(
        username__in=[row[0] for row in sheet.rows]).values_list("username", flat=True))
    rows = [row for row in sheet.rows if row[0] in reachable]
    content = build(rows, len(sheet.rows) - len(rows))
    sheet.rows, sheet.collected_at = [], timezone.now()
    sheet.save(update_fields=["rows", "collected_at"])
    return content


def credential_sheets_purge(*, now=None, days: int | None = None) -> int:
    """Erase the passwords of sheets nobody collected within FUPIN_CREDENTIALS_DAYS (those
    accounts' passwords are then reset one by one)."""
    from .models import CredentialSheet

    now = now or timezone.now()
    days = settings.FUPIN_CREDENTIALS_DAYS if days is None else days
    return CredentialSheet.objects.filter(
        collected_at__isnull=True, purged_at__isnull=True,
        created_at__lt=now - datetime.timedelta(days=days)).update(rows=[], purged_at=now)
