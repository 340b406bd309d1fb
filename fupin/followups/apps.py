from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupsConfig(AppConfig):
    name = "fupin.followups"
    label = "followups"
    verbose_name = _("回访")

    def ready(self):
        # each part registers what it adds to core (listeners, navigation, sections,
        # timelines, workbench cards, periods, indicators, demo steps)
        from . import wiring

        wiring.plans()
        wiring.visits()
        wiring.needs()
        wiring.worklist()
        wiring.demo()
