"""The one service that runs every step, and what a user may do now."""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass

import django_fsm
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import scoping
from ..errors import ServiceError
from .table import REASON_MAX, RESERVED, Notify, Transition, Workflow, workflow_for


def events_of(objs):
    """The domain events of records of one model, newest first: one query for a list (a
    person's enrolments on the timeline), not one per record."""
    from ..models import DomainEvent

    objs = list(objs)
    if not objs:
        return DomainEvent.objects.none()
    return (DomainEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(type(objs[0])),
        object_id__in=[o.pk for o in objs])
        .select_related("actor").order_by("-at", "-id"))


def events_for(obj):
    """The record's domain events, newest first."""
    return events_of([obj])


def previous_actor_id(obj) -> int | None:
    """Who took the record's last step: the last event's actor, or else its creator."""
    event = events_for(obj).only("actor_id").first()
    if event is not None:
        return event.actor_id
    history = getattr(obj, "history", None)
    first = history.order_by("history_date", "history_id").first() if history else None
    return getattr(first, "history_user_id", None)


def _refusal(step: Transition, flow: Workflow, obj, actor, *, skip_role=False,
             distinct=True) -> str | None:
    """Why `actor` may not take `step` on `obj` now (role, state, guards, distinct actor), or
    None. Reason and evidence are asked when the step is taken."""
    if not skip_role and not step.role_allows(actor):
        return _role_refusal(step)
    bound = getattr(obj, f"_wf_{step.name}")
    if not django_fsm.can_proceed(bound, check_conditions=False):
        return _("当前状态为“%(state)s”，不能“%(label)s”。") % {
            "state": flow.state_label(flow.state(obj)), "label": step.label}
    refusal = guard_refusal(step, obj, actor, skip_role=True)
    if refusal is None and distinct:
        return _same_actor(step, obj, actor)
    return refusal


def _role_refusal(step: Transition) -> str:
    return _("您的角色不能办理“%(label)s”。") % {"label": step.label}


def _same_actor(step: Transition, obj, actor) -> str | None:
    if step.distinct_actor and actor is not None and previous_actor_id(obj) == actor.pk:
        return _("上一步由您本人办理，“%(label)s”须由另一人办理。") % {"label": step.label}
    return None


def guard_refusal(step: Transition, obj, actor, *, skip_role=False) -> str | None:
    """The role and the guards of `step` alone, whatever the record's state: what an import
    checks before it walks a chain of steps (`Workflow.path`) at write time, and what
    `_refusal` asks after the state."""
    if not skip_role and not step.role_allows(actor):
        return _role_refusal(step)
    for guard in step.guards:
        reason = guard(obj, actor)
        if reason:
            return str(reason)
    return None


def detail_link(obj) -> str:
    from ..resources import resource_for

    resource = resource_for(type(obj))
    if resource is None:
        return ""
    try:
        return reverse(resource.url_name("detail"), args=[obj.pk])
    except NoReverseMatch:
        return ""


