"""The port through which core reaches the area tree (行政区划) without importing the areas app.

core sits below every domain app (docs/architecture.md, "Dependencies"): it knows area
*codes* (scoping compares prefixes) but not the tree that names them. The areas app
implements `Places` and installs it in its AppConfig.ready() with `install(...)`; core's
models, forms, views, context processors and commands call the functions below. Without an
implementation (a project without the areas app) codes stand for names, every code exists
and an area is picked by typing its code.
"""

from __future__ import annotations

from typing import Protocol


class Places(Protocol):
    def area_name(self, code: str, *, below: str = "") -> str:
        """Names from just under `below` down to the area: 东坝街道 某某村."""

    def exists(self, code: str) -> bool:
        """Whether the area tree holds this code."""

    def children(self, code: str) -> list[tuple[str, str]]:
        """(code, name) of the areas one level below `code` (the top level for "")."""

    def picker(self, *, root: str, leaf_level: str = "village"):
        """A form widget choosing an area under `root` down to `leaf_level`; it sets
        `is_area_picker = True` (the form template gives it a full-width row)."""


class _Codes:
    """The fallback: codes are their own names."""

    def area_name(self, code: str, *, below: str = "") -> str:
        return code

    def exists(self, code: str) -> bool:
        return True

    def children(self, code: str) -> list[tuple[str, str]]:
        return []

    def picker(self, *, root: str, leaf_level: str = "village"):
        from django import forms

        widget = forms.TextInput()
        widget.is_area_picker = True
        return widget


_places: Places = _Codes()


def install(places: Places) -> None:
    global _places
    _places = places


def installed() -> Places:
    return _places


def area_name(code: str, *, below: str = "") -> str:
    if not code:
        return ""
    return _places.area_name(code, below=below)


def exists(code: str) -> bool:
    return bool(code) and _places.exists(code)


def children(code: str) -> list[tuple[str, str]]:
    return _places.children(code)


def picker(*, root: str, leaf_level: str = "village"):
    return _places.picker(root=root, leaf_level=leaf_level)
