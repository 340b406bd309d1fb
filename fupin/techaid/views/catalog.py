"""Pages of the catalog part: industries (a small page of their own: the catalogue is not
area-scoped), a household's industries, experts, expert groups (members, chief, figures) and
technicians (the generic Resource pages), the logged reveal of a phone."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from fupin.core import scoping
from fupin.core.errors import ConcurrentEditError, ServiceError
from fupin.core.forms import StyledFormMixin
from fupin.core.history import history_entries
from fupin.core.roles import can_restore

from .. import catalog as services
from ..models import Expert, ExpertGroup, Industry, Technician
from ..resources.catalog import experts, groups, household_industries, technicians

# --- industries -----------------------------------------------------------------------------------


class IndustryForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Industry
        fields = ["name", "kind", "order"]
        help_texts = {"kind": gettext_lazy("如 种植、养殖、加工")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_fields()

    def validate_unique(self):  # the service says so, in its own words
        pass

    def _post_clean(self):
        pass


@login_required
def industry_list(request):
    show_retired = request.GET.get("status") == "retired" and can_restore(request.user)
    qs = Industry.objects.filter(retired_at__isnull=not show_retired)
    return render(request, "techaid/catalog/industry_list.html", {
        "industries": qs, "can_manage": services.can_manage(request.user),
        "can_restore": can_restore(request.user), "showing_retired": show_retired})


@login_required
def industry_edit(request, pk=None):
    industry = get_object_or_404(Industry, pk=pk) if pk else None
    if not services.can_manage(request.user):
        raise PermissionDenied
    if industry is not None and industry.retired_at is not None:
        raise Http404
    form = IndustryForm(request.POST or None, instance=industry)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = {k: form.cleaned_data[k] for k in ("name", "kind", "order")}
            version = request.POST.get("_version", "")
            try:
                if industry is None:
                    services.industry_create(actor=request.user, data=data)
                else:
                    services.industry_update(actor=request.user, industry=industry, data=data,
                                             expected_version=int(version)
                                             if version.isdigit() else None)
            except ServiceError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
                status = 409 if isinstance(exc, ConcurrentEditError) else 400
            else:
                messages.success(request, _("已保存。"))
                return HttpResponseRedirect(reverse("techaid:industry_list"))
    history = history_entries(industry, user=request.user) if industry else []
    return render(request, "techaid/catalog/industry_form.html",
                  {"form": form, "object": industry, "history": history}, status=status)


@login_required
@require_POST
def industry_retire(request, pk):
    industry = get_object_or_404(Industry, pk=pk)
    if not services.can_manage(request.user):
        raise PermissionDenied
    services.industry_retire(actor=request.user, industry=industry)
    messages.success(request, _("已停用。记录保留在历史中，管理员可以恢复。"))
    return HttpResponseRedirect(reverse("techaid:industry_list"))


@login_required
@require_POST
def industry_restore(request, pk):
    industry = get_object_or_404(Industry, pk=pk)
    if not can_restore(request.user):
        raise Http404
    services.industry_restore(actor=request.user, industry=industry)
    messages.success(request, _("已恢复。"))
    return HttpResponseRedirect(reverse("techaid:industry_list"))


# --- phones ---------------------------------------------------------------------------------------

def _reveal(model):
    @login_required
    @require_POST
    def reveal(request, pk):
        obj = scoping.get_visible_or_404(model, request.user, pk=pk)
        try:
            value = services.phone_reveal(actor=request.user, obj=obj, request=request)
        except ServiceError:
            raise Http404 from None
        return render(request, "techaid/catalog/_revealed.html", {"value": value})

    return reveal


# --- group members --------------------------------------------------------------------------------

def _group(request, pk) -> ExpertGroup:
    group = scoping.get_visible_or_404(ExpertGroup, request.user, pk=pk)
    if not services.can_manage(request.user):
        raise PermissionDenied
    return group


def _expert_of(request, value):
    if not str(value or "").isdigit():
        return None
    return Expert.objects.visible_to(request.user).filter(pk=int(value)).first()


def _member_action(request, pk, action):
    group = _group(request, pk)
    expert = _expert_of(request, request.POST.get("expert"))
    try:
        if expert is None:
            raise ServiceError(_("请选择专家。"))
        action(group, expert)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已保存。"))
    return HttpResponseRedirect(reverse("techaid:expertgroup_detail", args=[group.pk]))


@login_required
@require_POST
def group_member_add(request, pk):
    return _member_action(request, pk, lambda g, e: services.group_member_add(
        actor=request.user, group=g, expert=e))


@login_required
@require_POST
def group_member_remove(request, pk):
    return _member_action(request, pk, lambda g, e: services.group_member_remove(
        actor=request.user, group=g, expert=e))


@login_required
@require_POST
def group_chief_set(request, pk):
    version = request.POST.get("_version", "")
    return _member_action(request, pk, lambda g, e: services.group_set_chief(
        actor=request.user, group=g, expert=e,
        expected_version=int(version) if version.isdigit() else None))


urlpatterns = [
    path("industries/", industry_list, name="industry_list"),
    path("industries/new/", industry_edit, name="industry_create"),
    path("industries/<int:pk>/edit/", industry_edit, name="industry_edit"),
    path("industries/<int:pk>/retire/", industry_retire, name="industry_retire"),
    path("industries/<int:pk>/restore/", industry_restore, name="industry_restore"),
    *household_industries.urls("household-industries/"),
    *experts.urls("experts/"),
    path("experts/<int:pk>/reveal/", _reveal(Expert), name="expert_reveal"),
    *groups.urls("groups/"),
    path("groups/<int:pk>/members/add/", group_member_add, name="expertgroup_member_add"),
    path("groups/<int:pk>/members/leave/", group_member_remove,
         name="expertgroup_member_remove"),
    path("groups/<int:pk>/chief/", group_chief_set, name="expertgroup_chief"),
    *technicians.urls("technicians/"),
    path("technicians/<int:pk>/reveal/", _reveal(Technician), name="technician_reveal"),
]
