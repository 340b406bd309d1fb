from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "fupin.training"
    label = "training"
    verbose_name = _("就业培训")

    def ready(self):
        from django.urls import reverse_lazy

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
            selectors,
            timeline,
        )

        # DESIGN §2 list 2: after the registry (10–13), before employment (20–23)
        nav.register(NavEntry(key="courses", label=_("培训班"),
                              url=reverse_lazy("training:course_list"), icon="mortarboard",
                              order=15, group="employment"))
        nav.register(NavEntry(key="enrolments", label=_("参训记录"),
                              url=reverse_lazy("training:enrolment_list"), icon="journal-check",
                              order=16, group="employment"))
        # the person and household pages: the courses taken, and the timeline's entries
        person_sections.register(Section(
            key="training", title=_("参训记录"), order=40,
            template="training/sections/enrolments.html",
            context=lambda request, person: {"enrolments": selectors.person_enrolments(
                user=request.user, person=person)}))
        household_sections.register(Section(
            key="training", title=_("参训记录"), order=40,
            template="training/sections/enrolments.html",
            context=lambda request, household: {
                "member": True, "enrolments": selectors.household_enrolments(
                    user=request.user, household=household)}))
        person_timeline.register(TimelineSource(key="training", order=20,
                                                entries=timeline.person_entries))
        household_timeline.register(TimelineSource(key="training", order=20,
                                                   entries=timeline.household_entries))
