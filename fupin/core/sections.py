"""Extension points: apps register navigation entries, the sections of the person
and household pages and the sources of their timelines here, so that adding a module edits
no shared template and the page's owner imports none of the apps that add to it."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .timeline import TimelineEntry


@dataclass(frozen=True)
class NavGroup:
    """A collapsible group of the side menu (and the phone menu). Declared once, below."""

    key: str
    label: str
    icon: str
    order: int


# The menu's groups (issue 9 item 4), in their order. An entry names its group by key; a
# group none of whose entries the user may see is not shown.
NAV_GROUPS: dict[str, NavGroup] = {g.key: g for g in [
    NavGroup("registration", _("登记"), "person-vcard", 10),
    NavGroup("employment", _("培训就业"), "briefcase", 20),
    NavGroup("followups", _("回访"), "telephone", 30),
    NavGroup("techaid", _("科技扶贫"), "flower1", 40),
    NavGroup("supervision", _("督查考核"), "clipboard-data", 50),
    NavGroup("system", _("系统"), "gear", 90),
]}


@dataclass(frozen=True)
class NavEntry:
    """A page in the menu.

    group:   a key of NAV_GROUPS, or "" for an entry above the groups (工作台);
    roles:   the roles that see it (a superuser sees everything); None: every role;
    visible: a further predicate on the user (e.g. core.roles.can_restore);
    match:   URL names (`app:name`) or path prefixes ("/registry/") that also make this the
             current entry; by default the entry is current on its URL and the paths below
             it (the longest such URL wins, so a list and a page below it are told apart).
    """

    key: str
    label: str
    url: object  # a URL string or reverse_lazy(...)
    icon: str = "circle"
    order: int = 100
    group: str = ""
    roles: frozenset[str] | None = field(default=None, compare=False)
    # None: every signed-in user; otherwise a predicate on the user
    visible: Callable[[object], bool] | None = field(default=None, compare=False)
    match: tuple[str, ...] = field(default=(), compare=False)

    def __post_init__(self):
        if self.roles is not None:
            object.__setattr__(self, "roles", frozenset(str(r) for r in self.roles))
        object.__setattr__(self, "match", tuple(self.match))

    def shown_to(self, user) -> bool:
        if self.roles is not None and not getattr(user, "is_superuser", False) \
                and getattr(user, "role", None) not in self.roles:
            return False
        return self.visible is None or bool(self.visible(user))


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


class NavRegistry(Registry):
    def register(self, entry: NavEntry) -> None:
        if entry.group and entry.group not in NAV_GROUPS:
            raise ImproperlyConfigured(
                f"NavEntry {entry.key!r}: unknown group {entry.group!r} "
                f"(core.sections.NAV_GROUPS: {', '.join(NAV_GROUPS)})")
        super().register(entry)

    def for_user(self, user) -> list[NavEntry]:
        return [e for e in self.all() if e.shown_to(user)]

    def menu(self, request) -> list[dict]:
        """The user's menu: ungrouped entries and groups, in order. Each item is
        {"entry", "url", "active"} or {"group", "entries", "open"}; the one current entry
        is `active` and its group `open`; a group with no entry for the user is left out."""
        entries = self.for_user(request.user)
        items = [{"entry": e, "url": str(e.url), "active": False} for e in entries]
        current = _current(items, request)
        if current is not None:
            current["active"] = True
        menu, groups = [], {}
        for item in items:
            key = item["entry"].group
            if not key:
                menu.append((item["entry"].order, item))
                continue
            if key not in groups:
                group = NAV_GROUPS[key]
                groups[key] = {"group": group, "entries": [], "open": False}
                menu.append((group.order, groups[key]))
            groups[key]["entries"].append(item)
            groups[key]["open"] = groups[key]["open"] or item["active"]
        return [item for _order, item in sorted(menu, key=lambda pair: pair[0])]


def _current(items: list[dict], request):
    """The entry of the current page: one naming the page's URL name in `match`, else the
    one whose URL (or a `match` prefix) is the longest prefix of the path ("/" only on
    itself)."""
    match = getattr(request, "resolver_match", None)
    name = match.view_name if match is not None else ""
    path = request.path
    best, best_len = None, -1
    for item in items:
        entry = item["entry"]
        if name and name in entry.match:
            return item
        for prefix in (item["url"], *(m for m in entry.match if m.startswith("/"))):
            hit = path == prefix if prefix == "/" else path.startswith(prefix)
            if hit and len(prefix) > best_len:
                best, best_len = item, len(prefix)
    return best


nav = NavRegistry()


# The home page's cards: core/workbench.py (a count of the user's scope and a link each).


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


def register_member_records(*, key: str, title, order: int, template: str, name: str,
                            person: Callable, household: Callable, timeline_order: int,
                            person_entries: Callable, household_entries: Callable) -> None:
    """A list's part of the person and household pages, on both at once: one section (one
    template; `person(user=, person=)` / `household(user=, household=)` give its records as
    `name`, and `member` is true on the household page, where each row names its member)
    and the list's timeline sources."""
    person_sections.register(Section(
        key=key, title=title, order=order, template=template,
        context=lambda request, obj: {name: person(user=request.user, person=obj)}))
    household_sections.register(Section(
        key=key, title=title, order=order, template=template,
        context=lambda request, obj: {"member": True,
                                      name: household(user=request.user, household=obj)}))
    person_timeline.register(TimelineSource(key=key, order=timeline_order,
                                            entries=person_entries))
    household_timeline.register(TimelineSource(key=key, order=timeline_order,
                                               entries=household_entries))


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
