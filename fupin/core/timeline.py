"""Timeline entries (DESIGN §8): one shape for "what happened to this record", shown newest
first on a record's page. A workflow's domain events give entries (`workflows.
timeline_entries`); the person and household pages gather entries that the apps owning the
records register."""

from __future__ import annotations

import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime.datetime
    title: str
    text: str = ""
    link: str = ""
    icon: str = ""
