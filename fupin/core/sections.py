"""Extension points: apps register navigation entries, home cards, the sections of the person
and household pages and the sources of their timelines here, so that adding a module edits
no shared template and the page's owner imports none of the apps that add to it."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.utils import timezone

from .timeline import TimelineEntry


@dataclass(frozen=True)
class NavEntry:
    key: str
    label: str
    url: object  # a URL string or reverse_lazy(...)
    icon: str = "circle"
    order: int = 100
    group: str = ""
    # None: every signed-in user; otherwise a predicate on the user
    visible: Callable[[object], bool] | None = field(default=None, compare=False)


class Registry:
    """An ordered, keyed collection of entries that apps fill in AppConfig.ready()."""

    def __init__(self):
        self._entries: dict[str, object] = {}

    def register(self, entry) -> None:
        self._entries[entry.key] = entry

    def unregister(self, key: str) -> None:
        self._entries.pop(key, None)

    def all(self) -> list:
        return sorted(self._entries.values(), key=lambda e: (e.order, e.key))

    def for_user(self, user) -> Iterable:
        return [e for e in self.all() if e.visible is None or e.visible(user)]


nav = Registry()


@dataclass(frozen=True)
class HomeCard:
    """A card on the home page: a template rendered with the request's user."""

    key: str
    template: str
    order: int = 100
    visible: Callable[[object], bool] | None = field(default=None, compare=False)


home_cards = Registry()


@dataclass(frozen=True)
class Section:
    """A section of a record's page (e.g. the person page) that an app contributes.

    `context(request, obj)` returns the section's template context; the template is rendered
    inside a card titled `title`."""

    key: str
    title: str
    template: str
    order: int = 100
    context: Callable[..., dict] | None = field(default=None, compare=False)
    visible: Callable[[object], bool] | None = field(default=None, compare=False)


person_sections = Registry()
household_sections = Registry()


def render_sections(registry: Registry, *, request, obj) -> list[dict]:
    out = []
    for section in registry.for_user(request.user):
        ctx = section.context(request, obj) if section.context else {}
        out.append({"section": section, "context": ctx})
    return out


# --- timelines -------------------------------------------------------------------------------
# What happened to a person or a household across the lists (registered, changed, trained,
# employed…): each app registers a source of entries about its own records, the page merges
# them newest first. A source reads through `visible_to(user)` and shows personal values only
# as core/personal.py lets the user see them (history through core.history.history_entries).

TIMELINE_LIMIT = 50  # the page shows the latest entries; each source needs give no more


@dataclass(frozen=True)
class TimelineSource:
    """`entries(user, obj)` -> the entries of the app's records about `obj`, any order."""

    key: str
    entries: Callable[[object, object], Iterable[TimelineEntry]] = field(compare=False)
    order: int = 100
    visible: Callable[[object], bool] | None = field(default=None, compare=False)


person_timeline = Registry()
household_timeline = Registry()


def on_day(day: datetime.date | datetime.datetime) -> datetime.datetime:
    """A record's date as a timeline moment (the start of that day, local time), so that
    dated records sort among the history's timestamps."""
    if isinstance(day, datetime.datetime):
        return day if timezone.is_aware(day) else timezone.make_aware(day)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def timeline(registry: Registry, *, user, obj, limit: int = TIMELINE_LIMIT
             ) -> list[TimelineEntry]:
    """The entries every registered source gives about `obj`, newest first, the latest
    `limit` (on a tie, the source registered first comes first)."""
    entries: list[TimelineEntry] = []
    for source in registry.for_user(user):
        entries.extend(source.entries(user, obj))
    entries.sort(key=lambda e: on_day(e.at), reverse=True)
    return entries[:limit]
