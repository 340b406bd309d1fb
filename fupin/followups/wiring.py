"""What follow-up visits register on core's extension points, one function per part (called
from FollowupsConfig.ready)."""

from __future__ import annotations


def plans():
    """Listeners (core/listeners.py), the plans list's navigation, the person's 回访 section."""
    from fupin.core import listeners

    from . import plans as plan_rules

    listeners.people_changed.register("followups", plan_rules.plans_refresh)


def visits():
    """The visits list's navigation, the person's and household's timeline entries."""


def needs():
    """The needs list's navigation, workbench cards, indicators, periods."""


def worklist():
    """The village worker's working list (navigation, workbench card)."""


def demo():
    """The demo step (visits through 2017 for Lizhou and Wangcang)."""
