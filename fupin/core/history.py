"""History entries for a record's history tab: who, when, what kind, which fields changed,
before and after (DESIGN §7: nothing is lost)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from . import personal

KIND = {"+": _("创建"), "~": _("修改"), "-": _("删除")}
# bookkeeping, and the ciphertext and keyed hash of protected values (their masked form is
# shown instead, as core/personal.py lets the reader see it)
HIDDEN = {"version", "updated_at", "name_pinyin", "name_initials"}
HIDDEN_SUFFIXES = ("_enc", "_hash")


@dataclass
class Change:
    field: str
    old: object
    new: object


@dataclass
class Entry:
    at: object
    user: object
    kind: str
    reason: str
    changes: list[Change]


def _label(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:  # noqa: BLE001
        return name


def _display(model, name: str, value):
    try:
        field = model._meta.get_field(name)
    except Exception:  # noqa: BLE001
        return value
    if field.choices and value not in (None, ""):
        return dict(field.flatchoices).get(value, value)
    return "" if value is None else value


def history_entries(obj, limit: int = 200, *, user=None) -> list[Entry]:
    """The record's history as `user` may read it: personal values (masks, the birth date)
    through core/personal.py, so the history tab leaks nothing the detail page hides
    (DESIGN §1). Without a user it shows what a reader without a need for personal data
    sees."""
    model = type(obj)
    reader = personal.reader_for(user)
    records = list(obj.history.select_related("history_user").order_by("-history_date",
                                                                          "-history_id")[
        : limit + 1])
    tracked = [(f.name, f.attname) for f in (records[0].tracked_fields if records else [])
               if f.name not in HIDDEN and not f.name.endswith(HIDDEN_SUFFIXES)]
    entries = []
    for i, rec in enumerate(records[:limit]):
        prev = records[i + 1] if i + 1 < len(records) else None
        changes = []
        if prev is not None and rec.history_type == "~":
            # every tracked field, not only the editable ones (simple-history's diff skips
            # non-editable fields, yet derived values and masked protected values change)
            for name, attname in tracked:
                old, new = getattr(prev, attname), getattr(rec, attname)
                if old == new:
                    continue
                old = personal.attribute(model, name, old, reader)
                new = personal.attribute(model, name, new, reader)
                if old is not personal.HIDDEN and new is not personal.HIDDEN:
                    changes.append(Change(_label(model, name), _display(model, name, old),
                                          _display(model, name, new)))
        kind = KIND.get(rec.history_type, rec.history_type)
        if rec.history_type == "~" and prev is not None:
            if getattr(rec, "retired_at", None) and not getattr(prev, "retired_at", None):
                kind = _("停用")
            elif getattr(prev, "retired_at", None) and not getattr(rec, "retired_at", None):
                kind = _("恢复")
        entries.append(Entry(rec.history_date, rec.history_user, kind,
                             rec.history_change_reason or "", changes))
    return entries


def settings_history(obj, fields) -> list[dict]:
    """A settings record's versions, newest first, each {"record", "changes"} with the
    changes of `fields` against the version before (labelled by the field's name): the
    history pages of the module settings (科技扶贫设置, 回访设置)."""
    model = type(obj)
    records = list(obj.history.select_related("history_user")
                   .order_by("-history_date", "-history_id"))
    rows = []
    for i, record in enumerate(records):
        prev = records[i + 1] if i + 1 < len(records) else None
        changes = []
        if prev is not None:
            changes = [{"field": _label(model, c.field), "old": c.old, "new": c.new}
                       for c in record.diff_against(prev).changes if c.field in fields]
        rows.append({"record": record, "changes": changes})
    return rows
