"""The follow-up settings page (回访设置, administrators edit; others read) and its history;
the plans list (a read-only Resource)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from fupin.core.errors import ServiceError

from .. import plans as plan_rules
from .. import rules
from ..models import VisitPolicy
from ..resources.plans import plans


class PolicyForm(forms.ModelForm):
    class Meta:
        model = VisitPolicy
        fields = rules.EDITABLE


@login_required
def policy_view(request):
    pol = rules.policy()
    editable = rules.may_edit(request.user)
    error, saved, status = "", request.GET.get("saved") == "1", 200
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        form = PolicyForm(request.POST, instance=rules.policy())
        if form.is_valid():
            try:
                pol = rules.policy_update(actor=request.user, data=form.cleaned_data,
                                          expected_version=request.POST.get("version") or None)
                form, saved = PolicyForm(instance=pol), True
            except ServiceError as exc:
                error, status = exc.message, 409
                pol = rules.policy()
    else:
        form = PolicyForm(instance=pol)
    if not editable:
        for field in form.fields.values():
            field.disabled = True
    return render(request, "followups/policy.html",
                  {"form": form, "policy": pol, "editable": editable, "error": error,
                   "saved": saved, **_replan_context(request.user, pol)}, status=status)


def _replan_context(user, pol) -> dict:
    """The re-derivation's state for the page (administrators only: they start it)."""
    if not rules.may_edit(user):
        return {"replan": None}
    data = plan_rules.replan_progress()
    if data and data.get("version", 0) < pol.version and data.get("phase") == "done":
        data = None  # done for an older version; the newer one's state was lost
    return {"replan": data, "current_version": pol.version}


@login_required
def replan_status_view(request):
    """The progress of the plans' re-derivation (the settings page polls it)."""
    if not rules.may_edit(request.user):
        raise PermissionDenied
    return render(request, "followups/_replan_status.html",
                  _replan_context(request.user, rules.policy()))


@login_required
@require_POST
def replan_view(request):
    """Derive every plan again under the current policy (after a failed or interrupted
    run)."""
    if not rules.may_edit(request.user):
        raise PermissionDenied
    pol = rules.policy()
    plan_rules.replan_enqueue(version=pol.version, actor=request.user)
    return redirect("followups:policy")


@login_required
def policy_history_view(request):
    from fupin.core.history import settings_history

    rows = settings_history(rules.policy(), rules.EDITABLE)
    return render(request, "followups/policy_history.html", {"rows": rows})


urlpatterns = [
    path("settings/", policy_view, name="policy"),
    path("settings/history/", policy_history_view, name="policy_history"),
    path("settings/replan/", replan_view, name="replan"),
    path("settings/replan/status/", replan_status_view, name="replan_status"),
    *plans.urls("plans/"),
]
