"""The national code lists (DESIGN §2): labels of the registration forms, shipped in
core/data/codes.csv (list,list_label,code,label). Rosters carry the labels; we store codes."""

from __future__ import annotations

import csv
from collections.abc import Mapping
from functools import cache
from importlib.resources import files
from types import MappingProxyType

from django.db import models


@cache
def _lists() -> dict[str, dict]:
    text = files("fupin.core").joinpath("data/codes.csv").read_text("utf-8-sig")
    lists: dict[str, dict] = {}
    for row in csv.DictReader(text.splitlines()):
        entry = lists.setdefault(row["list"], {"label": row["list_label"], "codes": {}})
        entry["codes"][row["code"]] = row["label"]
    return lists


def choices(name: str) -> list[tuple[str, str]]:
    return list(_lists()[name]["codes"].items())


@cache
def labels(name: str) -> Mapping[str, str]:
    """code → label (one read-only mapping per list, so parsers can cache by identity)"""
    return MappingProxyType(dict(_lists()[name]["codes"]))


def list_label(name: str) -> str:
    return _lists()[name]["label"]


def label(name: str, code: str) -> str:
    return _lists()[name]["codes"].get(code, "")


def code_field(name: str, verbose_name, **kwargs) -> models.CharField:
    """A CharField holding a code of the named list, with the list's labels as choices."""
    kwargs.setdefault("blank", True)
    return models.CharField(verbose_name, max_length=2, choices=choices(name), **kwargs)


# Common variants that rosters use (codes README: accept variants, don't rename labels).
SYNONYMS: dict[str, dict[str, str]] = {
    "relation": {"本人": "户主", "妻子": "配偶", "丈夫": "配偶", "妻": "配偶", "夫": "配偶",
                 "儿子": "之子", "长子": "之子", "次子": "之子", "子": "之子",
                 "女儿": "之女", "长女": "之女", "次女": "之女", "女": "之女",
                 "儿媳": "之儿媳", "女婿": "之女婿", "孙子": "之孙子", "孙女": "之孙女",
                 "外孙": "之外孙子", "外孙子": "之外孙子", "外孙女": "之外孙女",
                 "父亲": "之父", "母亲": "之母", "岳父": "之岳父", "岳母": "之岳母",
                 "公公": "之公公", "婆婆": "之婆婆", "祖父": "之祖父", "祖母": "之祖母",
                 "兄弟姐妹": "之兄弟姐妹", "兄弟": "之兄弟姐妹", "姐妹": "之兄弟姐妹"},
    "education": {"文盲": "文盲或半文盲", "半文盲": "文盲或半文盲", "大专": "大专及以上",
                  "本科": "大专及以上", "中专": "高中", "职高": "高中"},
    "labour_capacity": {"弱劳动力": "弱劳动力或半劳动力", "半劳动力": "弱劳动力或半劳动力"},
    "health": {"长期慢性病": "长期慢性病", "慢性病": "长期慢性病", "大病": "患有大病"},
    "work_place": {"乡镇内务工": "乡（镇）内务工", "乡镇外县内务工": "乡（镇）外县内务工",
                   "县内": "乡（镇）外县内务工", "省内县外": "县外省内务工",
                   "县外省内": "县外省内务工", "省外": "省外务工"},
}
# 子女 / 子 / 女 depend on the person's gender; the importer resolves them from the ID.
GENDERED_CHILD = {"子女", "孩子"}

# Named for the OpenAPI schema, where two fields share this list (drf-spectacular W001).
WORK_PLACE_CHOICES = choices("work_place")
