"""Technology aid over a county (issue 11 item 9: the expert's queue and the coverage page for
the county under 300 ms).

    .venv/bin/python benchmarks/techaid_bench.py --db sqlite
    .venv/bin/python benchmarks/techaid_bench.py --db postgres

Builds (once, kept in var/bench/techaid_<households>.sqlite3 or the PostgreSQL database
fupin_bench_<name>; --name picks another, --rebuild starts again) Wangcang as the demo makes
it at full scale: the registry's 17,000 poor households, then `techaid.demo` (36 experts, 97
poor villages with their missions, 2,890 prescriptions, ~640 technicians paired with every
household, 2,260 consultations of 2017, service visits; its time is printed), plus the
consultations of 2014–2016 and 2018 (about 11,000 in all) and 200 of 2018 reopened as
waiting for an answer, so that the queue has work in it. Times the median and slowest of
--repeat calls after one warm-up:

- the expert's queue, as the demo expert (the tea group's chief, county scope):
  `consultation_selectors.queue(user=, now=)` as the page reads it (its first 200 rows) and
  its count, and `queue_counts(user=)` (the workbench cards' figures);
- the county's coverage, as the county officer: `coverage.coverage_table(area_code, user=)`
  (the poor villages with mission / main industries / gaps, per township, and the gaps);
- the two pages through Django's test client: GET /techaid/consultations/queue/ as the demo
  expert and /techaid/coverage/ as the county officer (the whole request: middleware,
  session, template);
- the county's indicator figures (the 科技扶贫 group) recomputed after one village changed.
"""

from __future__ import annotations

import argparse
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
        generated = generate(actor=admin, area=COUNTY, households=households, seed=2018)
        assert generated.ok, generated.errors[:3]
        say(f"  {timer.seconds:.0f} s")
    if not Consultation.objects.exists():
        say("technology aid demo (2017, full scale) …")
        timer = Timer()
        summary = techaid_demo(actor=admin, scale=households / 17000)
        say("  " + summary)
        print(f"techaid demo step ({households:,} households): {timer.seconds:.0f} s wall, "
              f"{timer.cpu:.0f} s CPU", flush=True)
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
    parser.add_argument("--name", default="",
                        help="the benchmark database's name (default techaid_<households>)")
    args = parser.parse_args()
    configure(db=args.db, name=args.name or f"techaid_{args.households}", fresh=args.rebuild)
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
    from django.test import Client
    from django.utils import timezone

    from fupin.techaid import consultation_selectors, coverage

    now = timezone.now()

    def queue():
        qs = consultation_selectors.queue(user=expert, now=now)
        return len(list(qs[:200])), qs.count()

    report("queue (consultation_selectors.queue: 200 rows + count)", queue, args.repeat)
    report("queue_counts (the workbench cards)",
           lambda: consultation_selectors.queue_counts(user=expert), args.repeat)

    def table():
        t = coverage.coverage_table(COUNTY, user=county)
        return (len(t["rows"]), t["total"].poor_villages, t["total"].fully_covered,
                len(t["gaps"]))

    report("coverage (coverage.coverage_table: rows, poor, covered, gaps)", table,
           args.repeat)
    for label, who, url in (("page /techaid/consultations/queue/ (expert)", expert,
                             "/techaid/consultations/queue/"),
                            ("page /techaid/coverage/ (county officer)", county,
                             "/techaid/coverage/")):
        client = Client()
        client.force_login(who)

        def get(client=client, url=url):
            response = client.get(url)
            assert response.status_code == 200, response.status_code
            return f"{len(response.content):,} bytes"

        report(label, get, args.repeat)
    keys = [k for k in ("techaid_raised", "techaid_answer_hours", "techaid_coverage",
                        "techaid_load", "techaid_adoption_rate")]
    village = Area.objects.filter(code__startswith=COUNTY, poor_village=True).order_by(
        "code").values_list("code", flat=True).first()

    def indicators():
        stamps.touch([village])
        return compute(area=COUNTY, period=Period(2017), keys=keys, user=county)[COUNTY]

    report("county indicators after one village changed", indicators, args.repeat)


def report(label: str, fn, repeat: int) -> None:
    median, worst, result = timed(fn, repeat)
    print(f"{label:<62} median {median:7.1f} ms  max {worst:7.1f} ms  → {result}",
          flush=True)


if __name__ == "__main__":
    main()
