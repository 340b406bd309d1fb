from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AreasConfig(AppConfig):
    name = "fupin.areas"
    label = "areas"
    verbose_name = _("行政区划")

    def ready(self):
        from django.urls import reverse_lazy

        from fupin.core import demo, places
        from fupin.core.sections import NavEntry, nav

        from .demo import demo_step
        from .places import AreaTree

        places.install(AreaTree())
        demo.register(demo.DemoStep(key="areas", order=0, run=demo_step))

        nav.register(NavEntry(key="areas", label=_("行政区划"), url=reverse_lazy("areas:browse"),
                              icon="diagram-3", order=90, group="system"))

        from fupin.core import workbench as wb

        from . import workbench

        for order, key, level, title in [(90, "townships", "township", _("下辖乡镇（街道）")),
                                         (91, "villages", "village", _("下辖村（社区）"))]:
            wb.register(wb.Card(key=key, title=title, count=workbench.below_count(level),
                                url=workbench.browse_url, order=order, icon="diagram-3",
                                visible=workbench.has_below(level)))
