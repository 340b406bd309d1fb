"""DRF defaults named in settings (kept apart from core.api, which imports DRF views and
would otherwise be imported while DRF reads its own settings)."""

from django.utils.translation import gettext as _
from rest_framework import exceptions, permissions
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import JSONParser

from . import scoping
from .roles import can_write


class RolePermission(permissions.BasePermission):
    """Signed in with a scope; writes only for roles allowed to write the model."""

    def has_permission(self, request, view):
        user = request.user
        if scoping.user_scope_code(user) is None:
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        if getattr(view, "read_only", False):
            return False
        model = getattr(view, "model", None)
        return model is None or can_write(user, model)


class KeysetPagination(CursorPagination):
    """Pages by key (no OFFSET, no COUNT of the whole table)."""

    ordering = "-pk"
    page_size_query_param = "page_size"
    max_page_size = 500

    def decode_cursor(self, request):
        # DRF answers a damaged cursor with 404; it is a bad query parameter: 400.
        try:
            return super().decode_cursor(request)
        except exceptions.NotFound as exc:
            raise exceptions.ValidationError(
                {"cursor": [_("翻页游标无效，请使用上一次答复中的 next / previous 链接。")]}
            ) from exc


# A request body nests objects or lists at most this deep; no record of ours needs more than
# three levels, and a deeper document only costs stack (5,000 levels overflow Python's).
MAX_JSON_DEPTH = 32


def _too_deep(value, limit: int) -> bool:
    """True when `value` nests lists/objects deeper than `limit` (walked without recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def _has_nul(value) -> bool:
    """True when a string (key or value) anywhere in the document holds a NUL character,
    which PostgreSQL cannot store or compare."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def json_refusal(value) -> str | None:
    """Why a parsed JSON document is refused (nested too deep, a NUL character), or None: the
    one check of JSON bodies (SafeJSONParser) and of JSON sent as text (a multipart
    payload)."""
    if _too_deep(value, MAX_JSON_DEPTH):
        return SafeJSONParser.depth_message()
    if _has_nul(value):
        return _("请求含有不可见的空字符（NUL），请删除后重试。")
    return None


class SafeJSONParser(JSONParser):
    """JSON bodies, refused with a 400 (not a 500) when nested too deep or holding NUL
    characters (DESIGN §7: bad input gets a clear Chinese error and changes nothing)."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise exceptions.ParseError(self.depth_message()) from exc
        refusal = json_refusal(data)
        if refusal:
            raise exceptions.ParseError(refusal)
        return data

    @staticmethod
    def depth_message() -> str:
        return _("请求内容嵌套过深（最多 %(n)s 层）。") % {"n": MAX_JSON_DEPTH}
