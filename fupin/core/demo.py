"""Demo steps: each app registers how it fills the demo (areas, users, later registry data…),
so `fupin demo` grows with the product without editing a shared command (core imports none
of them: the areas app loads the tree at order 0, accounts makes the users at order 10)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

# the demo users' password unless `fupin demo --password` gives another
DEMO_PASSWORD = "Guangyuan@2017"


@dataclass(frozen=True)
class DemoStep:
    key: str
    order: int
    run: Callable[..., str]  # run(password=..., options=...) -> a line of report ("": none)
    # summary(password=...) -> lines printed after every step (the demo users and their places)
    summary: Callable[..., str] | None = None


_steps: dict[str, DemoStep] = {}


def register(step: DemoStep) -> None:
    _steps[step.key] = step


def steps() -> list[DemoStep]:
    return sorted(_steps.values(), key=lambda s: (s.order, s.key))
