"""Generic writes of scoped records: the one path every create, update, retire and restore
of an AreaScopedModel takes (apps wrap these in their own named services).

Each is atomic, checks the actor's role and scope, and leaves a history row written by the
actor in the same transaction.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import scoping
from .errors import ConcurrentEditError, ServiceError
from .roles import Role, can_restore, can_write


def check_version(current, expected_version: int | None) -> None:
    """The lost-update guard: refuse when somebody saved the record after the actor read it."""
    if current.retired_at is not None:
        raise ServiceError(_("该记录已停用，不能修改。"))
    if expected_version is not None and current.version != expected_version:
        raise ConcurrentEditError(
            _("该记录已被他人修改（您打开时为第 %(mine)s 版，现为第 %(now)s 版）。"
              "请刷新页面查看最新内容后再修改。")
            % {"mine": expected_version, "now": current.version}
        )


def check_write(actor, model, area_code: str | None) -> None:
    if not can_write(actor, model):
        raise PermissionDenied(_("您的角色无权修改此类记录。"))
    if not area_code:
        raise ServiceError(_("请选择所属区划。"), field="area_code")
    if not scoping.in_scope(actor, area_code):
        raise ServiceError(_("所选区划不在您的管辖范围内。"), field="area_code")


def _stamp(instance, actor) -> None:
    instance._history_user = actor
    instance.updated_at = timezone.now()


def _lock(instance):
    """Re-read the row under a lock, through the actor-independent manager."""
    return type(instance).objects.select_for_update().get(pk=instance.pk)


@transaction.atomic
def record_create(*, actor, model, data: dict):
    instance = model(**data)
    check_write(actor, model, instance.area_code)
    instance.full_clean()
    _stamp(instance, actor)
    instance.save()
    return instance


@transaction.atomic
def record_update(*, actor, instance, data: dict, expected_version: int | None):
    """Apply `data` to the record. Refused when somebody saved it since the actor read it
    (`expected_version` differs from the stored version): no silent overwrite."""
    model = type(instance)
    scoping.assert_in_scope(actor, getattr(instance, "area_code", None))
    current = _lock(instance)
    check_version(current, expected_version)
    changed = [k for k, v in data.items() if getattr(current, k) != v]
    if not changed:
        return current
    for key in changed:
        setattr(current, key, data[key])
    check_write(actor, model, current.area_code)
    current.full_clean()
    current.version += 1
    _stamp(current, actor)
    current.save()
    return current


@transaction.atomic
def record_retire(*, actor, instance, reason: str = ""):
    """Retire (soft-delete) a record: it leaves the lists but keeps its history."""
    scoping.assert_in_scope(actor, instance.area_code)
    if not can_write(actor, type(instance)):
        raise PermissionDenied(_("您的角色无权停用此类记录。"))
    current = _lock(instance)
    if current.retired_at is not None:
        return current
    current.retired_at = timezone.now()
    current.retired_reason = reason[:200]
    current.version += 1
    _stamp(current, actor)
    current.save()
    return current


@transaction.atomic
def record_restore(*, actor, instance):
    """Bring a retired record back (administrators only)."""
    scoping.assert_in_scope(actor, instance.area_code)
    if not can_restore(actor):
        raise PermissionDenied(_("只有系统管理员可以恢复已停用的记录。"))
    current = _lock(instance)
    if current.retired_at is None:
        return current
    current.retired_at = None
    current.retired_reason = ""
    current.version += 1
    _stamp(current, actor)
    current.save()
    return current


def access_log_record(*, actor, action: str, model, rows: int = 0, object_id="", field="",
                      detail: str = "", request=None):
    from .models import AccessLog

    return AccessLog.objects.create(
        actor=actor, action=action, model=model._meta.label if hasattr(model, "_meta")
        else str(model), object_id=str(object_id), field=field, rows=rows, detail=detail[:500],
        ip=request.META.get("REMOTE_ADDR") if request is not None else None,
    )


def settings_may_edit(user) -> bool:
    """Whether the user may change a module's settings row (回访设置, 科技扶贫设置, …):
    administrators only."""
    return bool(user and user.is_authenticated and
                (user.is_superuser or getattr(user, "role", None) == Role.ADMIN))


def settings_update(*, model, actor, data: dict, fields, expected_version: int | None,
                    what: str):
    """Change a module's one settings row (pk 1; `what` names it in messages, "回访设置"):
    administrators only, the fields `fields` of `data`, validated by the model, guarded by
    its version, written with history by the actor. Call inside the caller's transaction.
    Answers (the row, whether it changed)."""
    from django.core.exceptions import ValidationError

    if not settings_may_edit(actor):
        raise ServiceError(_("只有系统管理员可以修改%(what)s。") % {"what": what})
    model.objects.get_or_create(pk=1)
    current = model.objects.select_for_update().get(pk=1)
    if expected_version is not None and current.version != int(expected_version):
        raise ConcurrentEditError(
            _("%(what)s已被他人修改（您打开时为第 %(mine)s 版，现为第 %(now)s 版），"
              "请刷新后再修改。") % {"what": what, "mine": expected_version,
                                  "now": current.version})
    changed = False
    for field in fields:
        if field in data and getattr(current, field) != data[field]:
            setattr(current, field, data[field])
            changed = True
    if not changed:
        return current, False
    try:
        current.full_clean()
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise ServiceError(messages[0], field=field) from exc
    current.version += 1
    current.updated_at = timezone.now()
    current._history_user = actor
    current.save()
    return current, True
