"""Notifications (消息提醒, DESIGN §8): the one service every module calls to tell people.

    notify(recipients=users_for(roles=[Role.TOWNSHIP_OFFICER], area_code=course.area_code),
           kind="course.ended", text=_("…"), link=course_url, exclude=actor)

The in-app row is written in the caller's transaction (so a rolled-back action tells nobody)
and is what the bell, the 消息 page and /api/v1/notifications/ read. The other channels,
named by dotted path in settings.FUPIN_NOTIFICATION_CHANNELS, are told after the sender's
transaction commits (`transaction.on_commit`); a channel that fails is logged and never
breaks the sender, nor keeps the other channels from being told.

A channel is a class with `deliver(notifications)` (a list of saved `Notification` rows,
their `recipient` loaded). Two ship: `LogChannel` (the default: one log line per
notification, with ids and the kind only) and `SmsChannel`, which sends the text to the
recipient's `phone` through the gateway named by settings.FUPIN_SMS_GATEWAY (a class with
`send(phone, text)`), so a deployment plugs in its provider without changing any caller.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta
from functools import cache

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.signals import setting_changed
from django.db import transaction
from django.db.models import Q
from django.dispatch import receiver
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import Notification

logger = logging.getLogger("fupin.notifications")


def users_for(*, roles: Iterable[str], area_code: str, below: bool = False):
    """Active users with one of `roles` responsible for `area_code`.

    below=False: those whose scope contains the area ("the township officers of
    510802001001" are those of 510802001, and the county's above it if the role is theirs);
    below=True: those whose scope lies inside it ("the village workers of 510802001").
    """
    users = get_user_model().objects.filter(is_active=True, role__in=list(roles))
    if below:
        return users.filter(scope_area__pk__startswith=area_code)
    prefixes = [area_code[:n] for n in (2, 4, 6, 9, 12) if n <= len(area_code)]
    return users.filter(Q(scope_area_id__in=prefixes))


def notify(*, recipients, kind: str, text: str, link: str = "", area_code: str = "",
           exclude=None) -> list[Notification]:
    """Tell each recipient (users or a user queryset) once; `exclude` (a user) is skipped —
    the actor need not be told what they just did. Inactive users are skipped. The rows are
    written now, in the caller's transaction; the channels are told after it commits."""
    seen, rows = set(), []
    for user in recipients:
        if user.pk in seen or (exclude is not None and user.pk == exclude.pk):
            continue
        if not getattr(user, "is_active", True):
            continue
        seen.add(user.pk)
        rows.append(Notification(recipient=user, kind=kind, text=str(text)[:500], link=link,
                                 area_code=area_code))
    if not rows:
        return []
    created = Notification.objects.bulk_create(rows)
    if channels():
        transaction.on_commit(lambda: deliver(created))
    return created


# --- channels ---------------------------------------------------------------------------

class Channel:
    """A way of telling people besides the bell. Subclasses implement `deliver`."""

    def deliver(self, notifications: list[Notification]) -> None:
        raise NotImplementedError


class LogChannel(Channel):
    """One line per notification on the `fupin.notifications` logger: which recipient (by
    id), which kind, which notification — no name, phone or text (they may be personal)."""

    def deliver(self, notifications):
        for n in notifications:
            logger.info("notification %s kind=%s recipient=%s", n.pk, n.kind, n.recipient_id)


class SmsGateway:
    """The interface of an SMS provider: `send(phone, text)`; raise on failure. A deployment
    names its class in FUPIN_SMS_GATEWAY (constructed without arguments; read its own
    credentials from the environment)."""

    def send(self, phone: str, text: str) -> None:
        raise NotImplementedError


class SmsChannel(Channel):
    """Sends each notification's text to its recipient's phone (`user.phone`) through the
    gateway of FUPIN_SMS_GATEWAY. Recipients without a phone are skipped; a message that
    fails is logged and the others are still sent."""

    def __init__(self, gateway: SmsGateway | None = None):
        if gateway is None:
            path = getattr(settings, "FUPIN_SMS_GATEWAY", "")
            gateway = import_string(path)() if path else None
        self.gateway = gateway

    def deliver(self, notifications):
        if self.gateway is None:
            logger.warning("SmsChannel: FUPIN_SMS_GATEWAY is not set; nothing sent")
            return
        for n in notifications:
            phone = (getattr(n.recipient, "phone", "") or "").strip()
            if not phone:
                continue
            try:
                self.gateway.send(phone, n.text)
            except Exception:  # noqa: BLE001 — one failed message stops neither the rest nor the sender
                logger.exception("SmsChannel: notification %s not sent", n.pk)


@cache
def _channel(path: str) -> Channel:
    return import_string(path)()


def channels() -> list[str]:
    return list(getattr(settings, "FUPIN_NOTIFICATION_CHANNELS", []))


def deliver(notifications: list[Notification]) -> None:
    """Tell every configured channel (run after the sender's commit). A channel that cannot
    be loaded or that raises is logged; the next one is still told."""
    for path in channels():
        try:
            _channel(path).deliver(notifications)
        except Exception:  # noqa: BLE001 — a channel never breaks the sender
            logger.exception("notification channel %s failed", path)


def reset_channels() -> None:
    """Forget the constructed channels (done whenever their settings change)."""
    _channel.cache_clear()


@receiver(setting_changed)
def _settings_changed(*, setting, **kwargs):
    if setting in ("FUPIN_NOTIFICATION_CHANNELS", "FUPIN_SMS_GATEWAY"):
        reset_channels()


# --- the recipient's own reads and writes ----------------------------------------------------

def notifications_of(user):
    """The user's own notifications, newest first: nobody else's, whatever their role."""
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user)


def unread_count(user) -> int:
    return notifications_of(user).filter(read_at__isnull=True).count()


def notification_mark_read(*, actor, notification_id: int) -> Notification:
    """Mark one of the actor's notifications read; another's answers DoesNotExist (a 404)."""
    n = notifications_of(actor).get(pk=notification_id)
    if n.read_at is None:
        n.read_at = timezone.now()
        # only if still unread: two tabs marking it at once keep the first time
        notifications_of(actor).filter(pk=n.pk, read_at__isnull=True).update(read_at=n.read_at)
        n.refresh_from_db(fields=["read_at"])
    return n


def notifications_mark_all_read(*, actor) -> int:
    """Mark every unread notification of the actor read; returns how many."""
    return notifications_of(actor).filter(read_at__isnull=True).update(read_at=timezone.now())


def notifications_purge(*, now=None, days: int | None = None) -> int:
    """Delete read notifications read more than `days` (FUPIN_NOTIFICATION_RETENTION_DAYS)
    ago; unread ones stay however old. Run by `fupin nightly`. Returns how many."""
    now = now or timezone.now()
    days = settings.FUPIN_NOTIFICATION_RETENTION_DAYS if days is None else days
    deleted, _by_model = Notification.objects.filter(
        read_at__isnull=False, read_at__lt=now - timedelta(days=days)).delete()
    return deleted
