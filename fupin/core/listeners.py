"""Extension point: modules that keep something derived from people's records (a follow-up
visit plan) listen to changes of those records, inside the writer's transaction.

The registry fires `people_changed` when it creates, edits, retires or restores people or
moves them between households; the five lists fire it from the status refresh
(employment/status.py) after a job, venture or placement changes. A listener is called with
`person_ids` (a list of ids), `actor` (or None for the nightly routine) and `on` (the day).
core only keeps the list of listeners: it knows nothing of who listens.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable


class Hook:
    def __init__(self, name: str):
        self.name = name
        self._listeners: dict[str, Callable] = {}

    def register(self, key: str, listener: Callable) -> Callable:
        """Register (or replace, on a second `ready()`) a listener under a key."""
        self._listeners[key] = listener
        return listener

    def fire(self, *, person_ids, actor=None, on: datetime.date | None = None) -> None:
        ids = sorted({int(p) for p in person_ids if p})
        if not ids:
            return
        for listener in list(self._listeners.values()):
            listener(person_ids=ids, actor=actor, on=on)


people_changed = Hook("people_changed")
