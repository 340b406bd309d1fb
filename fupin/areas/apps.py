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
