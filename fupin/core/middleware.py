"""Request guards shared by pages and API."""

from __future__ import annotations

from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.http import HttpResponseBadRequest, HttpResponseNotFound, JsonResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _


def _has_nul(values) -> bool:
    return any("\x00" in value for value in values)


class RefuseNulMiddleware:
    """A NUL character in the path answers 404 (no route holds one) and in the query string
    400, before any view runs: PostgreSQL cannot compare text holding one and would fail the
    query (a 500), and no real input holds one (DESIGN §7: bad input gets a clear error).
    Form and JSON bodies are checked by their fields (Django's and DRF's CharField) and the
    API's JSON parser."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        api = request.path.startswith("/api/")
        if "\x00" in request.path:
            if api:
                return JsonResponse({"detail": _("未找到。")}, status=404)
            return HttpResponseNotFound(_("未找到。"), content_type="text/plain; charset=utf-8")
        if any(_has_nul([key, *values]) for key, values in request.GET.lists()):
            message = _("请求含有不可见的空字符（NUL），请删除后重试。")
            if api:
                return JsonResponse({"detail": message}, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's, except that a request the page makes by itself in the background (the
    bell's poll, marked `request.fupin_background = True` by its view) does not renew the
    session: an open tab must not keep an idle session alive past SESSION_COOKIE_AGE."""

    def process_response(self, request, response):
        if getattr(request, "fupin_background", False):
            patch_vary_headers(response, ("Cookie",))
            return response
        return super().process_response(request, response)
