"""First login: a user whose password somebody else chose (a new account, a reset) changes it
before anything else (issue 9 item 6)."""

from __future__ import annotations

from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

# what such a user may still reach: the page itself, logging out, the language switch, and
# the files the page loads
ALLOWED_PREFIXES = ("/static/", "/i18n/", "/jsi18n/", "/favicon")


def must_change_message() -> str:
    return _("您的密码是他人设置的初始密码，请先登录网页修改密码后再使用系统和接口。")


def must_change(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)
                and getattr(user, "must_change_password", False))


class PasswordChangeRequiredMiddleware:
    """Pages redirect to 修改密码 (htmx requests through HX-Redirect); API calls of a session
    answer 403 with the reason in Chinese. (API calls with a token are refused by the token
    authentication itself: accounts/authentication.py, which runs inside DRF, after this.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if not must_change(user):
            return self.get_response(request)
        path = request.path
        page = reverse("accounts:password_change")
        # the bell's poll goes on to its view, which answers htmx's "stop polling" without
        # renewing the session: a redirect here would reload 修改密码 every minute, wiping
        # what the user typed, and keep the session alive
        allowed = (page, reverse("accounts:logout"), reverse("core:notifications_bell"))
        if path in allowed or path.startswith(ALLOWED_PREFIXES):
            return self.get_response(request)
        if path.startswith("/api/"):
            return JsonResponse({"detail": must_change_message(),
                                 "code": "password_change_required"}, status=403)
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = page
            return response
        return HttpResponseRedirect(page)
