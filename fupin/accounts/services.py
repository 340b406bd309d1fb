from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from rest_framework.authtoken.models import Token

from .models import LoginEvent
from .selectors import client_ip


def login_event_record(*, request, username: str, user, result: str) -> LoginEvent:
    channel = LoginEvent.Channel.API if request is not None and request.path.startswith(
        "/api/") else LoginEvent.Channel.WEB
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
