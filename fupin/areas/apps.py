from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AreasConfig(AppConfig):
    name = "fupin.areas"
    label = "areas"
    verbose_name = _("行政区划")

    def ready(self):
        from django.urls import reverse_lazy

        from fupin.core.sections import NavEntry, nav

        nav.register(NavEntry(key="areas", label=_("行政区划"), url=reverse_lazy("areas:browse"),
                              icon="diagram-3", order=90, group="system"))
