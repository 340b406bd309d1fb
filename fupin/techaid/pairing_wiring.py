"""What the pairing part registers on core (called from wiring.pairings): navigation
(结对帮扶, 结对方案, 技术服务记录, 我的结对户), the household page's 科技服务 section and its
timeline entries (pairings started and ended, service visits), the technician's workbench card
(my households not visited this month)."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from fupin.core import workbench as wb
from fupin.core.roles import Role, can_write
from fupin.core.sections import (
    NavEntry,
    Section,
    TimelineSource,
    household_sections,
    household_timeline,
    nav,
    on_day,
)
from fupin.core.timeline import TimelineEntry

PROPOSERS = frozenset({Role.ADMIN, Role.COUNTY_OFFICER, Role.TOWNSHIP_OFFICER})


def url_or_empty(name: str, *args) -> str:
    """A link to another part's page, when that part has it (else no link)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def household_section(request, household) -> dict:
    from .models import Consultation, HouseholdIndustry, Pairing, Prescription, ServiceVisit

    user = request.user
    pairings = list(Pairing.objects.visible_to(user).active().filter(
        household=household, ended_on__isnull=True).select_related("technician", "industry")
        .order_by("industry__order", "industry__name"))
    industries = set(HouseholdIndustry.objects.visible_to(user).active().filter(
        household=household).values_list("industry_id", flat=True))
    prescriptions = [
        {"p": p, "link": url_or_empty("techaid:prescription_detail", p.pk)}
        for p in Prescription.objects.visible_to(user).active().filter(
            area_code=household.area_code, industry_id__in=industries,
            status=Prescription.Status.ISSUED).select_related("industry")
        .order_by("-year", "industry__order")[:20]]
    consultations = Consultation.objects.visible_to(user).active().filter(household=household)
    visits = list(ServiceVisit.objects.visible_to(user).active().filter(household=household)
                  .select_related("technician").order_by("-visited_on", "-pk")[:10])
    return {
        "household": household, "pairings": pairings, "prescriptions": prescriptions,
        "consultation_count": consultations.count(),
        "consultations": [{"c": c, "link": url_or_empty("techaid:consultation_detail", c.pk)}
                          for c in consultations.order_by("-raised_at")[:10]],
        "visits": visits,
        "record_url": reverse("techaid:servicevisit_record", args=[household.pk])
        if can_write(user, ServiceVisit) else "",
    }


def pairing_entries(user, household):
    from .models import Pairing

    for p in (Pairing.objects.visible_to(user).active().filter(household=household)
              .select_related("technician", "industry").order_by("-started_on")[:50]):
        link = reverse("techaid:pairing_detail", args=[p.pk])
        yield TimelineEntry(at=on_day(p.started_on), icon="people", link=link,
                            title=_("结对技术员：%(t)s（%(i)s）") % {
                                "t": p.technician.name, "i": p.industry.name},
                            text=p.note[:100])
        if p.ended_on:
            yield TimelineEntry(at=on_day(p.ended_on), icon="people", link=link,
                                title=_("结束结对：%(t)s（%(i)s）") % {
                                    "t": p.technician.name, "i": p.industry.name})


def visit_entries(user, household):
    from .models import ServiceVisit

    for v in (ServiceVisit.objects.visible_to(user).active().filter(household=household)
              .select_related("technician").order_by("-visited_on")[:50]):
        yield TimelineEntry(at=on_day(v.visited_on), icon="clipboard2-pulse",
                            title=_("技术服务：%(t)s") % {"t": v.technician.name},
                            text=v.notes[:100],
                            link=reverse("techaid:servicevisit_detail", args=[v.pk]))


def register() -> None:
    from .pairing_selectors import unvisited_this_month

    nav.register(NavEntry(key="techaid_pairings", label=_l("结对帮扶"), icon="people",
                          url=reverse_lazy("techaid:pairing_list"), order=50,
                          group="techaid"))
    nav.register(NavEntry(key="techaid_pairing_propose", label=_l("结对方案"),
                          icon="diagram-3", url=reverse_lazy("techaid:pairing_propose"),
                          order=51, group="techaid", roles=PROPOSERS))
    nav.register(NavEntry(key="techaid_service_visits", label=_l("技术服务记录"),
                          icon="clipboard2-pulse", url=reverse_lazy("techaid:servicevisit_list"),
                          order=52, group="techaid"))
    # a technician's first entry of the group (before 提出会诊, 11)
    nav.register(NavEntry(key="techaid_my_households", label=_l("我的结对户"), icon="house-heart",
                          url=reverse_lazy("techaid:pairing_mine"), order=9,
                          group="techaid", roles={Role.TECHNICIAN}))
    household_sections.register(Section(
        key="techaid_service", title=_l("科技服务"), order=70,
        template="techaid/pairing/sections/household.html", context=household_section))
    household_timeline.register(TimelineSource(key="techaid_pairings", order=70,
                                               entries=pairing_entries))
    household_timeline.register(TimelineSource(key="techaid_service_visits", order=71,
                                               entries=visit_entries))
    wb.register(wb.Card(
        key="techaid_unvisited", title=_l("本月未服务的结对户"), icon="house-heart", order=8,
        roles=frozenset({Role.TECHNICIAN}), tone="warning", count=unvisited_this_month,
        help=_l("与我结对、本月尚无技术服务记录的贫困户"),
        url=lambda user: reverse("techaid:pairing_mine") + "?due=1"))
