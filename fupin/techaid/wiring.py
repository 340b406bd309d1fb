"""What technology aid registers on core's extension points, one function per part (called
from TechaidConfig.ready)."""

from __future__ import annotations


def catalog():
    """Industries, household industries, experts, groups, technicians, poor villages:
    navigation, the household's 产业 section, import specs."""


def consultations():
    """Consultations: navigation, workbench cards (expert's queue, county's routing and
    overdue), the household's timeline entries, periods."""


def prescriptions():
    """Missions, prescriptions, coverage: navigation (the village's page has no sections in
    core, so the mission's page is the village's: its members and prescriptions)."""
    from django.urls import reverse_lazy
    from django.utils.translation import gettext_lazy as _

    from fupin.core.roles import Role
    from fupin.core.sections import NavEntry, nav

    readers = (Role.ADMIN, Role.COUNTY_OFFICER, Role.TOWNSHIP_OFFICER, Role.VILLAGE_WORKER,
               Role.LEADER, Role.INSPECTOR, Role.EXPERT, Role.TECHNICIAN)
    nav.register(NavEntry(key="techaid_missions", label=_("特派团"), icon="people",
                          url=reverse_lazy("techaid:mission_list"), order=40,
                          group="techaid", roles=readers))
    nav.register(NavEntry(key="techaid_prescriptions", label=_("处方"),
                          icon="file-earmark-medical",
                          url=reverse_lazy("techaid:prescription_list"), order=41,
                          group="techaid", roles=readers))
    nav.register(NavEntry(key="techaid_coverage", label=_("处方覆盖"), icon="bar-chart",
                          url=reverse_lazy("techaid:coverage"), order=42, group="techaid",
                          roles=(Role.ADMIN, Role.COUNTY_OFFICER, Role.TOWNSHIP_OFFICER,
                                 Role.LEADER)))

    from django.urls import reverse

    from fupin.core import workbench as wb

    from .models import Prescription

    def drafts(user):
        return Prescription.objects.visible_to(user).active().filter(
            status=Prescription.Status.DRAFT)

    # the drafts waiting for the leader's signature (the list shows exactly these)
    wb.register(wb.Card(
        key="prescriptions_draft", title=_("待签发处方"), icon="file-earmark-medical",
        order=62, roles=frozenset({Role.ADMIN, Role.COUNTY_OFFICER, Role.EXPERT}),
        tone="warning", count=lambda user: drafts(user).count(),
        url=lambda user: reverse("techaid:prescription_list") + "?status=draft",
        help=_("草稿处方，由特派团团长签发")))


def pairings():
    """Pairings and service visits: navigation, the household's sections and timeline,
    the technician's workbench card."""


def figures():
    """Indicators (indicators.py), the monthly ranking, the demo step."""
