"""The cascading area picker (county → township → village), fed by htmx.

Each level is a <select>; choosing one asks the server (areas:picker) for the picker again
with the next level's options. The chosen code travels in one hidden input named after the
form field, so forms see a plain area code.
"""

from __future__ import annotations

from django import forms
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from .models import LEVEL_LENGTH, Area, Level


def picker_context(*, name: str, value: str, root: str, leaf_level: str = Level.VILLAGE,
                   required: bool = False) -> dict:
    """Selects from just under `root` down to the leaf level, following `value`'s path."""
    value = value if value and value.startswith(root) else root
    leaf_len = LEVEL_LENGTH[leaf_level]
    lengths = [n for n in sorted(LEVEL_LENGTH.values()) if len(root) < n <= leaf_len]
    labels = dict(Level.choices)
    length_label = {n: labels[lvl] for lvl, n in LEVEL_LENGTH.items()}
    selects = []
    parent = root
    for n in lengths:
        options = list(Area.objects.filter(parent_id=parent).values_list("code", "name")
                       if parent else Area.objects.filter(parent__isnull=True)
                       .values_list("code", "name"))
        if not options:
            break
        chosen = value[:n] if len(value) >= n else ""
        selects.append({"label": length_label[n], "parent": parent, "options": options,
                        "chosen": chosen})
        if not chosen:
            break
        parent = chosen
    fixed = ""
    if root:
        area = Area.objects.filter(pk=root).first()
        fixed = area.name if area else root
    return {"name": name, "value": value, "root": root, "leaf_level": leaf_level,
            "selects": selects, "fixed": fixed, "required": required,
            "placeholder": _("请选择")}


class AreaPickerWidget(forms.Widget):
    is_area_picker = True  # the form template gives it a full-width row

    def __init__(self, *, root: str = "", leaf_level: str = Level.VILLAGE, attrs=None):
        super().__init__(attrs)
        self.root = root
        self.leaf_level = leaf_level

    def render(self, name, value, attrs=None, renderer=None):
        ctx = picker_context(name=name, value=value or "", root=self.root,
                             leaf_level=self.leaf_level, required=self.is_required)
        return render_to_string("areas/picker.html", ctx)

    def value_from_datadict(self, data, files, name):
        return (data.get(name) or "").strip()
