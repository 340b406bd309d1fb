"""Pages of the pairing part: the pairings list (Resource pages) with end / change of
technician, the proposal page (结对方案) with accept, the technicians' loads, the technician's
own households (我的结对户), the phone-first service visit form, the visits list and photo."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.core import places, scoping
from fupin.core.errors import ServiceError
from fupin.core.photos import photo_response
from fupin.core.roles import Role
from fupin.registry.models import Household

from .. import pairing as rules
from .. import pairing_services, service_visits
from ..models import Adoption, Industry, Pairing, ServiceVisit
from ..pairing_selectors import month_start, my_pairings, technician_loads
from ..resources.pairing import pairings, service_visit_resource

PROPOSERS = frozenset({Role.ADMIN, Role.COUNTY_OFFICER, Role.TOWNSHIP_OFFICER})
PAGE = 200


def _may_propose(user) -> bool:
    return user.is_superuser or getattr(user, "role", None) in PROPOSERS


def _area(request, value) -> str:
    """The area asked for, in the user's scope (else 404: scoping.requested_area)."""
    return scoping.requested_area(request.user, value)


# --- the proposal ------------------------------------------------------------------------

def _options(plan: rules.Plan) -> dict[tuple[int, str], list[rules.Tech]]:
    """{(industry, township): technicians under their limit after the proposal}, for the
    edit selects (the nearest ones: a household's own township)."""
    out = defaultdict(list)
    for tech in sorted(plan.technicians.values(), key=lambda t: (t.load_after, t.name, t.id)):
        if tech.load_after >= tech.limit:
            continue
        for industry in tech.industries:
            out[(industry, tech.area_code[:9])].append(tech)
    return out


def _rows(plan: rules.Plan, proposals) -> list[dict]:
    options = _options(plan)
    rows = []
    for p in proposals:
        number, head, village = plan.households.get(p.household_id, ("", "", ""))
        tech = plan.technicians[p.technician_id]
        choices = [tech] + [t for t in options.get((p.industry_id, village[:9]), [])
                            if t.id != tech.id][:30]
        rows.append({"p": p, "key": f"{p.household_id}-{p.industry_id}", "number": number,
                     "head": head, "village": village, "tech": tech, "choices": choices,
                     "industry": plan.industries.get(p.industry_id, ""),
                     "percent": min(100, round(100 * tech.load_after / tech.limit))})
    return rows


def _groups(rows, area: str):
    """The rows by village (already in village order), each under its name below the area
    (东河镇 某村 for a county)."""
    groups, current = [], None
    for row in rows:
        if current is None or current["village"] != row["village"]:
            current = {"village": row["village"], "rows": [],
                       "label": places.area_name(row["village"], below=area)}
            groups.append(current)
        current["rows"].append(row)
    return groups


def _industry(request) -> Industry | None:
    raw = (request.POST.get("industry") or request.GET.get("industry") or "").strip()
    return Industry.objects.filter(pk=int(raw)).first() if raw.isdigit() else None


