"""What follow-up visits register on core's extension points, one function per part (called
from FollowupsConfig.ready)."""

from __future__ import annotations


def plans():
    """Listeners (core/listeners.py), the plans list's navigation, the person's 回访 section."""
    from fupin.core import listeners

    from . import plans as plan_rules

    listeners.people_changed.register("followups", plan_rules.plans_refresh)

    from django.urls import reverse_lazy
    from django.utils.translation import gettext_lazy as _

    from fupin.core.roles import Role
    from fupin.core.sections import NavEntry, Section, nav, person_sections

    nav.register(NavEntry(key="followup_plans", label=_("回访计划"), icon="calendar-check",
                          url=reverse_lazy("followups:visitplan_list"), order=32,
                          group="followups"))
    nav.register(NavEntry(key="followup_policy", label=_("回访设置"), icon="sliders",
                          url=reverse_lazy("followups:policy"), order=39, group="followups",
                          roles={Role.ADMIN}))
    person_sections.register(Section(key="followup_plan", title=_("回访"),
                                     template="followups/sections/plan.html", order=55,
                                     context=_plan_section))


def _plan_section(request, person) -> dict:
    from .models import VisitPlan
    from .plans import overdue_days

    plan = VisitPlan.objects.active().filter(person=person).first()
    return {"plan": plan, "person": person,
            "overdue": overdue_days(plan) if plan is not None else 0}


def visits():
    """The visits list's navigation, the person's and household's timeline entries."""


def needs():
    """The needs list's navigation, workbench cards, indicators, periods."""


def worklist():
    """The village worker's working list (navigation, workbench card)."""


def demo():
    """The demo step (visits through 2017 for Lizhou and Wangcang)."""
