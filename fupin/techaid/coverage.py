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
- a village is **fully covered** when it has a mission and every main industry is covered
  (a village without any main industry recorded is fully covered once it has a mission);
- the gaps: villages without a mission, and the main industries without a prescription.

Everything is computed in the database with four queries for any area (villages, main
industries, missions, prescriptions), never a query per village.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q

MIN_HOUSEHOLDS = 1
CHILD_LENGTH = {0: 4, 2: 4, 4: 6, 6: 9, 9: 12, 12: 12}


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
        return self.has_mission and not self.missing

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


def _visible(model, user):
    qs = model.objects.all() if user is None else model.objects.visible_to(user)
    return qs.filter(retired_at__isnull=True)


def villages_coverage(area_code: str, *, user=None,
                      as_of: datetime.date | None = None) -> list[VillageCoverage]:
    """The coverage of every poor village under `area_code` ('' for all), read through the
    user's scope when given (the page), or of every record (the indicator)."""
    from fupin.areas.models import Area, Level

    from .models import HouseholdIndustry, Mission, Prescription

    area_code = area_code or ""
    poor = Area.objects.filter(level=Level.VILLAGE, poor_village=True,
                               code__startswith=area_code)
    if as_of is not None:  # poor that year: identified by then, not exited before it
        poor = poor.filter(Q(poor_identified_year__isnull=True)
                           | Q(poor_identified_year__lte=as_of.year),
                           Q(poor_exit_year__isnull=True) | Q(poor_exit_year__gte=as_of.year))
    villages = {code: VillageCoverage(code=code, name=name) for code, name in
                poor.order_by("code").values_list("code", "name")}
    if not villages:
        return []
    industries = (_visible(HouseholdIndustry, user)
                  .filter(area_code__startswith=area_code, main=True,
                          household__retired_at__isnull=True,
                          industry__retired_at__isnull=True)
                  .values("area_code", "industry_id", "industry__name")
                  .annotate(n=Count("household_id", distinct=True))
                  .filter(n__gte=MIN_HOUSEHOLDS))
    for row in industries:
        v = villages.get(row["area_code"])
        if v is not None:
            v.industries[row["industry_id"]] = row["industry__name"]
    missions = _visible(Mission, user).filter(area_code__startswith=area_code)
    prescriptions = _visible(Prescription, user).filter(
        area_code__startswith=area_code, status=Prescription.Status.ISSUED)
    if as_of is not None:
        missions = missions.filter(formed_on__lte=as_of)
        prescriptions = prescriptions.filter(issued_on__lte=as_of)
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

