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
    from django.urls import reverse, reverse_lazy
    from django.utils.translation import gettext as _
    from django.utils.translation import gettext_lazy as _l

    from fupin.core.sections import (
        NavEntry,
        TimelineSource,
        household_timeline,
        nav,
        on_day,
        person_timeline,
    )
    from fupin.core.timeline import TimelineEntry

    from .models import Visit

    nav.register(NavEntry(key="visits", label=_l("回访记录"), icon="chat-square-text",
                          url=reverse_lazy("followups:visit_list"), order=41,
                          group="followups"))

    def _entry(visit, prefix=""):
        return TimelineEntry(
            at=on_day(visit.visited_on),
            title=prefix + _("回访（%(method)s）") % {"method": visit.get_method_display()},
            text=visit.findings[:100], link=reverse("followups:visit_detail", args=[visit.pk]),
            icon="chat-square-text")

    def person_entries(user, person):
        for visit in (Visit.objects.visible_to(user).active().filter(person=person)
                      .order_by("-visited_on")[:50]):
            yield _entry(visit)

    def household_entries(user, household):
        for visit in (Visit.objects.visible_to(user).active()
                      .filter(person__household=household).select_related("person")
                      .order_by("-visited_on")[:50]):
            yield _entry(visit, prefix=f"{visit.person.name}：")

    person_timeline.register(TimelineSource(key="followups_visits", order=40,
                                            entries=person_entries))
    household_timeline.register(TimelineSource(key="followups_visits", order=40,
                                               entries=household_entries))


def needs():
    """The needs list's navigation, workbench cards, indicators, periods."""
    from django.urls import reverse, reverse_lazy
    from django.utils.translation import gettext_lazy as _

    from fupin.core import periods
    from fupin.core import workbench as wb
    from fupin.core.roles import OFFICERS, Role
    from fupin.core.sections import NavEntry, nav

    from .models import Need, Visit, VisitPlan

    nav.register(NavEntry(key="needs", label=_("需求清单"), icon="clipboard-check", order=33,
                          url=reverse_lazy("followups:need_list"), group="followups"))
    nav.register(NavEntry(key="followup_areas", label=_("回访进度"), icon="table", order=34,
                          url=reverse_lazy("followups:areas"), group="followups",
                          roles=OFFICERS))
    township_up = frozenset({Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER})
    wb.register(wb.Card(
        key="needs_raised", title=_("待受理的需求"), icon="clipboard-check", order=35,
        roles=township_up, tone="warning",
        count=lambda user: Need.objects.visible_to(user).filter(
            retired_at__isnull=True, status=Need.Status.RAISED).count(),
        url=lambda user: reverse("followups:need_list") + "?status=raised"))
    wb.register(wb.Card(
        key="followups_overdue", title=_("回访逾期"), icon="alarm", order=36,
        roles=OFFICERS, tone="danger",
        count=lambda user: VisitPlan.objects.visible_to(user).filter(
            retired_at__isnull=True, due_on__lt=_today()).count(),
        url=lambda user: reverse("followups:areas")))
    from . import indicators  # noqa: F401  (registers them on core.indicators)

    periods.register(periods.DatedSource("followup_visits", Visit.objects.all, "visited_on"))
    periods.register(periods.DatedSource("followup_needs", Need.objects.all, "raised_on"))


def _today():
    from django.utils import timezone

    return timezone.localdate()


def worklist():
    """The village worker's working list (navigation, workbench card)."""
    from django.urls import reverse, reverse_lazy
    from django.utils.translation import gettext_lazy as _

    from fupin.core import workbench as wb
    from fupin.core.roles import OFFICERS, Role
    from fupin.core.sections import NavEntry, nav

    from . import selectors

    nav.register(NavEntry(key="followups_worklist", label=_("待回访"), icon="telephone",
                          order=30, url=reverse_lazy("followups:worklist"), group="followups",
                          roles=OFFICERS | {Role.VILLAGE_WORKER}))

    def due_now(user) -> int:
        counts = selectors.worklist_counts(user=user)
        return counts["overdue"] + counts["week"]

    wb.register(wb.Card(
        key="followups_due", title=_("待回访"), icon="telephone", order=5,
        roles=frozenset({Role.VILLAGE_WORKER}), tone="warning", count=due_now,
        help=_("逾期和本周到期的回访"), url=lambda user: reverse("followups:worklist")))


def demo():
    """The demo step (visits through 2017 for Lizhou and Wangcang), after the five lists (30)
    and this year's courses (40): the plans follow the people's statuses."""
    from fupin.core import demo as core_demo

    from .demo import demo_step

    core_demo.register(core_demo.DemoStep(key="followups", order=50, run=demo_step))
