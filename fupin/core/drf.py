"""DRF defaults named in settings (kept apart from core.api, which imports DRF views and
would otherwise be imported while DRF reads its own settings)."""

from rest_framework import permissions
from rest_framework.pagination import CursorPagination

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
