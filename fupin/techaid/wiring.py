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
    from . import pairing_wiring

    pairing_wiring.register()


def figures():
    """Indicators (indicators.py), the monthly ranking, the demo step."""
