"""What technology aid registers on core's extension points, one function per part (called
from TechaidConfig.ready)."""

from __future__ import annotations


def catalog():
    """Industries, household industries, experts, groups, technicians, poor villages:
    navigation, the household's 产业 section, import specs."""


def consultations():
    """Consultations: navigation, workbench cards (expert's queue, county's routing and
    overdue), the household's timeline entries, periods."""
    from django.urls import reverse, reverse_lazy
    from django.utils.text import format_lazy
    from django.utils.translation import gettext as _
    from django.utils.translation import gettext_lazy as _l

    from fupin.core import workbench as wb
    from fupin.core.roles import Role
    from fupin.core.sections import NavEntry, TimelineSource, household_timeline, nav
    from fupin.core.timeline import TimelineEntry

    from . import consultation_selectors as selectors
    from .models import RAISERS, Urgency

    county_up = frozenset({Role.ADMIN, Role.COUNTY_OFFICER})
    nav.register(NavEntry(key="techaid_queue", label=_l("待办会诊"), icon="inbox",
                          url=reverse_lazy("techaid:consultation_queue"), order=10,
                          group="techaid", roles={Role.EXPERT}))
    nav.register(NavEntry(key="techaid_raise", label=_l("提出会诊"), icon="camera",
                          url=reverse_lazy("techaid:consultation_raise"), order=11,
                          group="techaid", roles=RAISERS))
    nav.register(NavEntry(key="techaid_routing", label=_l("待分诊"), icon="signpost-split",
                          url=reverse_lazy("techaid:consultation_routing"), order=12,
                          group="techaid", roles=county_up))
    nav.register(NavEntry(key="techaid_consultations", label=_l("会诊"), icon="chat-left-dots",
                          url=reverse_lazy("techaid:consultation_list"), order=13,
                          group="techaid"))
    nav.register(NavEntry(key="techaid_onsite", label=_l("面诊任务"), icon="geo-alt",
                          url=reverse_lazy("techaid:onsitevisit_list"), order=14,
                          group="techaid"))
    nav.register(NavEntry(key="techaid_policy", label=_l("科技扶贫设置"), icon="sliders",
                          url=reverse_lazy("techaid:policy"), order=89, group="techaid",
                          roles={Role.ADMIN}))

    # the expert's queue, one card per urgency (特急 first), each opening the queue
    for order, urgency, tone in ((6, Urgency.CRITICAL, "danger"), (7, Urgency.URGENT, "warning"),
                                 (8, Urgency.NORMAL, "warning")):
        wb.register(wb.Card(
            key=f"techaid_queue_{urgency}", icon="inbox", order=order, tone=tone,
            title=format_lazy("{}（{}）", _l("待办会诊"), Urgency(urgency).label),
            roles=frozenset({Role.EXPERT}),
            count=lambda user, u=urgency: selectors.queue(user=user).filter(urgency=u).count(),
            url=lambda user: reverse("techaid:consultation_queue")))
    wb.register(wb.Card(
        key="techaid_routing", title=_l("待分诊会诊"), icon="signpost-split", order=25,
        roles=county_up, tone="warning",
        count=lambda user: selectors.routing(user=user).count(),
        url=lambda user: reverse("techaid:consultation_routing")))
    wb.register(wb.Card(
        key="techaid_overdue", title=_l("超时会诊"), icon="alarm", order=26,
        roles=county_up, tone="danger",
        count=lambda user: selectors.overdue(user=user).count(),
        url=lambda user: reverse("techaid:consultation_list") + "?overdue=true"))

    def household_entries(user, household):
        from .consultations import link

        for c in selectors.for_household(user=user, household=household).select_related(
                "industry")[:50]:
            yield TimelineEntry(at=c.raised_at,
                                title=_("会诊：%(t)s（%(s)s）") % {
                                    "t": c.title, "s": c.get_status_display()},
                                text=f"{c.number} · {c.industry}", link=link(c),
                                icon="chat-left-dots")
            if c.closed_at:
                yield TimelineEntry(at=c.closed_at,
                                    title=_("会诊办结：%(t)s（%(s)s）") % {
                                        "t": c.title, "s": c.get_status_display()},
                                    text=c.number, link=link(c), icon="check2-circle")

    household_timeline.register(TimelineSource(key="techaid_consultations", order=60,
                                               entries=household_entries))
    # (periods: raised_at is a datetime, and core.periods compares dates — the figures part
    # registers the module's dated sources)


def prescriptions():
    """Missions, prescriptions, coverage: navigation, the village's sections."""


def pairings():
    """Pairings and service visits: navigation, the household's sections and timeline,
    the technician's workbench card."""


def figures():
    """Indicators (indicators.py), the monthly ranking, the demo step."""
