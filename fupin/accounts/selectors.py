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