@transaction.atomic
def transition(*, actor, obj, name: str, reason: str = "", evidence=None,
               expected_version: int | None = None, **payload):
    """Take transition `name` on `obj` as `actor`: the one path every state change takes.
    Returns the record as saved. Refusals raise Http404 (out of scope), PermissionDenied
    (role), ConcurrentEditError (version) or ServiceError (state, guards, reason, evidence,
    same actor), all with Chinese messages, and change nothing."""
    from .. import services
    from ..models import DomainEvent

    model = type(obj)
    flow = workflow_for(model)
    step = flow.get(name) if flow is not None else None
    if step is None:
        raise ServiceError(_("没有“%(name)s”这一操作。") % {"name": name})
    scoping.assert_in_scope(actor, obj.area_code)
    current = model.objects.select_for_update().get(pk=obj.pk)
    scoping.assert_in_scope(actor, current.area_code)  # as it is now, not as it was read
    services.check_version(current, expected_version)
    if not step.role_allows(actor):
        raise PermissionDenied(_role_refusal(step))
    refusal = _refusal(step, flow, current, actor, skip_role=True, distinct=False)
    if refusal:
        raise ServiceError(refusal)
    reason = (reason or "").strip()
    if step.reason_required and not reason:
        raise ServiceError(_("“%(label)s”须填写理由。") % {"label": step.label}, field="reason")
    if len(reason) > REASON_MAX:
        raise ServiceError(_("理由最多 %(n)s 字。") % {"n": REASON_MAX}, field="reason")
    if step.evidence_required and not evidence:
        raise ServiceError(_("“%(label)s”须上传证明材料。") % {"label": step.label},
                           field="evidence")
    limit = getattr(settings, "FUPIN_MAX_UPLOAD_BYTES", 50 * 1024 * 1024)
    if evidence and (getattr(evidence, "size", 0) or 0) > limit:
        raise ServiceError(_("证明材料不能超过 %(n)s MB。") % {"n": limit // 1048576},
                           field="evidence")
    refusal = _same_actor(step, current, actor)
    if refusal:
        raise ServiceError(refusal)
    bad = RESERVED & set(payload)
    if bad:
        raise ServiceError(_("附加数据不能使用字段名：%(names)s。")
                           % {"names": "、".join(sorted(bad))}, field="payload")

    source = flow.state(current)
    recorded = step.apply(current, actor, dict(payload)) if step.apply else dict(payload)
    if step.reason_field:
        limit = model._meta.get_field(step.reason_field).max_length
        setattr(current, step.reason_field, reason[:limit] if limit else reason)
    # kept as JSON: dates and decimals as text
    recorded = json.loads(json.dumps(recorded or {}, cls=DjangoJSONEncoder))
    getattr(current, f"_wf_{step.name}")()  # django-fsm: checks the source again, sets target
    current.version += 1
    current.updated_at = timezone.now()
    current._history_user = actor
    current._change_reason = (f"{step.label}：{reason}" if reason else str(step.label))[:100]
    current.full_clean()
    current.save()

    event = DomainEvent(content_type=ContentType.objects.get_for_model(model),
                        object_id=current.pk, area_code=current.area_code, actor=actor,
                        transition=step.name, source=source, target=flow.state(current),
                        reason=reason, payload=recorded)
    if evidence:
        ext = os.path.splitext(getattr(evidence, "name", "") or "")[1][:10]
        event.evidence_name = os.path.basename(getattr(evidence, "name", "") or "")[:255]
        event.evidence.save(f"{uuid.uuid4().hex}{ext}", evidence, save=False)
    try:
        event.save()
        if step.after is not None:
            step.after(current, actor, event)
    except BaseException:
        if event.evidence:  # the sealed file the failed step would have named
            event.evidence.storage.delete(event.evidence.name)
        raise
    # an outer transaction that rolls back later drops the event but not the file:
    # `purge_uploads` (run by `fupin nightly`) sweeps the evidence files no event names
    link = detail_link(current)
    for effect in step.notify:
        transaction.on_commit(_effect(effect, obj=current, event=event, step=step, actor=actor,
                                      link=link), robust=True)
    return current


def _effect(effect, **kwargs):
    def run():
        if isinstance(effect, Notify):
            effect.send(**kwargs)
        else:
            effect(kwargs["obj"], kwargs["event"], kwargs["actor"])
    return run


# --- what a user may do now -------------------------------------------------------------------

@dataclass(frozen=True)
class Option:
    name: str
    label: str
    reason_required: bool
    evidence_required: bool
    style: str
    refusal: str | None = None  # None: the user may take it now
    inputs: tuple = ()

    @property
    def allowed(self) -> bool:
        return self.refusal is None


def available_transitions(*, actor, obj, include_refused: bool = False) -> list[Option]:
    """The transitions `actor` may take on `obj` now. With `include_refused`, also those the
    current state offers to the actor's role but a guard (or the same-actor rule) refuses,
    each with its reason — what a page shows as a disabled button. Nothing for a retired
    record or one outside the actor's scope."""
    flow = workflow_for(obj)
    if flow is None or getattr(obj, "retired_at", None) is not None \
            or not scoping.in_scope(actor, obj.area_code):
        return []
    options = []
    for step in flow:
        if not step.role_allows(actor) or flow.state(obj) not in step.source:
            continue
        refusal = _refusal(step, flow, obj, actor, skip_role=True)
        if refusal is None or include_refused:
            options.append(Option(step.name, str(step.label), step.reason_required,
                                  step.evidence_required, step.style, refusal, step.inputs))
    return options
