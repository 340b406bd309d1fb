"""Employment's entries on the person and household timelines (core.sections): a job, a
venture or a public-welfare post begun and ended."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fupin.core.sections import TIMELINE_LIMIT, on_day
from fupin.core.timeline import TimelineEntry

from .selectors import household_work, person_work

# (started, ended, icon) per kind of record
TITLES = {
    "employment": (_("开始务工：%(title)s"), _("务工结束：%(title)s"), "briefcase"),
    "venture": (_("开始创业：%(title)s"), _("停业：%(title)s"), "shop"),
    "placement": (_("公益性岗位上岗：%(title)s"), _("公益性岗位离岗：%(title)s"), "person-badge"),
}


def _entries(items, *, member: bool) -> list[TimelineEntry]:
    out = []
    for item in items[:TIMELINE_LIMIT]:
        who = f"{item['person'].name} · " if member else ""
        started, ended, icon = TITLES[item["kind"]]
        link = reverse(item["url"], args=[item["record"].pk])
        out.append(TimelineEntry(at=on_day(item["start"]), title=who + started % item,
                                 text=str(item["detail"] or ""), link=link, icon=icon))
        if item["end"]:
            out.append(TimelineEntry(at=on_day(item["end"]), title=who + ended % item, link=link,
                                     icon=icon))
    return out


def person_entries(user, person) -> list[TimelineEntry]:
    return _entries(person_work(user=user, person=person), member=False)


def household_entries(user, household) -> list[TimelineEntry]:
    return _entries(household_work(user=user, household=household), member=True)
