from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "fupin.reports"
    label = "reports"
    verbose_name = _("指标与报表")

    def ready(self):
        from django.urls import reverse_lazy

        from fupin.core import demo
        from fupin.core.sections import NavEntry, nav

        from .demo import demo_step

        nav.register(NavEntry(key="indicators", label=_("指标"), icon="bar-chart",
                              url=reverse_lazy("reports:indicators"), order=70,
                              group="supervision"))
        # the demo records of the five lists together (Lizhou's 2017 work): a demo across
        # the lists, kept at the top of the dependencies (docs/architecture.md)
        demo.register(demo.DemoStep(key="five_lists", order=30, run=demo_step))
