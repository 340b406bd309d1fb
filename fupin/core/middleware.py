"""Request guards shared by pages and API."""

from __future__ import annotations

from django.http import HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _


def _has_nul(request) -> bool:
    if "\x00" in request.path:
        return True
    return any("\x00" in key or any("\x00" in v for v in values)
               for key, values in request.GET.lists())


class RefuseNulMiddleware:
    """A NUL character in the path or the query string answers 400 before any view runs:
    PostgreSQL cannot compare text holding one and would fail the query (a 500), and no
    real input holds one (DESIGN §7: bad input gets a clear error). Form and JSON bodies are
    checked by their fields (Django's and DRF's CharField) and the API's JSON parser."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_nul(request):
            message = _("请求含有不可见的空字符（NUL），请删除后重试。")
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
