from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TechaidConfig(AppConfig):
    name = "fupin.techaid"
    label = "techaid"
    verbose_name = _("科技扶贫")

    def ready(self):
        # each part registers what it adds to core (navigation, sections, timelines, workbench
        # cards, periods, indicators, import specs, demo steps)
        from . import wiring

        wiring.catalog()
        wiring.consultations()
        wiring.prescriptions()
        wiring.pairings()
        wiring.figures()
