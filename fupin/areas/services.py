"""Writes of the area tree: loading a national area-code file (DESIGN §1)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from fupin.core.stamps import bulk_create_records, bulk_update_records

from . import selectors
from .models import LENGTH_LEVEL, LEVEL_LENGTH, Area, Level

REQUIRED_HEADERS = ("code", "name", "level", "parent_code")


class AreaFileError(Exception):
    """The file cannot be loaded; `errors` lists (line number, message) pairs."""

    def __init__(self, errors: list[tuple[int, str]]):
        self.errors = errors
        super().__init__("\n".join(f"第 {line} 行：{msg}" if line else msg for line, msg in errors))


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def _parse(text: str) -> list[tuple[int, dict]]:
    reader = csv.DictReader(io.StringIO(text))
    missing = [h for h in REQUIRED_HEADERS if h not in (reader.fieldnames or [])]
    if missing:
        raise AreaFileError([(1, _("缺少列：%(cols)s") % {"cols": "、".join(missing)})])
    return [(reader.line_num, row) for row in reader]


def _validate(rows: list[tuple[int, dict]]) -> tuple[list[Area], list[tuple[int, str]]]:
    errors: list[tuple[int, str]] = []
    known = set(Area.objects.values_list("code", flat=True))
    seen: dict[str, int] = {}
    in_file = {(row.get("code") or "").strip() for _line, row in rows}
    areas: list[Area] = []
    levels = {v for v, _label in Level.choices}
    for line, row in rows:
        code = (row.get("code") or "").strip()
        name = (row.get("name") or "").strip()
        level = (row.get("level") or "").strip()
        parent = (row.get("parent_code") or "").strip()
        row_errors = []
        if not code.isdigit() or len(code) not in LENGTH_LEVEL:
            row_errors.append(_("区划代码“%(code)s”长度或格式不对（应为 2、4、6、9 或 12 位数字）")
                              % {"code": code})
        elif level not in levels:
            row_errors.append(_("级别“%(level)s”无法识别") % {"level": level})
        elif LEVEL_LENGTH[level] != len(code):
            row_errors.append(_("区划代码“%(code)s”的位数与级别“%(level)s”不符")
                              % {"code": code, "level": level})
        if not name:
            row_errors.append(_("名称为空"))
        if code in seen:
            row_errors.append(_("区划代码“%(code)s”与第 %(line)s 行重复")
                              % {"code": code, "line": seen[code]})
        if not row_errors:
            if level == Level.PROVINCE:
                if parent:
                    row_errors.append(_("省级区划不应有上级"))
            elif not parent:
                row_errors.append(_("缺少上级区划代码"))
            elif parent not in known and parent not in in_file:
                row_errors.append(_("上级区划“%(parent)s”不存在") % {"parent": parent})
            elif not code.startswith(parent) or len(parent) >= len(code):
                row_errors.append(_("区划代码“%(code)s”不在上级“%(parent)s”之下")
                                  % {"code": code, "parent": parent})
            elif len(parent) != max(n for n in LENGTH_LEVEL if n < len(code)):
                row_errors.append(_("上级区划“%(parent)s”不是紧邻的上一级")
                                  % {"parent": parent})
        if row_errors:
            errors.extend((line, msg) for msg in row_errors)
        else:
            seen[code] = line
            areas.append(Area(code=code, name=name, level=level, parent_id=parent or None))
    return areas, errors


def areas_load(*, text: str) -> LoadResult:
    """Load areas from CSV text (code,name,level,parent_code). All or nothing; idempotent.

    A parent may appear later in the file than its child; rows are written top-down.
    """
    rows = _parse(text)
    areas, errors = _validate(rows)
    if errors:
        raise AreaFileError(errors)
    result = LoadResult()
    areas.sort(key=lambda a: (len(a.code), a.code))
    existing = {a.code: a for a in Area.objects.filter(code__in=[a.code for a in areas])}
    to_create, to_update = [], []
    for area in areas:
        old = existing.get(area.code)
        if old is None:
            to_create.append(area)
        elif (old.name, old.level, old.parent_id) != (area.name, area.level, area.parent_id):
            old.name, old.level, old.parent_id = area.name, area.level, area.parent_id
            to_update.append(old)
        else:
            result.unchanged += 1
    with transaction.atomic():
        if to_create:
            bulk_create_records(to_create, Area, batch_size=1000)
        if to_update:
            bulk_update_records(to_update, Area, ["name", "level", "parent"],
                                     batch_size=1000)
    result.created, result.updated = len(to_create), len(to_update)
    selectors.clear_cache()
    return result


# --- a village's poverty status (贫困村, DESIGN §5) -----------------------------------------------

def poor_village_errors(*, poor_village: bool, identified_year, exit_year) -> list[tuple[str, str]]:
    """(field, Chinese message) for a poverty status that does not hold together."""
    from fupin.core.bounds import year_error

    errors = []
    for field, year in (("poor_identified_year", identified_year),
                        ("poor_exit_year", exit_year)):
        message = year_error(year)
        if message:
            errors.append((field, message))
    if errors:
        return errors
    if poor_village and identified_year is None:
        errors.append(("poor_identified_year", _("贫困村须填写识别年度。")))
    if not poor_village and (identified_year is not None or exit_year is not None):
        errors.append(("poor_village", _("不是贫困村的村不应填写识别或退出年度。")))
    if identified_year is not None and exit_year is not None and exit_year < identified_year:
        errors.append(("poor_exit_year", _("退出年度不能早于识别年度。")))
    return errors


@transaction.atomic
def poor_village_set(*, actor, code: str, poor_village: bool, identified_year=None,
                     exit_year=None) -> tuple[Area, bool]:
    """Set a village's poverty status (an administrator or a county officer, inside their
    scope; villages only). Returns (area, changed); history by the actor (Area.history)."""
    from django.core.exceptions import PermissionDenied

    from fupin.core import scoping
    from fupin.core.errors import ServiceError
    from fupin.core.roles import can_write

    if not can_write(actor, Area):
        raise PermissionDenied(_("只有系统管理员和区县经办可以维护贫困村。"))
    area = Area.objects.select_for_update().filter(pk=code).first()
    if area is None or not scoping.in_scope(actor, code):
        raise ServiceError(_("村代码不存在或不在您的管辖范围内。"), field="code")
    if area.level != Level.VILLAGE:
        raise ServiceError(_("只有村（社区）一级可以标记为贫困村。"), field="code")
    errors = poor_village_errors(poor_village=poor_village, identified_year=identified_year,
                                 exit_year=exit_year)
    if errors:
        field, message = errors[0]
        raise ServiceError(message, field=field)
    values = {"poor_village": bool(poor_village), "poor_identified_year": identified_year,
              "poor_exit_year": exit_year}
    changed = {k: v for k, v in values.items() if getattr(area, k) != v}
    if not changed:
        return area, False
    for key, value in changed.items():
        setattr(area, key, value)
    area._history_user = actor
    area.save()
    # an area is not an area-scoped record (core/stamps.py stamps those on save): the
    # village's figures (technology aid's poor villages, their coverage) are told here
    from fupin.core import stamps

    stamps.touch([code])
    return area, True
