"""The workbench (工作台, DESIGN §8): each role's home page is its day's work.

Modules register cards in their AppConfig.ready(): a title, a count computed in the database
for the user (through `visible_to(user)` or a stored indicator figure of the user's scope),
the link to the list that shows exactly those records, an order and the roles that see it.
core knows no module: the home page asks this registry, nothing else.

A leader's workbench shows instead the key indicators of the scope with their change from
the month before (`leader_indicators`), read by key from the indicator registry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from . import indicators as ind
from . import periods, scoping
from .roles import STAFF_ROLES, Role
from .sections import Registry

# the roles that do the registry's work (every card of today's modules is theirs)
STAFF = STAFF_ROLES


@dataclass(frozen=True)
class Card:
    """One card of the workbench.

    `count(user)` is an int computed in the database for the user's scope (start from
    `Model.objects.visible_to(user)`, or use `indicator_count(key)`); `url(user)` is the
    list that shows exactly those records (with its query string). `roles`: the roles that
    see the card (None: every role); `visible(user)`: a further condition. `tone` "warning"
    (or "danger") colours the card while its count is above zero: work waiting."""

    key: str
    title: object  # gettext_lazy
    count: Callable[[object], int] = field(compare=False)
    url: Callable[[object], str] = field(compare=False)
    order: int = 100
    roles: frozenset[str] | None = None
    icon: str = "card-checklist"
    tone: str = ""
    help: object = ""
    visible: Callable[[object], bool] | None = field(default=None, compare=False)

    def shown_to(self, user) -> bool:
        if self.roles is not None and not (user.is_superuser or user.role in self.roles):
            return False
        return self.visible is None or bool(self.visible(user))


class CardRegistry(Registry):
    def for_user(self, user) -> Iterable[Card]:
        if scoping.user_scope_code(user) is None:
            return []
        return [card for card in self.all() if card.shown_to(user)]


cards = CardRegistry()


def register(card: Card) -> Card:
    cards.register(card)
    return card


def cards_for(user) -> list[dict]:
    """The user's cards in order, each with its count and link."""
    out = []
    for card in cards.for_user(user):
        count = int(card.count(user) or 0)
        tone = card.tone if card.tone and count > 0 else ""
        out.append({"card": card, "count": count, "url": card.url(user), "tone": tone})
    return out


def indicator_count(key: str, *, period: Callable[[], ind.Period] | None = None
                    ) -> Callable[[object], int]:
    """A card's count that is a stored indicator figure over the user's whole scope (by
    default this year's, as of today): the pages that list those records show the same
    figure, from the same stored figures."""

    def count(user) -> int:
        scope = scoping.user_scope_code(user)
        if scope is None:
            return 0
        p = period() if period else ind.Period(timezone.localdate().year)
        values = ind.compute(area=scope, period=p, keys=[key], user=user).get(scope) or {}
        return int(values.get(key) or 0)

    return count


# --- the leader's workbench: key indicators, month on month ---------------------------------

# read by key from the registry (whichever app declares them); a key not registered is left
# out. DESIGN §2: the five lists' people, employment, the households to drive to zero.
LEADER_INDICATORS = ["labourers", "employed", "employment_coverage", "zero_employment",
                     "trained"]
# the indicators where a rise is bad news (the arrow is red)
LOWER_IS_BETTER = {"zero_employment"}
# roles whose workbench shows the indicators; a leader's shows them first. (A county
# officer's could show them below the day's work: each month read is one more refresh of the
# county's stored figures after every write — benchmarks/README.md §6.)
INDICATOR_ROLES = frozenset({Role.LEADER})
INDICATORS_FIRST = frozenset({Role.LEADER})


def shows_indicators(user) -> bool:
    return scoping.user_scope_code(user) is not None and getattr(user, "role", None) \
        in INDICATOR_ROLES


def leader_indicators(user, *, keys: list[str] | None = None) -> dict | None:
    """The key indicators of the user's scope at the end of the latest month that has
    records (periods.latest_month), and their change from the end of the month before:
    {"month": (y, m), "previous": (y, m), "as_of": date, "rows": [...]}, or None when the
    scope has no dated records at all."""
    scope = scoping.user_scope_code(user)
    latest = periods.latest_month(user) if scope is not None else None
    if latest is None:
        return None
    ind.registry.all()  # the apps' indicators are discovered
    keys = [k for k in (keys or LEADER_INDICATORS) if k in ind.registry.indicators]
    if not keys:
        return None
    year, month = latest
    before = periods.month_before(year, month)
    now_p, then_p = ind.Period(year, month=month), ind.Period(before[0], month=before[1])
    now = ind.compute(area=scope, period=now_p, keys=keys, user=user).get(scope) or {}
    then = ind.compute(area=scope, period=then_p, keys=keys, user=user).get(scope) or {}
    rows = []
    for key in keys:
        indicator = ind.registry.get(key)
        value, last = now.get(key), then.get(key)
        change = None if value is None or last is None else Decimal(value) - Decimal(last)
        direction = "" if not change else ("up" if change > 0 else "down")
        good = None
        if direction:
            good = (direction == "down") == (key in LOWER_IS_BETTER)
        rows.append({"indicator": indicator, "value": value, "previous": last,
                     "change": _number(change), "direction": direction, "good": good,
                     "magnitude": _number(abs(change)) if change is not None else None,
                     "points": bool(indicator.ratio)})
    return {"month": latest, "previous": before, "as_of": now_p.as_of,
            "previous_as_of": then_p.as_of, "rows": rows}


def _number(value: Decimal | None):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else value

