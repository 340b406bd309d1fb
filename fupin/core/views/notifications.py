"""The recipient's notifications (消息, DESIGN §8): the bell's count, the list, mark read.

Every read goes through `notifications.notifications_of(user)`: a notification of another
user is not found (404), whatever the reader's role."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ..models import Notification
from ..notifications import (
    notification_mark_read,
    notifications_mark_all_read,
    notifications_of,
    unread_count,
)
from ..paging import keyset_page

PAGE_SIZE = 30
# htmx stops polling on this status: a signed-out page stops asking
STOP_POLLING = 286


def bell_context(user) -> dict:
    return {"bell_unread": unread_count(user),
            "bell_poll": settings.FUPIN_NOTIFICATION_POLL_SECONDS}


@require_GET
def bell(request):
    """The bell's fragment, asked for by htmx every FUPIN_NOTIFICATION_POLL_SECONDS. The
    poll renews no session (core.middleware.SessionMiddleware), and once signed out (or
    expired) it answers htmx's "stop polling" instead of a redirect to the login page,
    which htmx would follow and put in the bell's place. So it does for a user who must
    change the password first (accounts' first-login guard lets the poll through to here):
    their pages have no bell, and a tab opened before still polling must neither reload
    修改密码 nor keep the session alive."""
    request.fupin_background = True
    user = request.user
    if not user.is_authenticated or getattr(user, "must_change_password", False):
        return HttpResponse(status=STOP_POLLING)
    return render(request, "core/_bell.html", bell_context(user))


@login_required
@require_GET
def notification_list(request):
    qs = notifications_of(request.user)
    only_unread = request.GET.get("unread") == "1"
    if only_unread:
        qs = qs.filter(read_at__isnull=True)
    page = keyset_page(request, qs, PAGE_SIZE)
    return render(request, "core/notifications.html", {
        "page": page, "only_unread": only_unread, "unread": unread_count(request.user),
    })


def _back(request) -> HttpResponseRedirect:
    """Back where the button was (a local address only), else to the list."""
    target = request.POST.get("next", "")
    if not target or not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        target = reverse("core:notifications")
    return HttpResponseRedirect(target)


@login_required
@require_POST
def notification_read(request, pk: int):
    try:
        notification_mark_read(actor=request.user, notification_id=pk)
    except Notification.DoesNotExist as exc:
        raise Http404 from exc
    return _back(request)


@login_required
@require_POST
def notification_read_all(request):
    n = notifications_mark_all_read(actor=request.user)
    messages.success(request, _("已将 %(n)s 条消息标为已读。") % {"n": n})
    return _back(request)
