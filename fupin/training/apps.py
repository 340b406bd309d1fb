from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "fupin.training"
    label = "training"
    verbose_name = _("就业培训")

    def ready(self):
        from django.urls import reverse_lazy

        from fupin.core.sections import NavEntry, nav

        from . import indicators  # noqa: F401  (registers them on core.indicators)

        # DESIGN §2 list 2: after the registry (10–13), before employment (20–23)
        nav.register(NavEntry(key="courses", label=_("培训班"),
                              url=reverse_lazy("training:course_list"), icon="mortarboard",
                              order=15))
        nav.register(NavEntry(key="enrolments", label=_("参训记录"),
                              url=reverse_lazy("training:enrolment_list"), icon="journal-check",
                              order=16))
