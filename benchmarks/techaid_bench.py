"""Technology aid over a county (issue 11 item 9: the expert's queue and the coverage page for
the county under 300 ms).

    .venv/bin/python benchmarks/techaid_bench.py --db sqlite
    .venv/bin/python benchmarks/techaid_bench.py --db postgres

Builds (once, kept in var/bench/techaid_<households>) Wangcang as the demo makes it at full
scale: the registry's 17,000 poor households, then `techaid.demo` (36 experts, 97 poor
villages with their missions, 2,890 prescriptions, ~630 technicians paired with every
household, 2,260 consultations of 2017, service visits), plus the consultations of 2014–2016
and 2018 (about 11,000 in all) and 200 of 2018 reopened as waiting for an answer, so that the
queue has work in it. Times, as the demo expert (the tea group's chief, county scope), the
median and slowest of --repeat calls after one warm-up:

- the queue: `techaid.selectors.expert_queue` when the consult part's selector exists,
  otherwise the query it will run (open consultations — 待答复 and 需面诊 — routed to one of
  the expert's groups or to the expert, most urgent first, then the answer due time; the first
  50 and the count). The lead re-runs this with the real selector;
- coverage: `techaid.coverage` when the prescriptions part's module exists with a
  `coverage_table(user=, area=, year=)`, otherwise what its page needs from the rule of
  indicators.py: the county's poor villages with the three conditions (mission, main
  industry, a main industry without an issued prescription), and the gaps (village ×
  industry) listed;
- the county's indicator figures (the 科技扶贫 group) recomputed after one village changed.
"""

from __future__ import annotations

import argparse
import datetime
import random
import statistics
import time

from _common import Timer, configure, db_label, say, user

COUNTY = "510821"


def ensure_data(households: int) -> None:
    from fupin.registry.generator import generate
    from fupin.registry.models import Household
    from fupin.techaid.demo import consultations_of_year, techaid_demo
    from fupin.techaid.models import Consultation

    admin = user("admin")
    if Household.objects.filter(area_code__startswith=COUNTY).count() < households:
        say(f"generating {households:,} households of Wangcang …")
        timer = Timer()
        report = generate(actor=admin, area=COUNTY, households=households, seed=2018)
        assert report.ok, report.errors[:3]
        say(f"  {timer.seconds:.0f} s")
    if not Consultation.objects.exists():
        say("technology aid demo (2017, full scale) …")
        timer = Timer()
        say("  " + techaid_demo(actor=admin, scale=households / 17000))
        say(f"  {timer.seconds:.0f} s")
        for year in (2014, 2015, 2016, 2018):
            timer = Timer()
            n = consultations_of_year(actor=admin, year=year, scale=households / 17000)
            say(f"  consultations of {year}: {n} ({timer.seconds:.0f} s)")
        # bench data only: reopen 200 of 2018 as waiting for an answer (a realistic queue)
        rnd = random.Random(11)
        pks = list(Consultation.objects.filter(raised_at__year=2018).values_list("pk",
                                                                                flat=True))
        Consultation.objects.filter(pk__in=rnd.sample(pks, min(200, len(pks)))).update(
            status="awaiting", first_answer_at=None, answered_by=None, closed_at=None,
            rating=None)


def queue_query(expert_user):
    """The queue as the consult part will define it (see the module's docstring)."""
    from django.db.models import Case, IntegerField, Q, Value, When

    from fupin.techaid.models import Consultation, GroupMember

    expert = expert_user.expert
    groups = GroupMember.objects.filter(expert=expert, left_on__isnull=True).values("group_id")
    qs = (Consultation.objects.visible_to(expert_user)
          .filter(retired_at__isnull=True, status__in=["awaiting", "onsite"])
          .filter(Q(group_id__in=groups) | Q(expert=expert))
          .annotate(_u=Case(When(urgency="critical", then=Value(0)),
                            When(urgency="urgent", then=Value(1)), default=Value(2),
                            output_field=IntegerField()))
          .order_by("_u", "answer_due_at", "pk"))

    def run():
        rows = list(qs.select_related("industry", "group")[:50])
        return len(rows), qs.count()

    return run


