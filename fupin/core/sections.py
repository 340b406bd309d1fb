"""Extension points: apps register navigation entries (and later page sections) here,
so that adding a module edits no shared template."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field


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


def render_sections(registry: Registry, *, request, obj) -> list[dict]:
    out = []
    for section in registry.for_user(request.user):
        ctx = section.context(request, obj) if section.context else {}
        out.append({"section": section, "context": ctx})
    return out
