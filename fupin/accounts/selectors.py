from __future__ import annotations

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from .models import LoginEvent


def client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def login_locked(*, username: str, ip: str | None) -> bool:
    """Whether an attempt to log in as `username` from `ip` is refused for now. Failures in
    the last FUPIN_LOCKOUT_WINDOW are counted three ways:

    - this account from this address: FUPIN_LOCKOUT_FAILURES (5): one person mistyping
      locks only herself, on her own network;
    - this account from any address: FUPIN_LOCKOUT_ACCOUNT_FAILURES (10): guessing one
      password from many addresses;
    - this address for any account: FUPIN_LOCKOUT_IP_FAILURES (50): a whole office shares
      one address, so only a sweep over many accounts locks it.
    """
    since = timezone.now() - settings.FUPIN_LOCKOUT_WINDOW
    failures = LoginEvent.objects.filter(at__gte=since, result=LoginEvent.Result.FAILURE)
    if username:
        account = failures.filter(username__iexact=username)
        if ip and account.filter(ip=ip).count() >= settings.FUPIN_LOCKOUT_FAILURES:
            return True
        if account.count() >= settings.FUPIN_LOCKOUT_ACCOUNT_FAILURES:
            return True
    return bool(ip) and failures.filter(ip=ip).count() >= settings.FUPIN_LOCKOUT_IP_FAILURES


def login_event_list(*, filters: dict | None = None):
    qs = LoginEvent.objects.select_related("user")
    filters = filters or {}
    if q := filters.get("q"):
        qs = qs.filter(Q(username__icontains=q) | Q(ip__startswith=q))
    if result := filters.get("result"):
        qs = qs.filter(result=result)
    return qs


def user_list(*, user, filters: dict | None = None):
    """The accounts `user` manages (User.objects.visible_to), filtered by role, area, active
    and a search of name, username or phone."""
    from django.contrib.auth import get_user_model

    qs = get_user_model().objects.visible_to(user).select_related("scope_area")
    filters = filters or {}
    if role := (filters.get("role") or "").strip():
        qs = qs.filter(role=role)
    if area := (filters.get("area") or "").strip():
        qs = qs.filter(scope_area__code__startswith=area)
    active = filters.get("active", "")
    if active in ("0", "1"):
        qs = qs.filter(is_active=active == "1")
    if q := (filters.get("q") or "").strip()[:50]:
        cond = Q(username__icontains=q) | Q(full_name__icontains=q)
        digits = "".join(ch for ch in q if ch.isdigit())
        if len(digits) >= 4 and digits == q:  # a phone, or part of one
            cond |= Q(phone__contains=digits)
        qs = qs.filter(cond)
    return qs


def user_login_events(*, user, limit: int = 20):
    return LoginEvent.objects.filter(Q(user=user) | Q(username__iexact=user.username))[:limit]
