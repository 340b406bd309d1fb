from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "fupin.training"
    label = "training"
    verbose_name = _("就业培训")

    def ready(self):
        from django.urls import reverse_lazy

        from fupin.core.sections import NavEntry, nav, register_member_records

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
        register_member_records(
            key="training", title=_("参训记录"), order=40,
            template="training/sections/enrolments.html", name="enrolments",
            person=selectors.person_enrolments, household=selectors.household_enrolments,
            timeline_order=20, person_entries=timeline.person_entries,
            household_entries=timeline.household_entries)
        _workbench()
        from fupin.core import demo

        from .demo import demo_step

        # after the five lists' 2017 records (order 30): this year's courses of the township
        demo.register(demo.DemoStep(key="courses_this_year", order=40, run=demo_step))


def _workbench():
    """The home page's card and the dates the latest period is read from (core/workbench.py,
    core/periods.py)."""
    from django.urls import reverse

    from fupin.core import periods
    from fupin.core import workbench as wb

    from .models import Course, Enrolment
    from .selectors import courses_open_for_enrolment

    wb.register(wb.Card(
        key="courses_open", title=_("报名中的培训班"), icon="mortarboard", order=30,
        roles=wb.STAFF,
        count=lambda user: courses_open_for_enrolment(user=user).count(),
        url=lambda user: reverse("training:course_list") + "?phase=open",
        help=_("已开放报名、未结业、尚有名额")))
    periods.register(periods.DatedSource("course_starts", lambda: Course.objects.all(),
                                         "start_date"))
    periods.register(periods.DatedSource("trainings", lambda: Enrolment.objects.all(),
                                         "completed_on"))
