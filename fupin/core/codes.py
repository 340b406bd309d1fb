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
    # the national systems' spellings (全国扶贫开发信息系统, 防返贫监测信息系统)
    "poverty_status": {"脱贫": "已脱贫", "已脱贫（享受政策）": "已脱贫",
                       "已脱贫（不享受政策）": "已脱贫", "稳定脱贫": "已脱贫", "贫困": "未脱贫",
                       "未脱贫户": "未脱贫", "返贫户": "返贫"},
    "household_kind": {"一般户": "一般贫困户", "一般农户": "一般贫困户", "低保户": "低保贫困户",
                       "五保户": "特困供养贫困户", "五保贫困户": "特困供养贫困户",
                       "特困供养户": "特困供养贫困户", "分散供养五保户": "特困供养贫困户"},
    "poverty_cause": {"缺劳动力": "缺劳力", "缺发展资金": "缺资金",
                      "因病致贫": "因病", "因残致贫": "因残", "因学致贫": "因学"},
    "work_status": {"乡镇内务工": "乡（镇）内务工", "乡镇外县内务工": "乡（镇）外县内务工",
                    "县外省内": "县外省内务工", "省内县外务工": "县外省内务工",
                    "省内县外": "县外省内务工", "省外": "省外务工", "县内": "县内务工",
                    "其他": "其他务工", "无": "未务工", "否": "未务工", "未外出务工": "未务工",
                    "在家务农": "未务工", "务农": "未务工"},
}
# 民族 as rosters write it: 汉 for 汉族 (DESIGN §2: the labels of the national forms)
SYNONYMS["ethnicity"] = {label[:-1]: label for label in labels("ethnicity").values()
                         if label.endswith("族") and len(label) > 2}
# 务工状况 that the national system reports as working (DESIGN §2 reconciliation)
WORKING_STATUSES = ("01", "02", "03", "04", "05", "06")
NOT_WORKING_STATUS = "09"
# 务工状况 → the place of an employment record (县内务工 does not say which side of the
# township line: the worker chooses)
WORK_STATUS_PLACE = {"01": "01", "02": "02", "03": "03", "04": "04"}
# 子女 / 子 / 女 depend on the person's gender; the importer resolves them from the ID.
GENDERED_CHILD = {"子女", "孩子"}

# Named for the OpenAPI schema, where two fields share this list (drf-spectacular W001).
WORK_PLACE_CHOICES = choices("work_place")
