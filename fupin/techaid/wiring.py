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

    # the group's order: consultations (10-14), missions and prescriptions (40-42),
    # pairings (50-52), this catalogue (60-64), ranking (78), settings (89)
    # who finds each list in the menu: those whose scope holds its records (experts and
    # groups are county records, technicians township ones; a village worker keeps a
    # household's industries on the household page)
    readers = frozenset({Role.LEADER, Role.INSPECTOR})
    county_lists = MANAGERS | readers | {Role.EXPERT}
    township_lists = MANAGERS | readers | {Role.TOWNSHIP_OFFICER, Role.TECHNICIAN}
    for key, label, icon, order, url, roles in (
            ("techaid_industries", _("产业"), "flower2", 60, "techaid:industry_list",
             county_lists | township_lists),
            ("techaid_experts", _("专家"), "mortarboard", 61, "techaid:expert_list",
             county_lists),
            ("techaid_groups", _("专家服务组"), "people", 62, "techaid:expertgroup_list",
             county_lists),
            ("techaid_technicians", _("技术员"), "tools", 63, "techaid:technician_list",
             township_lists)):
        nav.register(NavEntry(key=key, label=label, icon=icon, order=order,
                              url=reverse_lazy(url), group="techaid", roles=roles))
    nav.register(NavEntry(key="techaid_poor_villages", label=_("贫困村"), icon="house-heart",
                          order=64, url=reverse_lazy("areas:browse") + "?poor=1",
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
    # (periods: the figures part registers the module's dated sources)


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
    from . import pairing_wiring

    pairing_wiring.register()


def figures():
    """Indicators (indicators.py), the dated sources of the periods, the monthly ranking,
    the demo step."""
    from django.urls import reverse_lazy
    from django.utils.translation import gettext_lazy as _

    from fupin.core import demo as core_demo
    from fupin.core import periods
    from fupin.core.roles import OFFICERS, Role
    from fupin.core.sections import NavEntry, nav

    from . import indicators  # noqa: F401  (registers them on core.indicators)
    from .demo import demo_step, demo_summary
    from .models import Consultation, OnsiteVisit, Pairing, Prescription, ServiceVisit

    # the days technology aid's records happen on: the indicator page and the workbench
    # open on the latest period with records (the demo's 2017), not an empty current year
    for key, model, field in (("techaid_consultations", Consultation, "raised_at"),
                              ("techaid_prescriptions", Prescription, "issued_on"),
                              ("techaid_service_visits", ServiceVisit, "visited_on"),
                              ("techaid_pairings", Pairing, "started_on"),
                              ("techaid_onsite_visits", OnsiteVisit, "done_on")):
        periods.register(periods.DatedSource(key, model.objects.all, field))

    nav.register(NavEntry(key="techaid_ranking", label=_("会诊排名"), icon="bar-chart-line",
                          url=reverse_lazy("techaid:ranking"), order=78, group="techaid",
                          roles=OFFICERS | {Role.EXPERT, Role.LEADER}))
    # after the registry (20), the five lists (30), this year's courses (40) and the
    # follow-up visits (50): the technology aid of Wangcang 2017 stands on its households
    core_demo.register(core_demo.DemoStep(key="techaid", order=60, run=demo_step,
                                          summary=demo_summary))
