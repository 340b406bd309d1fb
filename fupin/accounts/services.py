from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from .models import LoginEvent
from .selectors import client_ip


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
    user.save(update_fields=["password"])
