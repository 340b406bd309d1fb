"""What an import wrote, checked against the actor's scope before its transaction ends.

CONVENTIONS: "Bulk writes check afterwards that every written row is visible to the actor, or
roll back." Every write of an area-scoped record passes through `stamps.touch_records` (single
saves through simple_history's signal, `stamps.bulk_create_records` / `bulk_update_records`,
upsert_records and the import's BulkWriter), which reports it here while an import records.
So the guard holds for any spec, whatever it writes with, and a spec that reached outside the
scope by mistake rolls the whole file back instead of writing there (DESIGN §1).
"""

from __future__ import annotations

import threading
from array import array
from contextlib import contextmanager

from django.utils.translation import gettext as _

from .. import scoping
from .reader import TabularError

CHUNK = 5000  # primary keys per IN (…): within SQLite's 32,766 parameters
_local = threading.local()


class Ledger:
    """The primary keys written per model, and the areas records were moved away from."""

    def __init__(self):
        self.written: dict[type, array | list] = {}
        self.moved_from: set[str] = set()

    def note(self, model, objs, moved_from=()) -> None:
        keys = self.written.get(model)
        if keys is None:
            keys = self.written[model] = array("q")
        for obj in objs:
            pk = obj.pk
            if isinstance(keys, array) and not isinstance(pk, int):
                keys = self.written[model] = list(keys)
            keys.append(pk)
        self.moved_from.update(c for c in moved_from if c)

    def outside(self, actor) -> list[tuple[type, int]]:
        """(model, how many) of the records written that the actor cannot see, and of the
        records moved here from an area outside the actor's scope."""
        scope = scoping.user_scope_code(actor)
        if scope == "":  # sees everything
            return []
        out = []
        for model, keys in self.written.items():
            missing = 0
            for start in range(0, len(keys), CHUNK):
                part = set(keys[start:start + CHUNK])
                seen = set(model.objects.visible_to(actor).filter(pk__in=part)
                           .values_list("pk", flat=True))
                missing += len(part - seen)
            if missing:
                out.append((model, missing))
        if any(not scoping.in_scope(actor, code) for code in self.moved_from):
            out.append((None, 0))
        return out

    def verify(self, actor) -> None:
        """Raise (so the import's transaction rolls back) unless everything written is
        inside the actor's scope."""
        outside = self.outside(actor)
        if not outside:
            return
        what = "、".join(_("%(model)s %(n)s 条") % {"model": model._meta.verbose_name, "n": n}
                        for model, n in outside if model is not None) or _("移入的记录")
        raise TabularError(_("本次导入会写入或改动您管辖范围以外的数据（%(what)s），已全部撤销，"
                             "未写入任何数据。请联系管理员。") % {"what": what})


@contextmanager
def recording():
    """Record the writes inside (one import's transaction) into a fresh ledger."""
    previous = getattr(_local, "ledger", None)
    ledger = _local.ledger = Ledger()
    try:
        yield ledger
    finally:
        _local.ledger = previous


def note(model, objs, moved_from=()) -> None:
    """Called by core/stamps.py for every write of an area-scoped record."""
    ledger = getattr(_local, "ledger", None)
    if ledger is not None:
        ledger.note(model, objs, moved_from)
