"""Prescription coverage (处方全覆盖, DESIGN §5): every poor village has a mission and an
issued prescription for each of its main industries.

The rules, decided once here:
- the poor villages of an area: `areas.Area` rows of level village with `poor_village`
  (as of a date — the indicators' months —, those identified by that year and not exited
  before it: a village still counts in its exit year);
- a village's **main industries**: the industries that at least `MIN_HOUSEHOLDS` (1) active
  households of the village have as a main industry (an active `HouseholdIndustry` with
  main=True, of an active household); a secondary industry (main=False) does not count;
- **with mission**: the village has an active (not retired) mission;
- an industry is **covered** when the village has an issued, active (not retired)
  prescription for it, of any year (a prescription stands until it is retired and replaced);
- a village is **fully covered** when it has a mission, at least one main industry, and
  every main industry is covered (a village without any main industry recorded is a gap:
  nothing can be said to be prescribed for it until its industries are registered);
- the gaps: villages without a mission or without recorded main industries, and the main
  industries without a prescription.

The rule is written once, as querysets and conditions (`poor_in_year_q`, `main_industries`,
`active_missions`, `issued_prescriptions`, `prescription_gaps`, `coverage_conditions`,
`village_covered_q`), which both the indicators (indicators.py) and this page's table read.
The table is computed in the database with four queries for any area (villages, main
industries, missions, prescriptions), never a query per village.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q

MIN_HOUSEHOLDS = 1
CHILD_LENGTH = {0: 4, 2: 4, 4: 6, 6: 9, 9: 12, 12: 12}


# --- the rule -----------------------------------------------------------------------------

def poor_in_year_q(year: int, prefix: str = "") -> Q:
    """An area that is a poor village in `year`: marked poor, identified by then, not exited
    before it (a village exiting in 2017 was poor through 2017). `prefix` names the area's
    relation (`"area__"`)."""
    f = prefix
    return (Q(**{f"{f}level": "village", f"{f}poor_village": True})
            & (Q(**{f"{f}poor_identified_year__isnull": True})
               | Q(**{f"{f}poor_identified_year__lte": year}))
            & (Q(**{f"{f}poor_exit_year__isnull": True})
               | Q(**{f"{f}poor_exit_year__gte": year})))


def main_industries():
    """HouseholdIndustry rows that make a village's main industries: main, not retired, of a
    household and an industry not retired. (The rows carry no dates: today's industries.)"""
    from .models import HouseholdIndustry

    return HouseholdIndustry.objects.filter(main=True, retired_at__isnull=True,
                                            household__retired_at__isnull=True,
                                            industry__retired_at__isnull=True)


def issued_prescriptions(as_of: datetime.date | None = None):
    """Issued, active prescriptions (issued by `as_of` when given)."""
    from .models import Prescription

    qs = Prescription.objects.filter(retired_at__isnull=True, status=Prescription.Status.ISSUED)
    return qs if as_of is None else qs.filter(issued_on__lte=as_of)


def active_missions(as_of: datetime.date | None = None):
    """Active missions (formed by `as_of` when given)."""
    from .models import Mission

    qs = Mission.objects.filter(retired_at__isnull=True)
    return qs if as_of is None else qs.filter(formed_on__lte=as_of)


def prescription_gaps(as_of: datetime.date):
    """Main-industry rows (HouseholdIndustry) whose village has no issued prescription for
    their industry on `as_of`: `.values("area_code", "industry").distinct()` lists the gaps
    (village × industry) a coverage page shows."""
    prescribed = issued_prescriptions(as_of).filter(area_code=OuterRef("area_code"),
                                                    industry=OuterRef("industry"))
    return main_industries().exclude(Exists(prescribed))


def coverage_conditions(as_of: datetime.date) -> dict[str, Q]:
    """The parts of the coverage rule as conditions on `areas.Area` (villages), for a page
    that lists the gaps: `has_mission`, `has_main_industry`, and `prescription_gap` (a main
    industry without an issued prescription). A village's rows are probed on the (area code,
    industry) indexes of household industries and prescriptions: the rows are villages (a few
    hundred poor villages per county), not people."""
    return {
        "has_mission": Q(code__in=active_missions(as_of).values("area_code")),
        "has_main_industry": Q(Exists(main_industries().filter(area_code=OuterRef("code")))),
        "prescription_gap": Q(Exists(prescription_gaps(as_of).filter(
            area_code=OuterRef("code")))),
    }


def village_covered_q(as_of: datetime.date) -> Q:
    """A village (`areas.Area`) covered on `as_of`: an active mission, at least one main
    industry, and an issued prescription for each of its main industries. Combine with
    `poor_in_year_q` for the poor villages covered."""
    c = coverage_conditions(as_of)
    return c["has_mission"] & c["has_main_industry"] & ~c["prescription_gap"]


def poor_villages_covered(villages, *, year: int, as_of: datetime.date):
    """The poor villages of `villages` (an Area queryset) covered in `year` as of `as_of`."""
    return villages.filter(poor_in_year_q(year)).filter(village_covered_q(as_of))



@dataclass
class VillageCoverage:
    code: str
    name: str
    mission_id: int | None = None
    mission_name: str = ""
    industries: dict[int, str] = field(default_factory=dict)  # main industries: id → name
    covered: set[int] = field(default_factory=set)

    @property
    def has_mission(self) -> bool:
        return self.mission_id is not None

    @property
    def missing(self) -> list[str]:
        """The main industries without an issued prescription."""
        return [name for pk, name in sorted(self.industries.items(), key=lambda i: i[1])
                if pk not in self.covered]

    @property
    def fully_covered(self) -> bool:
        return self.has_mission and bool(self.industries) and not self.missing

    @property
    def is_gap(self) -> bool:
        return not self.fully_covered


@dataclass
class Row:
    code: str
    name: str
    poor_villages: int = 0
    with_mission: int = 0
    fully_covered: int = 0

    @property
    def rate(self) -> float | None:
        if not self.poor_villages:
            return None
        return round(100 * self.fully_covered / self.poor_villages, 1)


def _in_scope(qs, user):
    """The rule's rows as the user may read them (the page), or all of them (the indicator)."""
    return qs if user is None else qs.visible_to(user)


def villages_coverage(area_code: str, *, user=None,
                      as_of: datetime.date | None = None) -> list[VillageCoverage]:
    """The coverage of every poor village under `area_code` ('' for all), read through the
    user's scope when given (the page), or of every record (the indicator)."""
    from fupin.areas.models import Area, Level

    area_code = area_code or ""
    poor = Area.objects.filter(level=Level.VILLAGE, poor_village=True,
                               code__startswith=area_code)
    if as_of is not None:  # poor that year: identified by then, not exited before it
        poor = poor.filter(poor_in_year_q(as_of.year))
    villages = {code: VillageCoverage(code=code, name=name) for code, name in
                poor.order_by("code").values_list("code", "name")}
    if not villages:
        return []
    industries = (_in_scope(main_industries(), user)
                  .filter(area_code__startswith=area_code)
                  .values("area_code", "industry_id", "industry__name")
                  .annotate(n=Count("household_id", distinct=True))
                  .filter(n__gte=MIN_HOUSEHOLDS))
    for row in industries:
        v = villages.get(row["area_code"])
        if v is not None:
            v.industries[row["industry_id"]] = row["industry__name"]
    missions = _in_scope(active_missions(as_of), user).filter(area_code__startswith=area_code)
    prescriptions = _in_scope(issued_prescriptions(as_of), user).filter(
        area_code__startswith=area_code)
    for code, pk, name in missions.values_list("area_code", "pk", "name"):
        v = villages.get(code)
        if v is not None:
            v.mission_id, v.mission_name = pk, name
    for code, industry_id in prescriptions.values_list("area_code", "industry_id").distinct():
        v = villages.get(code)
        if v is not None:
            v.covered.add(industry_id)
    return list(villages.values())


def coverage_counts(area_code: str, *, as_of: datetime.date | None = None) -> dict:
    """The figures the indicators read (figures part): poor villages, with a mission, fully
    covered, under `area_code` — of every record (no user: indicators are computed for the
    area, and read through the user's scope by the indicator page)."""
    villages = villages_coverage(area_code, as_of=as_of)
    return {"poor_villages": len(villages),
            "with_mission": sum(1 for v in villages if v.has_mission),
            "fully_covered": sum(1 for v in villages if v.fully_covered)}


def child_length(area_code: str) -> int:
    return CHILD_LENGTH.get(len(area_code or ""), 12)


def coverage_table(area_code: str, *, user) -> dict:
    """The coverage page: a row per child area (per township in a county, per village in a
    township), the total, and the gaps."""
    from fupin.core import places

    villages = villages_coverage(area_code, user=user)
    length = child_length(area_code)
    rows: dict[str, Row] = {}
    names = dict(places.children(area_code)) if len(area_code or "") < 12 else {}
    for v in villages:
        code = v.code[:length]
        row = rows.get(code)
        if row is None:
            name = v.name if length == 12 else names.get(code) or places.area_name(code)
            row = rows[code] = Row(code=code, name=name)
        row.poor_villages += 1
        row.with_mission += v.has_mission
        row.fully_covered += v.fully_covered
    total = Row(code=area_code, name="")
    for row in rows.values():
        total.poor_villages += row.poor_villages
        total.with_mission += row.with_mission
        total.fully_covered += row.fully_covered
    gaps = [v for v in villages if v.is_gap]
    return {"rows": sorted(rows.values(), key=lambda r: r.code), "total": total,
            "gaps": gaps, "villages": villages, "child_length": length,
            "can_drill": length < 12}

