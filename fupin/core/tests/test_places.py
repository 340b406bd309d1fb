"""core names areas through the port the areas app installs (core/places.py)."""

import pytest
from django import forms

from fupin.core import places
from fupin.core.forms import AreaField


class Fake:
    def area_name(self, code, *, below=""):
        return f"名{code[len(below):]}"

    def exists(self, code):
        return code == "510802001001"

    def children(self, code):
        return [(code + "001", "一村")]

    def picker(self, *, root, leaf_level="village"):
        widget = forms.TextInput()
        widget.is_area_picker = True
        return widget


def test_the_areas_app_installs_the_area_tree(areas):
    assert type(places.installed()).__name__ == "AreaTree"
    assert places.area_name("510802") == "四川省 广元市 利州区"
    assert places.area_name("510802", below="5108") == "利州区"
    assert places.exists("510802") and not places.exists("510802999")
    assert ("510802", "利州区") in places.children("5108")
    assert getattr(places.picker(root="510802"), "is_area_picker", False)


def test_core_reads_places_only_through_the_port():
    before = places.installed()
    places.install(Fake())
    try:
        field = AreaField()
        assert field.clean("510802001001") == "510802001001"
        with pytest.raises(forms.ValidationError) as refused:
            field.clean("510802001002")
        assert refused.value.code == "unknown"
        assert places.area_name("51080200") == "名51080200" and places.area_name("") == ""
    finally:
        places.install(before)
