"""Places named in a spreadsheet: the villages or townships under a user's scope, found by
code or by the names rosters carry (DESIGN §1, §7).

Rosters name places far more often than by code: the township and village by their full
official names (东坝街道, 陈家壕社区居民委员会) or short ones (东坝, 陈家壕社区, 三颗村 for
三颗村村民委员会), with or without the county, in separate columns or run together
("利州区东坝街道"). Every import spec that resolves a place uses `PlaceIndex`, so every scope
level (village, township, county, city) resolves the same names the same way.

The names of a place's ancestors (its township, county, city) come from the area tree whether
or not the ancestor lies inside the scope: a village worker's scope is one village and holds
no township, yet her roster names the township. Only the places themselves are limited to the
scope; a name that exists outside it is answered "not in your scope", not "not found".
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict

from django.db.models import Q
from django.utils.translation import gettext as _

from .models import LEVEL_LENGTH, Area, Level

# Official suffixes and the short forms rosters write instead (翠屏社区居民委员会 → 翠屏社区).
_COMMITTEES = (("村民委员会", "村"), ("居民委员会", ""), ("村委会", "村"), ("居委会", ""))
# Tails a short name drops (东坝街道 → 东坝, 旺苍县 → 旺苍), kept only if two characters stay.
_TAILS = ("街道办事处", "街道", "镇", "乡", "村", "社区", "自治县", "县", "区", "市", "旗", "省")
_LONGER = (("街道", "街道办事处"), ("街道", "街道办"), ("村", "村委会"), ("社区", "社区居委会"))
_CACHE_LIMIT = 100_000
# Headers of a county column in the rosters people keep (the national system's own included).
COUNTY_SYNONYMS = ("县", "县（区）", "县(市、区、旗)", "县（市、区、旗）", "县（市、区）",
                   "区县名称", "所在区县", "县区", "区（县）", "县（市）")
_OUTSIDE_LOOKUPS = 200  # distinct failing names checked against the whole tree, per import


def name_variants(name: str) -> set[str]:
    """Roster spellings of an official name: 翠屏社区居民委员会 → 翠屏社区, 翠屏;
    三颗村村民委员会 → 三颗村, 三颗; 东坝街道 → 东坝; 利州区 → 利州."""
    name = _norm(name)
    if not name:
        return set()
    out = {name}
    for suffix, short in _COMMITTEES:  # 三颗村村民委员会 → 三颗村; 三颗村委会 → 三颗村
        if name.endswith(suffix) and len(name) > len(suffix):
            base = name[: -len(suffix)]
            out.add(base if base.endswith(short) else base + short)
    for n in list(out):
        for tail, longer in _LONGER:  # and the longer forms: 东坝街道办事处, 三颗村委会
            if n.endswith(tail):
                out.add(n[: -len(tail)] + longer)
        for tail in _TAILS:  # the bare name: 东坝, 三颗, 利州 (the longest tail only)
            if n.endswith(tail):
                if len(n) >= len(tail) + 2:
                    out.add(n[: -len(tail)])
                break
    return out


def _norm(text) -> str:
    """NFKC, without any whitespace: "利州区 东坝街道" and "利州区东坝街道" are one text."""
    if text is None:
        return ""
    return "".join(unicodedata.normalize("NFKC", str(text)).split())


def _joined(parts: list[str]) -> str:
    """The given names from the top down, run together; a part that repeats the one before
    it ("东坝街道" then "东坝街道陈家壕社区") replaces it."""
    kept: list[str] = []
    for part in parts:
        if not part:
            continue
        if kept and part.startswith(kept[-1]):
            kept[-1] = part
        else:
            kept.append(part)
    return "".join(kept)


class _Tree:
    """Places of one level and the variants of their ancestors' names."""

    def __init__(self, level: str, places, ancestors):
        self.level = level
        self.length = LEVEL_LENGTH[level]
        self.names: dict[str, str] = {}
        self.by_name: dict[str, list[str]] = defaultdict(list)
        for code, name in places:
            self.names[code] = name
            for variant in name_variants(name):
                self.by_name[variant].append(code)
        self.ancestors = {code: name_variants(name) for code, name in ancestors}
        self.ancestor_names = dict(ancestors)
        # nearest first: a village's township, county, city, province
        self.prefixes = [n for n in sorted(LEVEL_LENGTH.values(), reverse=True)
                         if n < self.length]

    def match(self, text: str) -> list[str]:
        """Codes of the places that `text` names: a place's name (any variant) at the end,
        before it optionally its ancestors' names, nearest last (…县…镇…村)."""
        found: list[str] = []
        for i in range(len(text)):
            for code in self.by_name.get(text[i:], ()):
                if code not in found and self._ancestors_match(text[:i], code, 0):
                    found.append(code)
        return found

    def _ancestors_match(self, rest: str, code: str, start: int) -> bool:
        if not rest:
            return True
        for j in range(start, len(self.prefixes)):
            for variant in self.ancestors.get(code[: self.prefixes[j]], ()):
                if rest.endswith(variant) and self._ancestors_match(
                        rest[: -len(variant)], code, j + 1):
                    return True
        return False

    def path(self, code: str, *, below: str = "") -> str:
        """区县 乡镇 村 names of a place, from just under `below` (the user's scope)."""
        parts = [self.ancestor_names.get(code[:n], "") for n in sorted(self.prefixes)
                 if n > len(below) and n >= 6]
        return " ".join(p for p in [*parts, self.names.get(code, "")] if p)


