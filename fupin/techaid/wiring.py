"""What technology aid registers on core's extension points, one function per part (called
from TechaidConfig.ready)."""

from __future__ import annotations


def catalog():
    """Industries, household industries, experts, groups, technicians, poor villages:
    navigation, the household's 产业 section, import specs."""
    from django.urls import reverse_lazy
    from django.utils.translation import gettext_lazy as _

    from fupin.core.roles import Role, can_write
    from fupin.core.sections import NavEntry, Section, household_sections, nav

    from . import catalog_selectors
    from .imports import catalog as _specs  # noqa: F401  (registers the import specs)
    from .models import MANAGERS, HouseholdIndustry

    # who finds each list in the menu: those whose scope holds its records (experts and
    # groups are county records, technicians township ones; a village worker keeps a
    # household's industries on the household page)
    readers = frozenset({Role.LEADER, Role.INSPECTOR})
    county_lists = MANAGERS | readers | {Role.EXPERT}
    township_lists = MANAGERS | readers | {Role.TOWNSHIP_OFFICER, Role.TECHNICIAN}
    for key, label, icon, order, url, roles in (
            ("techaid_industries", _("产业"), "flower2", 41, "techaid:industry_list",
             county_lists | township_lists),
            ("techaid_experts", _("专家"), "mortarboard", 42, "techaid:expert_list",
             county_lists),
            ("techaid_groups", _("专家服务组"), "people", 43, "techaid:expertgroup_list",
             county_lists),
            ("techaid_technicians", _("技术员"), "tools", 44, "techaid:technician_list",
             township_lists)):
        nav.register(NavEntry(key=key, label=label, icon=icon, order=order,
                              url=reverse_lazy(url), group="techaid", roles=roles))
    nav.register(NavEntry(key="techaid_poor_villages", label=_("贫困村"), icon="house-heart",
                          order=45, url=reverse_lazy("areas:browse") + "?poor=1",
                          group="techaid", roles=MANAGERS))

    def industries_section(request, household) -> dict:
        return {"records": catalog_selectors.household_industries(user=request.user,
                                                                  household=household),
                "household": household,
                "can_write": can_write(request.user, HouseholdIndustry)
                and household.retired_at is None}

    household_sections.register(Section(key="techaid_industries", title=_("产业"),
                                        template="techaid/catalog/sections/"
                                                 "household_industries.html",
                                        order=60, context=industries_section))


def consultations():
    """Consultations: navigation, workbench cards (expert's queue, county's routing and
    overdue), the household's timeline entries, periods."""


def prescriptions():
    """Missions, prescriptions, coverage: navigation, the village's sections."""


def pairings():
    """Pairings and service visits: navigation, the household's sections and timeline,
    the technician's workbench card."""


def figures():
    """Indicators (indicators.py), the monthly ranking, the demo step."""
