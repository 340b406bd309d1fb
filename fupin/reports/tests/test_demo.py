"""DESIGN §6 and the issue's done-when: the demo's Lizhou 2017 figures, computed from records."""

import io
import json

from django.core.management import call_command

from fupin.registry.demo import DEMO_COUNTIES
from fupin.registry.generator import generate
from fupin.reports.demo import five_lists_demo


def test_lizhou_2017_shows_1690_trained_and_1624000_yuan(demo_users):
    admin = demo_users["admin"]
    county, households, seed = next(c for c in DEMO_COUNTIES if c[0] == "510802")
    assert generate(actor=admin, area=county, households=households, seed=seed).ok
    five_lists_demo(county=county, actor=admin)
    out = io.StringIO()
    call_command("report", "indicators", "--area", "510802", "--year", "2017", "--format",
                 "json", stdout=out)
    values = json.loads(out.getvalue())["values"]
    assert values["trained"] == 1690
    assert values["training_subsidy"] == 1624000
    assert values["welfare_posts"] == 300 and values["college_ventures"] == 5
    for key in ("registration_coverage", "training_coverage", "employment_coverage",
                "policy_coverage"):
        assert 20 < values[key] < 100, (key, values[key])  # plausible, not 100 %
    assert values["zero_employment"] > 0
    again = five_lists_demo(county=county, actor=admin)
    assert "未改动" in again
