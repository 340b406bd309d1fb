"""Training's entries on the person and household timelines (core.sections): a course joined
(at its start) and completed."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from fupin.core.sections import TIMELINE_LIMIT, on_day
from fupin.core.timeline import TimelineEntry

from .models import Enrolment
from .selectors import household_enrolments, person_enrolments


def _entries(enrolments, *, member: bool) -> list[TimelineEntry]:
    out = []
    for e in enrolments[:TIMELINE_LIMIT]:
        who = f"{e.person.name} · " if member else ""
        link = reverse("training:enrolment_detail", args=[e.pk])
        out.append(TimelineEntry(
            at=on_day(e.course.start_date), title=who + _("参加培训：%(course)s") % {
                "course": e.course.name}, text=e.get_status_display(), link=link,
            icon="mortarboard"))
        if e.status == Enrolment.Status.COMPLETED and e.completed_on:
            out.append(TimelineEntry(
                at=on_day(e.completed_on), title=who + _("培训结业：%(course)s") % {
                    "course": e.course.name}, text=e.certificate, link=link,
                icon="patch-check"))
    return out


def person_entries(user, person) -> list[TimelineEntry]:
    return _entries(person_enrolments(user=user, person=person), member=False)


def household_entries(user, household) -> list[TimelineEntry]:
    return _entries(household_enrolments(user=user, household=household), member=True)
