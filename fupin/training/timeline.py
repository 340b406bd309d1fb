"""Training's entries on the person and household timelines (core.sections): a course joined
(at its start) and completed, and each step the enrolment took (its domain events)."""

from __future__ import annotations

from dataclasses import replace

from django.urls import reverse
from django.utils.translation import gettext as _

from fupin.core.sections import TIMELINE_LIMIT, on_day
from fupin.core.timeline import TimelineEntry
from fupin.core.workflows import timeline_entries_of

from .models import Enrolment
from .selectors import household_enrolments, person_enrolments


def _entries(user, enrolments, *, member: bool) -> list[TimelineEntry]:
    out = []
    enrolments = list(enrolments[:TIMELINE_LIMIT])
    # the steps (报名 → 在训 → 结业 / 退出), by whom and why: the workflow's events, one query
    steps = timeline_entries_of(enrolments, user, limit=10)
    for e in enrolments:
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
        for step in steps.get(e.pk, []):
            out.append(replace(step, title=f"{who}{e.course.name} · {step.title}",
                               link=step.link or link))
    return out


def person_entries(user, person) -> list[TimelineEntry]:
    return _entries(user, person_enrolments(user=user, person=person), member=False)


def household_entries(user, household) -> list[TimelineEntry]:
    return _entries(user, household_enrolments(user=user, household=household), member=True)
