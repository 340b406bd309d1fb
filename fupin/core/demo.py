"""Demo steps: each app registers how it fills the demo (areas, users, later registry data…),
so `fupin demo` grows with the product without editing a shared command."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class DemoStep:
    key: str
    order: int
    run: Callable[..., str]  # run(password=..., options=...) -> a line of report


_steps: dict[str, DemoStep] = {}


def register(step: DemoStep) -> None:
    _steps[step.key] = step


def steps() -> list[DemoStep]:
    return sorted(_steps.values(), key=lambda s: (s.order, s.key))
