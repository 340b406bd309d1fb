"""The registry's entries on the person and household timelines (core.sections): registered,
changed (which fields; the values stay on the history tab, shown there as core/personal.py
lets the reader see them), retired, restored; a household's members joining and leaving."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from fupin.core.history import history_entries
from fupin.core.sections import TIMELINE_LIMIT
from fupin.core.timeline import TimelineEntry

from .models import Person


def history_timeline(user, obj, *, what: str) -> list[TimelineEntry]:
    """The record's history as timeline entries: what kind of change, by whom, and the
    labels of the fields it changed — never their values (personal data stays masked).
    Nothing for a reader who may not see the record (the page answers 404 first; a source
    holds it too)."""
    if not type(obj).objects.visible_to(user).filter(pk=obj.pk).exists():
        return []
    out = []
    for entry in history_entries(obj, TIMELINE_LIMIT, user=user):
        fields = "、".join(dict.fromkeys(c.field for c in entry.changes))
        text = " · ".join(part for part in (fields, entry.reason, str(entry.user or ""))
                          if part)
        title = _("%(kind)s%(what)s") % {"kind": entry.kind, "what": what}
        out.append(TimelineEntry(at=entry.at, title=title, text=text, icon="clock-history"))
    return out


def person_entries(user, person) -> list[TimelineEntry]:
    return history_timeline(user, person, what=_("登记信息"))


def household_entries(user, household) -> list[TimelineEntry]:
    out = history_timeline(user, household, what=_("贫困户信息"))
    members = (Person.objects.visible_to(user).filter(household=household)
               .order_by("-created_at")[:TIMELINE_LIMIT])
    for person in members:
        link = reverse("registry:person_detail", args=[person.pk])
        out.append(TimelineEntry(at=person.created_at, title=_("登记成员：%(name)s") % {
            "name": person.name}, link=link, icon="person-plus"))
        if person.retired_at:
            out.append(TimelineEntry(at=person.retired_at, title=_("成员停用：%(name)s") % {
                "name": person.name}, text=person.retired_reason, link=link,
                icon="person-dash"))
    return out
