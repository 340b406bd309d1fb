"""`fupin demo`, order 0: the Guangyuan area tree (2023 codes) that ships with the product."""

from __future__ import annotations

from importlib.resources import files

from django.utils.translation import gettext as _

from .services import areas_load


def guangyuan_csv() -> str:
    return files("fupin.areas").joinpath("data/guangyuan-2023.csv").read_text("utf-8-sig")


def demo_step(*, password: str, options: dict) -> str:
    result = areas_load(text=guangyuan_csv())
    return _("区划：新增 %(created)s，更新 %(updated)s，未变 %(unchanged)s") % {
        "created": result.created, "updated": result.updated, "unchanged": result.unchanged}
