from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "fupin.registry"
    label = "registry"
    verbose_name = _("实名制登记")

    def ready(self):
        from django.urls import reverse_lazy

        from fupin.core import demo
        from fupin.core.roles import STAFF_ROLES
        from fupin.core.sections import (
            NavEntry,
            Section,
            TimelineSource,
            household_sections,
            household_timeline,
            nav,
            person_sections,
            person_timeline,
        )

        from . import (
            indicators,  # noqa: F401  (registers them on core.indicators)
            timeline,
        )
        from .demo import demo_step

        nav.register(NavEntry(key="households", label=_("贫困户"),
                              url=reverse_lazy("registry:household_list"), icon="house-heart",
                              order=10, group="registration"))
        nav.register(NavEntry(key="persons", label=_("家庭成员"),
                              url=reverse_lazy("registry:person_list"), icon="people", order=11,
                              group="registration"))
        nav.register(NavEntry(key="incomplete", label=_("登记待完善"),
                              url=reverse_lazy("registry:incomplete"), icon="clipboard-check",
                              order=12, group="registration"))
        nav.register(NavEntry(key="national", label=_("国办系统比对"),
                              url=reverse_lazy("registry:national"), icon="arrow-left-right",
                              order=14, group="registration"))
        nav.register(NavEntry(key="imports", label=_("导入"),
                              url=reverse_lazy("core:import_list"), icon="upload", order=80,
                              group="registration",
                              # the roles that write registrations; readers import nothing
                              roles=STAFF_ROLES))
        for order, key, title in [(10, "identity", _("基本信息")),
                                  (20, "intention", _("就业意向")),
                                  (30, "status", _("就业状态"))]:
            person_sections.register(Section(key=key, title=title, order=order,
                                             template=f"registry/sections/{key}.html"))
        person_sections.register(Section(
            key="national", title=_("国办系统报告"), order=35,
            template="registry/sections/national.html",
            context=lambda request, person: {"report": _national_report(person)}))
        # the pages' timelines: every app adds its entries to these registries; the registry
        # shows them (and adds its own: registered, changed, members joining and leaving)
        person_timeline.register(TimelineSource(key="registry", order=10,
                                                entries=timeline.person_entries))
        household_timeline.register(TimelineSource(key="registry", order=10,
                                                   entries=timeline.household_entries))
        for sections, entries in [(person_sections, person_timeline),
                                  (household_sections, household_timeline)]:
            sections.register(Section(
                key="timeline", title=_("时间线"), order=90,
                template="core/sections/timeline.html",
                context=lambda request, obj, entries=entries: _timeline(entries, request, obj)))
        demo.register(demo.DemoStep(key="registry", order=20, run=demo_step))
        _workbench()


def _workbench():
    """The home page's cards (core/workbench.py)."""
    from django.urls import reverse

    from fupin.core import workbench as wb

    from .models import Person
    from .reconciliation import INDICATOR

    wb.register(wb.Card(
        key="incomplete", title=_("登记待完善"), icon="clipboard-check", order=10,
        roles=wb.STAFF, tone="warning",
        count=lambda user: Person.objects.visible_to(user).active()
        .filter(complete=False).count(),
        url=lambda user: reverse("registry:incomplete")))
    wb.register(wb.Card(
        key="national_mismatch", title=_("国办系统比对不一致"), icon="arrow-left-right",
        order=20, roles=wb.STAFF, tone="warning", count=wb.indicator_count(INDICATOR),
        url=lambda user: reverse("registry:national")))


def _timeline(entries, request, obj) -> dict:
    from fupin.core.sections import TIMELINE_LIMIT, timeline

    return {"timeline": timeline(entries, user=request.user, obj=obj), "limit": TIMELINE_LIMIT}


def _national_report(person):
    from .models import NationalReport

    return NationalReport.objects.filter(person=person).first()
