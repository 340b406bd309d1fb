"""Employment status, derived (DESIGN §2): from a person's transferred employments, ventures
and public-welfare placements, as of a day. Every service that changes one of those records
calls `person_status_refresh` in the same transaction; `fupin refresh_status` re-derives
everyone (statuses move with the calendar: a job with an end date ends by itself)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.core.stamps import bulk_update_records
from fupin.registry.models import Person
from fupin.registry.rules import is_labourer

from .models import Employment, Placement, Venture

OUT_OF_PROVINCE = "04"
# Derived fields only: the person's version (the lost-update guard of people's own edits) is
# left alone, so recording a job does not refuse a registry form someone has open.
FIELDS = ["employment_status", "work_place", "employer", "employed_since", "stable_employed",
          "status_conflict", "updated_at"]


@dataclass(frozen=True)
class Spell:
    kind: str  # employed | venture | welfare_post
    start: datetime.date
    end: datetime.date | None
    place: str = ""
    label: str = ""
    full_time: bool = True

    def open_on(self, day) -> bool:
        return self.start <= day and (self.end is None or self.end >= day)

    def overlaps(self, other: Spell) -> bool:
        return (self.end is None or self.end >= other.start) and \
            (other.end is None or other.end >= self.start)


def stable_months() -> int:
    return int(getattr(settings, "FUPIN_STABLE_EMPLOYMENT_MONTHS", 6))


def _months_before(day: datetime.date, months: int) -> datetime.date:
    y, m = divmod(day.year * 12 + day.month - 1 - months, 12)
    m += 1
    for d in (day.day, 30, 29, 28):
        try:
            return datetime.date(y, m, d)
        except ValueError:
            continue
    raise ValueError(day)


def derive(spells: list[Spell], *, on: datetime.date, labourer: bool) -> dict:
    """The status fields for one person's spells on a day."""
    current = [s for s in spells if s.open_on(on)]
    order = {"employed": 0, "venture": 1, "welfare_post": 2}
    current.sort(key=lambda s: (order[s.kind], -s.start.toordinal()))
    out = {"employment_status": "unemployed" if labourer else "", "work_place": "",
           "employer": "", "employed_since": None, "stable_employed": False,
           "status_conflict": ""}
    if current:
        top = current[0]
        out.update(employment_status=top.kind, work_place=top.place, employer=top.label[:200])
        # the continuous stretch of work that contains today (any kind of spell counts)
        since = min(s.start for s in current)
        ordered = sorted(spells, key=lambda s: s.start, reverse=True)
        changed = True
        while changed:
            changed = False
            for s in ordered:
                if s.start < since and (s.end is None or
                                        s.end >= since - datetime.timedelta(days=1)):
                    since, changed = s.start, True
        out["employed_since"] = since
        out["stable_employed"] = since <= _months_before(on, stable_months())
    conflicts = []
    jobs = [s for s in spells if s.kind == "employed" and s.full_time]
    for i, a in enumerate(jobs):
        for b in jobs[i + 1:]:
            if a.overlaps(b):
                conflicts.append(_("全职务工时间重叠：%(a)s 与 %(b)s") % {"a": a.label,
                                                                   "b": b.label})
    far = [s for s in spells if s.kind == "employed" and s.place == OUT_OF_PROVINCE]
    for p in (s for s in spells if s.kind == "welfare_post"):
        for job in far:
            if p.overlaps(job):
                conflicts.append(_("省外务工期间安置了公益性岗位：%(p)s") % {"p": p.label})
    out["status_conflict"] = "；".join(conflicts)[:300]
    return out


def spells_for(person_ids) -> dict[int, list[Spell]]:
    spells: dict[int, list[Spell]] = defaultdict(list)
    for row in Employment.objects.active().filter(person_id__in=person_ids).values(
            "person_id", "start_date", "end_date", "place", "employer", "full_time"):
        spells[row["person_id"]].append(Spell("employed", row["start_date"], row["end_date"],
                                              row["place"], row["employer"],
                                              row["full_time"]))
    for row in Venture.objects.active().filter(person_id__in=person_ids).values(
            "person_id", "start_date", "end_date", "business"):
        spells[row["person_id"]].append(Spell("venture", row["start_date"], row["end_date"],
                                              "", row["business"]))
    for row in Placement.objects.active().filter(person_id__in=person_ids).values(
            "person_id", "start_date", "end_date", "post__name"):
        spells[row["person_id"]].append(Spell("welfare_post", row["start_date"],
                                              row["end_date"], "", row["post__name"]))
    return spells


def person_status_refresh(*, person_ids, actor=None, on: datetime.date | None = None) -> int:
    """Re-derive the status of these people; write (with history) only what changed.
    Returns how many changed."""
    from fupin.registry.rules import apply_completeness

    on = on or timezone.localdate()
    ids = list(person_ids)
    changed_total = 0
    for start in range(0, len(ids), 2000):
        chunk = ids[start:start + 2000]
        spells = spells_for(chunk)
        changed = []
        now = timezone.now()
        for person in Person.objects.filter(pk__in=chunk):
            values = derive(spells.get(person.pk, []), on=on,
                            labourer=is_labourer(person, on))
            if any(getattr(person, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(person, k, v)
                apply_completeness(person)
                person.updated_at = now
                changed.append(person)
        if changed:
            bulk_update_records(changed, Person, [*FIELDS, "complete", "missing"],
                                     batch_size=500, default_user=actor)
        changed_total += len(changed)
    from fupin.core.listeners import people_changed

    people_changed.fire(person_ids=ids, actor=actor, on=on)
    return changed_total
