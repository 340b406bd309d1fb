from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "fupin.registry"
    label = "registry"
    verbose_name = _("实名制登记")

    def ready(self):
        from django.urls import reverse_lazy

        from fupin.core import demo
        from fupin.core.sections import NavEntry, Section, nav, person_sections

        from .demo import demo_step

        nav.register(NavEntry(key="households", label=_("贫困户"),
                              url=reverse_lazy("registry:household_list"), icon="house-heart",
                              order=10))
        nav.register(NavEntry(key="persons", label=_("家庭成员"),
                              url=reverse_lazy("registry:person_list"), icon="people", order=11))
        nav.register(NavEntry(key="incomplete", label=_("登记待完善"),
                              url=reverse_lazy("registry:incomplete"), icon="clipboard-check",
                              order=12))
        nav.register(NavEntry(key="national", label=_("国办系统比对"),
                              url=reverse_lazy("registry:national"), icon="arrow-left-right",
                              order=14))
        nav.register(NavEntry(key="imports", label=_("导入"),
                              url=reverse_lazy("core:import_list"), icon="upload", order=80))
        for order, key, title in [(10, "identity", _("基本信息")),
                                  (20, "intention", _("就业意向")),
                                  (30, "status", _("就业状态"))]:
            person_sections.register(Section(key=key, title=title, order=order,
                                             template=f"registry/sections/{key}.html"))
        person_sections.register(Section(
            key="national", title=_("国办系统报告"), order=35,
            template="registry/sections/national.html",
            context=lambda request, person: {"report": _national_report(person)}))
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


def _national_report(person):
    from .models import NationalReport

    return NationalReport.objects.filter(person=person).first()
