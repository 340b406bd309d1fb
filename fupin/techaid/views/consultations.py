"""Pages of the consultations part: the list and detail (core's Resource pages, with the
problem's photos, the thread and the workflow's buttons), the phone's raise form, the
expert's queue, the county's routing list (待分诊), photos served to who may see them, the
on-site visits and their completion, the settings page (科技扶贫设置) and its history."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fupin.core import scoping, workflows
from fupin.core.errors import ServiceError
from fupin.core.photos import photo_response
from fupin.core.roles import Role
from fupin.core.views.generic import ObjectListView

from .. import consultation_selectors as selectors
from .. import consultations as services
from ..models import (
    RAISERS,
    Consultation,
    ExpertGroup,
    Industry,
    OnsiteVisit,
    Photo,
    TechaidPolicy,
    Urgency,
)
from ..resources.consultations import consultations as resource
from ..resources.consultations import onsite_visits as onsite_resource

# the steps the detail page draws with its own inputs (selects, text areas)
OWN_FORMS = ("route", "answer", "refer_onsite")


def _county_groups(obj):
    groups = list(ExpertGroup.objects.filter(area_code=obj.area_code[:6],
                                             retired_at__isnull=True)
                  .select_related("industry").order_by("industry__order", "name"))
    for g in groups:
        g.current = services.current_members(g)
    return groups


def _onsite_people(obj) -> dict:
    from ..models import Expert, Technician

    county = obj.area_code[:6]
    return {"experts": list(Expert.objects.filter(area_code=county, retired_at__isnull=True)
                            .order_by("name")),
            "technicians": list(Technician.objects.filter(area_code__startswith=county,
                                                          retired_at__isnull=True)
                                .order_by("area_code", "name"))}


def detail_context(*, request, obj) -> dict:
    """The detail page's own parts (called by the Resource after core's workflow context)."""
    user = request.user
    options = workflows.available_transitions(actor=user, obj=obj, include_refused=True)
    own = {o.name: o for o in options if o.name in OWN_FORMS}
    thread = list(obj.messages.select_related("author").prefetch_related("photos"))
    from fupin.core.roles import can_write

    return {
        # a closed consultation is kept as it was confirmed (the service refuses edits)
        "can_write": can_write(user, Consultation) and not services.is_closed(obj),
        "transition_options": [o for o in options if o.name not in OWN_FORMS],
        "route_option": own.get("route"),
        "answer_option": own.get("answer"),
        "onsite_option": own.get("refer_onsite"),
        "onsite_people": _onsite_people(obj) if "refer_onsite" in own else {},
        "today": timezone.localdate().isoformat(),
        "route_groups": _county_groups(obj) if "route" in own else [],
        "problem_photos": list(obj.photos.filter(message__isnull=True).order_by("pk")),
        "thread": thread,
        "can_post": services.can_post(user, obj) and not services.is_closed(obj)
        and obj.retired_at is None,
        "onsite": list(obj.onsite_visits.select_related("expert", "technician")),
        "is_overdue": obj.overdue,
        "max_photos": services.MAX_PHOTOS,
    }


class ConsultationListView(ObjectListView):
    """The list, with the figures of the user's scope counted from the records above it."""

    template_name = "techaid/consultations/consultation_list.html"

    def base_context(self, **extra) -> dict:
        ctx = super().base_context(**extra)
        counts = selectors.status_counts(user=self.request.user)
        ctx["figures"] = [
            {"key": key, "label": label, "count": counts.get(key, 0)}
            for key, label in [*Consultation.Status.choices, ("overdue", _("超时"))]]
        ctx["figures_total"] = sum(counts.get(k, 0) for k in Consultation.Status.values)
        return ctx


@login_required
def photo_view(request, pk):
    """A photo, only to users who can see its consultation (sealed at rest)."""
    photo = get_object_or_404(Photo.objects.select_related("consultation"), pk=pk)
    if not Consultation.objects.visible_to(request.user).filter(
            pk=photo.consultation_id).exists():
        return HttpResponse(status=404)
    return photo_response(photo.image)


@login_required
@require_POST
def message_post(request, pk):
    c = scoping.get_visible_or_404(Consultation.objects.active(), request.user, pk=pk)
    try:
        services.message_post(actor=request.user, consultation=c,
                              text=request.POST.get("text", ""),
                              photos=request.FILES.getlist("photos"))
    except (ServiceError, PermissionDenied) as exc:
        messages.error(request, getattr(exc, "message", None) or str(exc))
    else:
        messages.success(request, _("留言已发布。"))
    return redirect(reverse("techaid:consultation_detail", args=[c.pk]) + "#thread")


class RaiseForm(forms.Form):
    """The phone's raise form: shape only; consultation_raise checks the rest."""

    area_code = forms.CharField(required=False)
    industry = forms.IntegerField(required=False)
    household = forms.IntegerField(required=False)
    title = forms.CharField(required=False)
    description = forms.CharField(required=False)
    urgency = forms.CharField(required=False)


def _raise_context(request, **extra) -> dict:
    from fupin.core import places
    from fupin.registry.models import Household

    scope = scoping.user_scope_code(request.user) or ""
    village = scope if len(scope) == 12 else ""
    households = []
    if village:
        households = list(Household.objects.visible_to(request.user).active()
                          .filter(area_code=village).select_related("head").order_by("number"))
    picker = None if village else places.picker(root=scope, leaf_level="village").render(
        "area_code", request.POST.get("area_code", ""))
    return {"industries": Industry.objects.filter(retired_at__isnull=True),
            "urgencies": Urgency.choices, "village": village, "households": households,
            "area_picker": picker, "post": request.POST, "max_photos": services.MAX_PHOTOS,
            **extra}


