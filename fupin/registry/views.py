from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fupin.areas.selectors import area_full_name
from fupin.core import codes, scoping
from fupin.core.errors import ServiceError
from fupin.core.roles import can_write

from . import services
from .models import PROTECTED, NationalReport, Person
from .selectors import incomplete_by_village


@login_required
@require_POST
def reveal(request, pk, field):
    """One protected value in clear (htmx swaps it in); logged by the service."""
    if field not in PROTECTED:
        raise Http404
    person = scoping.get_visible_or_404(Person, request.user, pk=pk)
    try:
        value = services.person_reveal(actor=request.user, person=person, field=field,
                                       request=request)
    except ServiceError:
        raise Http404 from None
    return render(request, "registry/_revealed.html", {"value": value})


@login_required
def incomplete(request):
    """Incomplete registrations per village, with what each person lacks (DESIGN §2)."""
    area = request.GET.get("area", "")
    rows = incomplete_by_village(user=request.user, area_prefix=area)
    scope = request.user.scope_code
    for row in rows:
        code = row["area_code"]
        # the names below the user's own area; a village worker's own village by its name
        row["name"] = area_full_name(code, below=scope if len(code) > len(scope) else
                                     code[:-3])
    people = []
    if len(area) == 12:
        people = (Person.objects.visible_to(request.user).active()
                  .filter(area_code=area, complete=False).select_related("household")
                  .order_by("household__number", "relation")[:500])
    return render(request, "registry/incomplete.html",
                  {"rows": rows, "people": people, "area": area,
                   "area_name": area_full_name(area) if area else ""})


# --- reconciliation with the national system (DESIGN §2) ---------------------------------------

def _fix_links(person) -> dict:
    """The one-click fixes of a row: record the employment the system reports (the create
    page prefilled from the report), or mark the report outdated."""
    from urllib.parse import urlencode

    from django.urls import reverse

    from .reconciliation import place_of, start_of

    report = getattr(person, "national_report", None)
    if not person.is_working_unrecorded or report is None:
        return {}
    works = report.work_status in codes.WORKING_STATUSES or report.work_months \
        or report.employer_name or report.work_location
    if not works:  # the system reports a public-welfare post only
        return {"record": reverse("employment:placement_create") + "?"
                + urlencode({"person": person.pk}), "record_label": _("登记公益性岗位安置")}
    query = {"person": person.pk, "employer": report.employer_name,
             "place": place_of(report), "channel": report.job_channel}
    start = start_of(report)
    if start:
        query["start_date"] = start.isoformat()
    return {"record": reverse("employment:employment_create") + "?"
            + urlencode({k: v for k, v in query.items() if v}),
            "record_label": _("登记就业")}


@login_required
def national(request):
    """与国办系统比对: per-area counts with drill-down to villages, and a village's working
    list of the people whose national report disagrees with the records."""
    from fupin.core.indicators import child_length
    from fupin.core.paging import keyset_page

    from .reconciliation import KINDS, mismatch_counts, page_rows, village_mismatches

    area = scoping.requested_area(request.user, request.GET.get("area"))
    total, children = mismatch_counts(user=request.user, area=area)
    for c in children:
        c["cells"] = [c[k] for k in KINDS]
    ctx = {"area": area, "area_name": area_full_name(area) if area else _("全部"),
           "total": total, "children": children, "kinds": list(KINDS.values()),
           "kind_totals": [(label, total.get(k) or 0) for k, label in KINDS.items()],
           # one level up, while inside the user's scope
           "parent": area[: {4: 2, 6: 4, 9: 6, 12: 9}.get(len(area), 0)]
           if len(area) > len(scoping.user_scope_code(request.user)) else None}
    if not child_length(area) and area:
        page = keyset_page(request, village_mismatches(user=request.user, village=area), 50)
        ctx["page"] = page
        ctx["rows"] = [(p, said, _fix_links(p)) for p, said in page_rows(page)]
        # the fixes are writes: a leader or inspector reads the list without the buttons
        ctx["can_fix"] = can_write(request.user, NationalReport)
    return render(request, "registry/national.html", ctx)


@login_required
@require_POST
def national_outdated(request, pk):
    """The other fix: the national system's report of this person is out of date."""
    from django.contrib import messages
    from django.shortcuts import redirect

    person = scoping.get_visible_or_404(Person.objects.active(), request.user, pk=pk)
    try:
        services.national_report_mark_outdated(actor=request.user, person=person,
                                               reason=request.POST.get("reason", ""))
    except (ServiceError, PermissionDenied) as exc:
        messages.error(request, getattr(exc, "message", None) or str(exc))
    else:
        messages.success(request, _("已标记为过时：%(name)s 不再列入比对清单。")
                         % {"name": person.name})
    return redirect(f"{reverse('registry:national')}?area={person.area_code}")
