"""The registry part of `fupin demo` (DESIGN §6): poor households shaped like Guangyuan 2017."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from .generator import generate

# (county, households, seed). Wangcang had about 17,000 poor households served by its
# technicians (DESIGN §5); Lizhou's employment work covered a few thousand.
DEMO_COUNTIES = [("510802", 4000, 2017), ("510821", 17000, 2018)]


def demo_step(*, password: str, options: dict) -> str:
    actor = get_user_model().objects.get(username="admin")
    scale = options.get("scale", 1.0)
    lines = []
    for county, households, seed in DEMO_COUNTIES:
        n = max(1, int(households * scale))
        report = generate(actor=actor, area=county, households=n, seed=seed)
        if not report.ok:
            raise RuntimeError(f"demo data for {county} invalid: {report.errors[:3]}")
        o = report.outcome
        lines.append(f"登记：{county} {n} 户 {report.total} 人（新增 {o.created}，更新 "
                     f"{o.updated}，未变 {o.unchanged}）")
    return "\n".join(lines)