def _household_by_number(request, data: dict) -> None:
    """Above a village (a technician, a township or county officer) the household is given
    by its number (户编号), among those the user sees; its village is the consultation's
    when none was picked."""
    from fupin.registry.models import Household

    number = request.POST.get("household_number", "").strip()
    if not number or data.get("household"):
        return
    household = Household.objects.visible_to(request.user).active().filter(
        number=number).first()
    if household is None:
        raise ServiceError(_("在您的管辖范围内没有这个贫困户。"), field="household")
    data["household"] = household.pk
    data["area_code"] = data.get("area_code") or household.area_code


@login_required
def raise_view(request):
    """提出会诊 on a phone: the problem, the urgency, photos from the camera."""
    if not (request.user.is_superuser or request.user.role in RAISERS):
        raise PermissionDenied
    if request.method == "POST":
        form = RaiseForm(request.POST)
        form.is_valid()
        data = dict(form.cleaned_data)
        scope = scoping.user_scope_code(request.user) or ""
        if len(scope) == 12 and not data.get("area_code"):
            data["area_code"] = scope
        try:
            _household_by_number(request, data)
            c = services.consultation_raise(actor=request.user, data=data,
                                            photos=request.FILES.getlist("photos"))
        except (ServiceError, PermissionDenied) as exc:
            return render(request, "techaid/consultations/raise.html",
                          _raise_context(request, error=getattr(exc, "message", str(exc))),
                          status=400)
        messages.success(request, _("会诊已提出，编号 %(n)s。") % {"n": c.number})
        return redirect("techaid:consultation_detail", pk=c.pk)
    return render(request, "techaid/consultations/raise.html", _raise_context(request))


@login_required
def queue_view(request):
    """The expert's queue: my group's and my open consultations, most urgent first."""
    expert = services.expert_of(request.user)
    rows = list(selectors.queue(user=request.user)[:200]) if expert else []
    return render(request, "techaid/consultations/queue.html",
                  {"rows": rows, "expert": expert, "now": timezone.now()})


@login_required
def routing_view(request):
    """待分诊: the county officer's list, each row with its routing form."""
    if not (request.user.is_superuser
            or request.user.role in (Role.ADMIN, Role.COUNTY_OFFICER)):
        raise PermissionDenied
    rows = list(selectors.routing(user=request.user)[:200])
    groups: dict[str, list] = {}
    for c in rows:
        county = c.area_code[:6]
        if county not in groups:
            groups[county] = _county_groups(c)
        c.groups = groups[county]
    return render(request, "techaid/consultations/routing.html", {"rows": rows})


# --- on-site visits ------------------------------------------------------------------------------

@login_required
def onsite_complete_view(request, pk):
    visit = scoping.get_visible_or_404(OnsiteVisit.objects.active(), request.user, pk=pk)
    if request.method == "POST":
        version = request.POST.get("_version", "")
        try:
            services.onsite_complete(actor=request.user, visit=visit,
                                     findings=request.POST.get("findings", ""),
                                     done_on=request.POST.get("done_on", ""),
                                     expected_version=int(version) if version.isdigit()
                                     else None)
        except (ServiceError, PermissionDenied) as exc:
            messages.error(request, getattr(exc, "message", None) or str(exc))
        else:
            messages.success(request, _("面诊结果已记录。"))
    return redirect("techaid:onsitevisit_detail", pk=visit.pk)


# --- settings ---

class PolicyForm(forms.ModelForm):
    class Meta:
        model = TechaidPolicy
        fields = services.POLICY_EDITABLE


@login_required
def policy_view(request):
    pol = services.policy()
    editable = services.policy_may_edit(request.user)
    error, saved, status = "", False, 200
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        form = PolicyForm(request.POST, instance=services.policy())
        if form.is_valid():
            try:
                pol = services.policy_update(actor=request.user, data=form.cleaned_data,
                                             expected_version=request.POST.get("version")
                                             or None)
                form, saved = PolicyForm(instance=pol), True
            except ServiceError as exc:
                error, status = exc.message, 409
                pol = services.policy()
        else:
            status = 400
    else:
        form = PolicyForm(instance=pol)
    for field in form.fields.values():
        field.widget.attrs["class"] = ("form-check-input" if isinstance(
            field.widget, forms.CheckboxInput) else "form-control")
        if not editable:
            field.disabled = True
    return render(request, "techaid/consultations/policy.html",
                  {"form": form, "policy": pol, "editable": editable, "error": error,
                   "saved": saved}, status=status)


@login_required
def policy_history_view(request):
    from fupin.core.history import settings_history

    rows = settings_history(services.policy(), services.POLICY_EDITABLE)
    return render(request, "techaid/consultations/policy_history.html", {"rows": rows})


urlpatterns = [
    path("consultations/raise/", raise_view, name="consultation_raise"),
    path("consultations/queue/", queue_view, name="consultation_queue"),
    path("consultations/routing/", routing_view, name="consultation_routing"),
    path("consultations/<int:pk>/messages/", message_post, name="consultation_message"),
    path("consultation-photos/<int:pk>/", photo_view, name="consultation_photo"),
    *resource.urls("consultations/"),
    path("onsite-visits/<int:pk>/complete/", onsite_complete_view, name="onsite_complete"),
    *onsite_resource.urls("onsite-visits/"),
    path("settings/", policy_view, name="policy"),
    path("settings/history/", policy_history_view, name="policy_history"),
]
