"""The visits list (generic Resource pages), the photo (served only to who may see the
visit) and the phone's visit form for one person."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.core import codes
from fupin.core.errors import ServiceError
from fupin.employment.models import Employment
from fupin.registry.models import Person

from .. import visits as services
from ..models import Method, NeedKind, Visit
from ..resources.visits import visits as resource


@login_required
def visit_photo(request, pk):
    visit = get_object_or_404(Visit.objects.visible_to(request.user), pk=pk)
    if not visit.photo:
        return HttpResponse(status=404)
    from fupin.core.photos import photo_response

    return photo_response(visit.photo)


def _changes_from(post, jobs, person) -> list[dict]:
    changes = []
    for job in jobs:
        end = post.get(f"job_{job.pk}_end_date", "").strip()
        income = post.get(f"job_{job.pk}_monthly_income", "").strip()
        version = post.get(f"job_{job.pk}_version", "")
        if end:
            changes.append({"action": "end_employment", "id": job.pk, "version": version,
                            "end_date": end})
        elif income:
            changes.append({"action": "change_income", "id": job.pk, "version": version,
                            "monthly_income": income})
    if post.get("employer", "").strip():
        changes.append({"action": "new_employment", "employer": post["employer"],
                        "place": post.get("place", ""), "industry": "",
                        "monthly_income": post.get("monthly_income", ""),
                        "start_date": post.get("start_date", "")})
    if post.get("business", "").strip():
        changes.append({"action": "start_venture", "business": post["business"],
                        "industry": "", "start_date": post.get("venture_start_date", "")})
    if post.get("change_intention"):
        changes.append({"action": "change_intention", "version": post.get("person_version"),
                        "wants_work": post.get("wants_work") == "on",
                        "wants_training": post.get("wants_training") == "on",
                        "work_place_wish": post.get("work_place_wish", ""),
                        "training_wish": post.get("training_wish", ""),
                        "industry_wish": post.get("industry_wish", ""),
                        "expected_wage": post.get("expected_wage", "")})
    return changes


@login_required
def visit_create_for(request, person_id):
    person = get_object_or_404(Person.objects.visible_to(request.user).active(), pk=person_id)
    jobs = list(Employment.objects.active().filter(person=person, end_date__isnull=True))
    context = {"person": person, "jobs": jobs, "methods": Method.choices,
               "need_kinds": NeedKind.choices, "today": timezone.localdate().isoformat(),
               # the national code lists (DESIGN §2), the same the registry stores
               "places": codes.choices("work_place"),
               "training_kinds": codes.choices("training_kind"),
               "conflicts": None, "error": None}
    if request.method == "POST":
        post = request.POST
        needs = [{"kind": k, "note": post.get("need_note", "")}
                 for k in post.getlist("needs") if k]
        try:
            services.visit_record(
                actor=request.user, person=person,
                data={"visited_on": post.get("visited_on", ""), "method": post.get("method"),
                      "findings": post.get("findings", "")},
                changes=_changes_from(post, jobs, person), needs=needs,
                photo=request.FILES.get("photo"), client_key=post.get("client_key") or None)
        except services.Conflict as exc:
            context.update(conflicts=exc.conflicts, error=exc.message)
            return render(request, "followups/visit_form_page.html", context, status=409)
        except ServiceError as exc:
            context["error"] = exc.message
            return render(request, "followups/visit_form_page.html", context, status=400)
        messages.success(request, _("回访已记录。"))
        return redirect(reverse("registry:person_detail", args=[person.pk]))
    return render(request, "followups/visit_form_page.html", context)


urlpatterns = [
    *resource.urls("visits/"),
    path("visits/<int:pk>/photo/", visit_photo, name="visit_photo"),
    path("visit/<int:person_id>/", visit_create_for, name="visit_create_for"),
]
