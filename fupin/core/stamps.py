"""Area stamps: which areas' records changed, so that stored indicator figures know they are
stale (core/indicators.py).

Every write of an area-scoped record gives its area a new stamp in the same transaction, and
on a move the area it left too:
- single saves (services, admin, anything that calls save()) through simple_history's
  post-create signal, which every saved change of a record with history sends;
- bulk writes through `bulk_create_records` / `bulk_update_records` here (the only callers
  of simple_history's bulk functions: a meta-test holds that) and the import's BulkWriter;
  an import stamps all its areas once, at the end of its transaction (`deferred`).
A record may count in other areas than its own (a course, in its enrolled people's villages):
the model's `figure_areas(objs)` says which.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterable
from contextlib import contextmanager

from django.db.models import Model
from django.dispatch import receiver
from simple_history.signals import post_create_historical_record
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from .models import AreaScopedModel, AreaStamp
from .tabular import ledger

CHUNK = 500
_local = threading.local()


@contextmanager
def deferred():
    """Collect the areas touched inside and stamp them on the way out. A long transaction (an
    import) wraps its work in this, inside its transaction: on PostgreSQL it then holds the
    stamps' row locks for its last moment only, instead of making every save in the same
    villages wait for it to finish."""
    if getattr(_local, "codes", None) is not None:  # already deferring
        yield
        return
    _local.codes = set()
    try:
        yield
        codes = _local.codes
    finally:
        _local.codes = None
    touch(codes)


def touch(codes: Iterable[str]) -> None:
    """Give these area codes new stamps (at the end of a `deferred()` block, if in one)."""
    pending = getattr(_local, "codes", None)
    if pending is not None:
        pending.update(codes)
        return
    codes = sorted({c for c in codes if c})
    if codes:
        AreaStamp.objects.bulk_create(
            [AreaStamp(area_code=c, stamp=uuid.uuid4().hex) for c in codes],
            update_conflicts=True, unique_fields=["area_code"], update_fields=["stamp"],
            batch_size=CHUNK)


def _scoped(model) -> bool:
    return isinstance(model, type) and issubclass(model, AreaScopedModel)


def stored_areas(model: type[Model], pks: list) -> set[str]:
    """The area codes these records have in the database now (before an update moves them)."""
    codes: set[str] = set()
    for start in range(0, len(pks), CHUNK):
        codes.update(model._default_manager.filter(pk__in=pks[start:start + CHUNK])
                     .values_list("area_code", flat=True).distinct())
    return codes


def touch_records(model: type[Model], objs: list, *, moved_from: Iterable[str] = ()) -> None:
    """Every write of area-scoped records comes here: their areas get new stamps, and an
    import's ledger learns what it wrote (core/tabular/ledger.py: the scope guard)."""
    if _scoped(model) and objs:
        moved_from = set(moved_from)
        ledger.note(model, objs, moved_from)
        touch(model.figure_areas(objs) | moved_from)


def bulk_create_records(objs: list, model: type[Model], **kwargs) -> list:
    """simple_history's bulk_create_with_history, stamping the records' areas."""
    created = bulk_create_with_history(objs, model, **kwargs)
    touch_records(model, objs)
    return created


def bulk_update_records(objs: list, model: type[Model], fields: list[str], **kwargs) -> int:
    """simple_history's bulk_update_with_history, stamping the records' areas (before and
    after, when the area itself changes)."""
    moved = stored_areas(model, [o.pk for o in objs]) \
        if _scoped(model) and "area_code" in fields else set()
    updated = bulk_update_with_history(objs, model, fields, **kwargs)
    touch_records(model, objs, moved_from=moved)
    return updated


@receiver(post_create_historical_record)
def _history_written(sender, instance, history_instance, **kwargs):
    model = type(instance)  # the sender is the history model
    if not _scoped(model):
        return
    moved_from = ()
    if history_instance.history_type == "~":
        before = history_instance.prev_record
        if before is not None and before.area_code != instance.area_code:
            moved_from = (before.area_code,)
    touch_records(model, [instance], moved_from=moved_from)