@login_required
def propose(request):
    """结对方案: choose an area (a county or a township in scope) and an industry; see and
    accept the proposal."""
    if not _may_propose(request.user):
        raise PermissionDenied
    area = _area(request, request.POST.get("area") or request.GET.get("area"))
    industry = _industry(request)
    ready = len(area) in (6, 9)
    if request.method == "POST" and ready:
        return _accept(request, area, industry)
    context = {"area": area, "area_label": places.area_name(area) if area else "",
               "industry": industry, "industries": Industry.objects.filter(
                   retired_at__isnull=True),
               "picker": places.picker(root=scoping.user_scope_code(request.user) or "",
                                       leaf_level="township").render("area", area),
               "ready": ready}
    if ready and request.GET.get("run", "1") == "1":
        plan = rules.proposal_for(user=request.user, area=area,
                                  industry_id=industry.pk if industry else None)
        page = max(1, int(request.GET.get("page", "1") or 1)
                   if str(request.GET.get("page", "1")).isdigit() else 1)
        pages = max(1, -(-len(plan.proposals) // PAGE))
        page = min(page, pages)
        shown = plan.proposals[(page - 1) * PAGE:page * PAGE]
        rows = _rows(plan, shown)
        reasons = defaultdict(int)
        for u in plan.unpaired:
            reasons[u.reason] += 1
        context.update(
            plan=plan, groups=_groups(rows, area), page=page, pages=pages,
            page_range=range(1, pages + 1), reasons=sorted(reasons.items()),
            unpaired=[{"u": u, "household": plan.households.get(u.household_id, ("", "", "")),
                       "industry": plan.industries.get(u.industry_id, "")}
                      for u in plan.unpaired[:PAGE]],
            seconds=f"{plan.seconds:.2f}",
            technicians_used=sum(1 for t in plan.technicians.values() if t.proposed))
    return render(request, "techaid/pairing/propose.html", context)


def _accept(request, area, industry):
    post = request.POST
    plan = rules.proposal_for(user=request.user, area=area,
                              industry_id=industry.pk if industry else None,
                              with_households=False)
    by_key = {f"{p.household_id}-{p.industry_id}": p for p in plan.proposals}
    everything = post.get("scope") == "all"
    keys = list(by_key) if everything else post.getlist("row")
    items = []
    for key in keys:
        try:
            hid, iid = (int(x) for x in key.split("-"))
        except ValueError:
            continue
        proposal = by_key.get(key)
        raw = post.get(f"tech_{key}", "")
        tech = int(raw) if raw.isdigit() else (proposal.technician_id if proposal else None)
        if tech is None:
            continue
        if proposal is not None and tech == proposal.technician_id:
            note = proposal.explanation
        else:
            note = _("经办人指定")
            if proposal is not None:
                note += _("（原方案：%(e)s）") % {"e": proposal.explanation}
        items.append({"household": hid, "industry": iid, "technician": tech, "note": note})
    missing = len(keys) - len(items)
    back = reverse("techaid:pairing_propose") + f"?area={area}" + (
        f"&industry={industry.pk}" if industry else "")
    if missing and not everything:
        messages.error(request, _("有 %(n)s 条所选方案已不在当前方案中（可能刚被他人结对），"
                                  "全部未写入，请核对后重试。") % {"n": missing})
        return redirect(back)
    try:
        written = pairing_services.pairings_accept(actor=request.user, items=items)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    messages.success(request, _("已确认 %(n)s 户结对。") % {"n": len(written)})
    return redirect(back)


# --- loads ----------------------------------------------------------------------------------

@login_required
def loads(request):
    area = _area(request, request.GET.get("area"))
    default = rules.policy_load_limit()
    rows = []
    for tech in technician_loads(user=request.user, area=area)[:2000]:
        limit = tech.load_limit or default
        rows.append({"tech": tech, "load": tech.load, "limit": limit,
                     "percent": min(100, round(100 * tech.load / limit)),
                     "full": tech.load >= limit})
    return render(request, "techaid/pairing/loads.html", {
        "rows": rows, "area": area, "default": default,
        "picker": places.picker(root=scoping.user_scope_code(request.user) or "",
                                leaf_level="village").render("area", area)})


# --- end / change --------------------------------------------------------------------------

def _pairing(request, pk) -> Pairing:
    return scoping.get_visible_or_404(Pairing.objects.active(), request.user, pk=pk)


@login_required
def pairing_end(request, pk):
    pairing = _pairing(request, pk)
    if request.method != "POST":
        return redirect(reverse("techaid:pairing_detail", args=[pk]))
    try:
        pairing_services.pairing_end(actor=request.user, pairing=pairing,
                                     ended_on=request.POST.get("ended_on"),
                                     reason=request.POST.get("reason"))
    except ServiceError as exc:
        messages.error(request, exc.message)
    except PermissionDenied:
        messages.error(request, _("您的角色无权修改此类记录。"))
    else:
        messages.success(request, _("结对已结束。"))
    return redirect(reverse("techaid:pairing_detail", args=[pk]))


@login_required
def pairing_change(request, pk):
    pairing = _pairing(request, pk)
    if request.method != "POST":
        return redirect(reverse("techaid:pairing_detail", args=[pk]))
    try:
        new = pairing_services.pairing_change(
            actor=request.user, pairing=pairing, technician=request.POST.get("technician"),
            on=request.POST.get("on"), reason=request.POST.get("reason"))
    except ServiceError as exc:
        messages.error(request, exc.message)
    except PermissionDenied:
        messages.error(request, _("您的角色无权修改此类记录。"))
    else:
        messages.success(request, _("已更换技术员。"))
        return redirect(reverse("techaid:pairing_detail", args=[new.pk]))
    return redirect(reverse("techaid:pairing_detail", args=[pk]))


# --- my households ---------------------------------------------------------------------------

@login_required
def mine(request):
    """我的结对户: my households with the last visit, one tap to record a visit."""
    technician = service_visits.technician_of(request.user)
    rows = []
    if technician is not None:
        found = list(my_pairings(user=request.user, technician=technician)
                     .select_related("household__head", "industry")
                     .order_by("area_code", "household_id"))
        last = service_visits.last_visits({p.household_id for p in found}, technician)
        start = month_start()
        by_household = {}
        for p in found:
            row = by_household.setdefault(p.household_id, {
                "household": p.household, "industries": [], "last": last.get(p.household_id),
                "village": places.area_name(p.area_code)})
            row["industries"].append(p.industry.name)
        rows = list(by_household.values())
        for row in rows:
            row["due"] = row["last"] is None or row["last"] < start
        if request.GET.get("due") == "1":
            rows = [r for r in rows if r["due"]]
    return render(request, "techaid/pairing/mine.html", {
        "technician": technician, "rows": rows, "due_only": request.GET.get("due") == "1"})


# --- the phone-first visit form ------------------------------------------------------------

@login_required
def visit_record(request, household_id):
    household = get_object_or_404(Household.objects.visible_to(request.user).active(),
                                  pk=household_id)
    own = service_visits.technician_of(request.user)
    today = timezone.localdate()
    paired = list(Pairing.objects.filter(household=household, retired_at__isnull=True,
                                         ended_on__isnull=True)
                  .select_related("technician", "industry"))
    if own is not None:
        paired = [p for p in paired if p.technician_id == own.pk]
    technicians = sorted({p.technician for p in paired}, key=lambda t: t.pk)
    if own is not None:
        chosen = str(own.pk)
    else:
        chosen = request.POST.get("technician") or request.GET.get("technician") or (
            str(technicians[0].pk) if technicians else "")
    industry_ids = {p.industry_id for p in paired if str(p.technician_id) == chosen}
    measures = service_visits.measures_for(household=household, industry_ids=industry_ids)
    context = {"household": household, "technicians": technicians, "own": own,
               "chosen": chosen, "measures": measures, "adoptions": Adoption.choices,
               "today": today.isoformat(), "error": None, "post": request.POST}
    if request.method == "POST":
        post = request.POST
        results = []
        for m in measures:
            adoption = post.get(f"adoption_{m.pk}", "")
            carried = post.get(f"carried_{m.pk}", "").strip()
            effect = post.get(f"effect_{m.pk}", "").strip()
            if adoption or carried or effect:
                results.append({"measure": m.pk, "adoption": adoption,
                                "carried_out_on": carried, "effect": effect})
        try:
            visit = service_visits.visit_record(
                actor=request.user, household=household,
                data={"visited_on": post.get("visited_on"), "notes": post.get("notes", ""),
                      "technician": None if own else (chosen or None)},
                results=results, photo=request.FILES.get("photo"))
        except ServiceError as exc:
            context["error"] = exc.message
            return render(request, "techaid/pairing/visit_form.html", context, status=400)
        except PermissionDenied:
            raise
        messages.success(request, _("技术服务已记录。"))
        if own is not None:
            return redirect(reverse("techaid:pairing_mine"))
        return redirect(reverse("techaid:servicevisit_detail", args=[visit.pk]))
    return render(request, "techaid/pairing/visit_form.html", context)


@login_required
def visit_photo(request, pk):
    visit = get_object_or_404(ServiceVisit.objects.visible_to(request.user), pk=pk)
    if not visit.photo:
        return HttpResponse(status=404)
    return photo_response(visit.photo)


urlpatterns = [
    path("pairings/propose/", propose, name="pairing_propose"),
    path("pairings/loads/", loads, name="pairing_loads"),
    path("pairings/mine/", mine, name="pairing_mine"),
    path("pairings/<int:pk>/end/", pairing_end, name="pairing_end"),
    path("pairings/<int:pk>/change/", pairing_change, name="pairing_change"),
    *pairings.urls("pairings/"),
    path("service-visits/record/<int:household_id>/", visit_record,
         name="servicevisit_record"),
    path("service-visits/<int:pk>/photo/", visit_photo, name="servicevisit_photo"),
    *service_visit_resource.urls("service-visits/"),
]