def _ancestor_rows(codes: set[str], *, scope: str = "") -> list[tuple[str, str]]:
    """(code, name) of the ancestors of these places (codes under `scope`), from the tree
    whether or not they lie inside the scope."""
    prefixes = sorted({c[:n] for c in codes for n in (2, 4, 6, 9) if n < len(c)})
    if len(prefixes) > 5000:  # a province or more: the upper levels under the scope at once
        upper = [lv for lv, n in LEVEL_LENGTH.items() if n < 12]
        rows = dict(Area.objects.filter(level__in=upper, code__startswith=scope)
                    .values_list("code", "name"))
        prefixes = [scope[:n] for n in (2, 4, 6, 9) if n < len(scope)]
    else:
        rows = {}
    for start in range(0, len(prefixes), 1000):
        rows.update(Area.objects.filter(code__in=prefixes[start:start + 1000])
                    .values_list("code", "name"))
    return list(rows.items())


class PlaceIndex:
    """The villages (or townships) under a scope, by code or by names.

    `resolve(code=, county=, township=, village=)` answers (code, None) or (None, message in
    Chinese): not found, ambiguous (with the candidates), or outside the scope."""

    def __init__(self, scope: str, level: str = Level.VILLAGE):
        self.scope = scope or ""
        self.level = level
        places = Area.objects.filter(level=level)
        if self.scope:
            places = places.filter(code__startswith=self.scope)
        rows = list(places.values_list("code", "name"))
        self.tree = _Tree(level, rows, _ancestor_rows({c for c, _n in rows}, scope=self.scope))
        self.codes = set(self.tree.names)
        self._cache: dict[tuple, tuple] = {}
        self._outside_checked = 0

    @property
    def what(self) -> str:
        return _("村") if self.level == Level.VILLAGE else _("乡镇")

    def resolve(self, *, code: str | None = None, county: str | None = None,
                township: str | None = None, village: str | None = None):
        key = (code, county, township, village)
        hit = self._cache.get(key)
        if hit is None:
            hit = self._resolve(code=_norm(code), county=_norm(county),
                                township=_norm(township), village=_norm(village))
            if len(self._cache) > _CACHE_LIMIT:
                self._cache.clear()
            self._cache[key] = hit
        return hit

    def _resolve(self, *, code, county, township, village):
        own = village if self.level == Level.VILLAGE else township
        if not code and own.isdigit():
            code, own = own, ""
        if code:
            return self._by_code(code)
        if not own:
            if self.level == Level.VILLAGE:
                return None, _("请填写村名或区划代码")
            return None, _("请填写乡镇名称或区划代码")
        parts = [county, township, village] if self.level == Level.VILLAGE else [county, own]
        where = " ".join(p for p in parts if p)
        # as written (东河 + 东河村), else with a repeated part once (东坝街道 + 东坝街道陈家壕社区)
        text = "".join(parts)
        found = self.tree.match(text)
        if not found and _joined(parts) != text:
            text = _joined(parts)
            found = self.tree.match(text)
        if len(found) == 1:
            return found[0], None
        if found:
            names = "、".join(self.tree.path(c, below=self.scope) for c in found[:3])
            return None, _("“%(w)s”有重名（%(names)s），请同时填写乡镇、区县名称或区划代码") % {
                "w": where, "names": names}
        outside = self._outside(text)
        if outside:
            return None, _("“%(w)s”（%(path)s）不在您的管辖范围内") % {
                "w": where, "path": outside}
        return None, _("在您的管辖范围内找不到%(what)s“%(w)s”") % {"what": self.what, "w": where}

    def _by_code(self, code: str):
        if code in self.codes:
            return code, None
        area = Area.objects.filter(pk=code).first()
        if area is None:
            return None, _("区划代码“%(c)s”不存在") % {"c": code}
        if area.level != self.level:
            message = _("区划代码“%(c)s”是%(level)s“%(name)s”，请填写%(what)s的 %(n)s 位区划代码")
            return None, message % {
                "c": code, "level": area.get_level_display(), "name": area.name,
                "what": self.what, "n": LEVEL_LENGTH[self.level]}
        if self.level == Level.VILLAGE:
            return None, _("区划代码“%(c)s”不是您管辖范围内的村") % {"c": code}
        return None, _("区划代码“%(c)s”不是您管辖范围内的乡镇") % {"c": code}

    def _outside(self, text: str) -> str:
        """The path of a place outside the scope that `text` names, or ""."""
        if not self.scope or self._outside_checked >= _OUTSIDE_LOOKUPS or len(text) < 2:
            return ""
        self._outside_checked += 1
        q = Q()
        for i in range(len(text) - 1):
            q |= Q(name__startswith=text[i:])
        rows = list(Area.objects.filter(q, level=self.level).exclude(
            code__startswith=self.scope).values_list("code", "name")[:500])
        if not rows:
            return ""
        tree = _Tree(self.level, rows, _ancestor_rows({c for c, _n in rows}))
        found = tree.match(text)
        return tree.path(found[0]) if found else ""


def village_index(scope: str) -> PlaceIndex:
    return PlaceIndex(scope, Level.VILLAGE)


def township_index(scope: str) -> PlaceIndex:
    return PlaceIndex(scope, Level.TOWNSHIP)
