"""The areas app's implementation of core's place port (fupin/core/places.py), installed in
AreasConfig.ready(): core names areas, checks codes and shows the picker through it."""

from __future__ import annotations

from .models import Area
from .selectors import area_full_name
from .widgets import AreaPickerWidget


class AreaTree:
    def area_name(self, code: str, *, below: str = "") -> str:
        return area_full_name(code, below=below)

    def exists(self, code: str) -> bool:
        return Area.objects.filter(pk=code).exists()

    def children(self, code: str) -> list[tuple[str, str]]:
        qs = Area.objects.filter(parent_id=code) if code else Area.objects.filter(
            parent__isnull=True)
        return list(qs.order_by("code").values_list("code", "name"))

    def picker(self, *, root: str, leaf_level: str = "village"):
        return AreaPickerWidget(root=root, leaf_level=leaf_level)
