from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fupin.core import scoping
from fupin.core.errors import ServiceError
from fupin.core.forms import StyledFormMixin
from fupin.core.roles import can_write

from .models import LEVEL_LENGTH, Area, Level
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
    path = [(c, n) for c, n in area_path(code) if len(c) >= len(scope)] if code else []
    poor_only = request.GET.get("poor") == "1"
    if poor_only:  # the filter 贫困村: every poor village under the area, at any depth
        children = (Area.objects.filter(level=Level.VILLAGE, poor_village=True,
                                        code__startswith=code)
                    .annotate(n_children=Count("children")).order_by("code"))
    else:
        children = area_children(parent_code=code or None).annotate(
            n_children=Count("children"))
    return render(request, "areas/browse.html",
                  {"area": area, "children": children, "path": path, "poor_only": poor_only,
                   "can_edit_poor": can_write(request.user, Area)})


@login_required
def poor_villages_export(request):
    """The poor villages under the area (in the user's scope) in the 贫困村名单 spreadsheet's
    own columns, so that it re-imports unchanged. The spec is registered by name by the
    module that keeps the list (no import of it here: areas sit below it)."""
    from fupin.core.tabular.export import spec_export_response
    from fupin.core.tabular.spec import get_spec

    spec = get_spec("poor_villages")
    scope = scoping.user_scope_code(request.user)
    code = request.GET.get("code", "") or scope or ""
    if spec is None or scope is None or not code.startswith(scope):
        raise Http404
    queryset = Area.objects.visible_to(request.user).filter(
        level=Level.VILLAGE, poor_village=True, code__startswith=code)
    return spec_export_response(request=request, actor=request.user, spec=spec,
                                queryset=spec.export_ordering(queryset), reveal=False)


class PoorVillageForm(StyledFormMixin, forms.Form):
    poor_village = forms.BooleanField(label=_("贫困村"), required=False)
    poor_identified_year = forms.IntegerField(label=_("贫困村识别年度"), required=False)
    poor_exit_year = forms.IntegerField(label=_("贫困村退出年度"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_fields()


@login_required
def poor_village_edit(request, code):
    """A village's poverty status (贫困村, identified and exit year): county officers and
    administrators, villages in their scope; history in Area.history."""
    from .services import poor_village_set

    area = Area.objects.filter(pk=code).first()
    if area is None or not scoping.in_scope(request.user, code) or area.level != Level.VILLAGE:
        raise Http404
    if not can_write(request.user, Area):
        raise PermissionDenied
    initial = {"poor_village": area.poor_village,
               "poor_identified_year": area.poor_identified_year,
               "poor_exit_year": area.poor_exit_year}
    form = PoorVillageForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                poor_village_set(actor=request.user, code=code,
                                 poor_village=form.cleaned_data["poor_village"],
                                 identified_year=form.cleaned_data["poor_identified_year"],
                                 exit_year=form.cleaned_data["poor_exit_year"])
            except ServiceError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("已保存。"))
                return HttpResponseRedirect(reverse("areas:browse") + f"?code={code[:9]}")
        status = 400
    history = area.history.select_related("history_user").order_by("-history_date")[:20]
    return render(request, "areas/poor_village.html",
                  {"area": area, "form": form, "history": history}, status=status)
