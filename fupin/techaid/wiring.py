"""What technology aid registers on core's extension points, one function per part (called
from TechaidConfig.ready)."""

from __future__ import annotations


def catalog():
    """Industries, household industries, experts, groups, technicians, poor villages:
    navigation, the household's 产业 section, import specs."""


def consultations():
    """Consultations: navigation, workbench cards (expert's queue, county's routing and
    overdue), the household's timeline entries, periods."""


def prescriptions():
    """Missions, prescriptions, coverage: navigation, the village's sections."""


def pairings():
    """Pairings and service visits: navigation, the household's sections and timeline,
    the technician's workbench card."""


def figures():
    """Indicators (indicators.py), the monthly ranking, the demo step."""
    from django.urls import reverse_lazy
    from django.utils.translation import gettext_lazy as _

    from fupin.core import demo as core_demo
    from fupin.core.roles import OFFICERS, Role
    from fupin.core.sections import NavEntry, nav

    from . import indicators  # noqa: F401  (registers them on core.indicators)
    from .demo import demo_step, demo_summary

    nav.register(NavEntry(key="techaid_ranking", label=_("会诊排名"), icon="bar-chart-line",
                          url=reverse_lazy("techaid:ranking"), order=78, group="techaid",
                          roles=OFFICERS | {Role.EXPERT, Role.LEADER}))
    # after the registry (20), the five lists (30), this year's courses (40) and the
    # follow-up visits (50): the technology aid of Wangcang 2017 stands on its households
    core_demo.register(core_demo.DemoStep(key="techaid", order=60, run=demo_step,
                                          summary=demo_summary))
