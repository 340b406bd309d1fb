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
    """Locked for FUPIN_LOCKOUT_WINDOW after FUPIN_LOCKOUT_FAILURES failures within that
    window, counted per account and, separately, per IP address."""
    since = timezone.now() - settings.FUPIN_LOCKOUT_WINDOW
    limit = settings.FUPIN_LOCKOUT_FAILURES
    failures = LoginEvent.objects.filter(at__gte=since, result=LoginEvent.Result.FAILURE)
    if username and failures.filter(username__iexact=username).count() >= limit:
        return True
    return bool(ip) and failures.filter(ip=ip).count() >= limit


def login_event_list(*, filters: dict | None = None):
    qs = LoginEvent.objects.select_related("user")
    filters = filters or {}
    if q := filters.get("q"):
        qs = qs.filter(Q(username__icontains=q) | Q(ip__startswith=q))
    if result := filters.get("result"):
        qs = qs.filter(result=result)
    return qs