def coverage_query(county_user):
    from fupin.areas.models import Area
    from fupin.techaid import coverage as cov

    year = 2017
    as_of = datetime.date(year, 12, 31)

    def run():
        c = cov.coverage_conditions(as_of)
        villages = (Area.objects.filter(code__startswith=county_user.scope_code)
                    .filter(cov.poor_in_year_q(year))
                    .annotate(has_mission=c["has_mission"], has_main=c["has_main_industry"],
                              gap=c["prescription_gap"]).order_by("code"))
        rows = list(villages.values("code", "name", "has_mission", "has_main", "gap"))
        gaps = list(cov.prescription_gaps(as_of).filter(area_code__in=[r["code"] for r in rows])
                    .values("area_code", "industry__name").distinct())
        covered = sum(r["has_mission"] and r["has_main"] and not r["gap"] for r in rows)
        return len(rows), covered, len(gaps)

    return run


def real_selectors():
    """The parts' own selectors, when this branch has them."""
    found = {}
    try:
        from fupin.techaid import selectors

        if hasattr(selectors, "expert_queue"):
            found["queue"] = selectors.expert_queue
    except ImportError:
        pass
    try:
        from fupin.techaid import coverage

        if hasattr(coverage, "coverage_table"):
            found["coverage"] = coverage.coverage_table
    except ImportError:
        pass
    return found


def timed(fn, repeat: int) -> tuple[float, float, object]:
    result = fn()
    times = []
    for _i in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), max(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, default=17_000)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    configure(db=args.db, name=f"techaid_{args.households}", fresh=args.rebuild)
    ensure_data(args.households)
    from fupin.areas.models import Area
    from fupin.core import stamps
    from fupin.core.indicators import Period, compute
    from fupin.techaid.models import Consultation, Pairing, Prescription

    expert, county = user("expert"), user("wangcang_county")
    print(f"{Consultation.objects.count():,} consultations, "
          f"{Prescription.objects.count():,} prescriptions, "
          f"{Area.objects.filter(code__startswith=COUNTY, poor_village=True).count()} poor "
          f"villages, {Pairing.objects.count():,} pairings; {db_label()}")
    found = real_selectors()
    if "queue" in found:
        label, fn = "queue (selectors.expert_queue)", lambda: found["queue"](user=expert)
    else:
        label, fn = "queue (the bench's query; re-run with the real selector)", \
            queue_query(expert)
    median, worst, result = timed(fn, args.repeat)
    print(f"{label:<58} median {median:7.1f} ms  max {worst:7.1f} ms  → {result}")
    if "coverage" in found:
        label = "coverage (coverage.coverage_table)"
        fn = lambda: found["coverage"](user=county, area=COUNTY, year=2017)  # noqa: E731
    else:
        label, fn = "coverage (the rule of indicators.py, villages + gaps)", \
            coverage_query(county)
    median, worst, result = timed(fn, args.repeat)
    print(f"{label:<58} median {median:7.1f} ms  max {worst:7.1f} ms  → "
          f"{result if not isinstance(result, tuple) else result}")
    keys = [k for k in ("techaid_raised", "techaid_answer_hours", "techaid_coverage",
                        "techaid_load", "techaid_adoption_rate")]
    village = Area.objects.filter(code__startswith=COUNTY, poor_village=True).order_by(
        "code").values_list("code", flat=True).first()

    def indicators():
        stamps.touch([village])
        return compute(area=COUNTY, period=Period(2017), keys=keys, user=county)[COUNTY]

    median, worst, result = timed(indicators, args.repeat)
    print(f"{'county indicators after one village changed':<58} median {median:7.1f} ms  "
          f"max {worst:7.1f} ms  → {result}")


if __name__ == "__main__":
    main()
