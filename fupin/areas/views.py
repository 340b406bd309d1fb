from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404
from django.shortcuts import render

from fupin.core import scoping

from .models import LEVEL_LENGTH, Level
from .selectors import area_children, area_get, area_path
from .widgets import picker_context


@login_required
def picker(request):
    """The picker again, one level deeper (htmx)."""
    root = scoping.user_scope_code(request.user)
    if root is None:
        raise Http404
    asked_root = request.GET.get("root", "")
    if asked_root.startswith(root):  # never wider than the user's scope
        root = asked_root
    leaf = request.GET.get("leaf", Level.VILLAGE)
    if leaf not in LEVEL_LENGTH:
        leaf = Level.VILLAGE
    ctx = picker_context(name=request.GET.get("name", "area_code"),
                         value=request.GET.get("_area_pick", ""), root=root, leaf_level=leaf)
    return render(request, "areas/picker.html", ctx)


@login_required
def browse(request):
    """The area tree under the user's scope, one level at a time."""
    scope = scoping.user_scope_code(request.user)
    if scope is None:
        raise Http404
    code = request.GET.get("code", "") or scope
    if not code.startswith(scope):
        raise Http404
    area = area_get(code) if code else None
    if code and area is None:
        raise Http404
    children = area_children(parent_code=code or None).annotate(n_children=Count("children"))
    path = [(c, n) for c, n in area_path(code) if len(c) >= len(scope)] if code else []
    return render(request, "areas/browse.html",
                  {"area": area, "children": children, "path": path})
