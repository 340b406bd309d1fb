"""Workflows (状态流转, DESIGN §8): a record with a status declares its transition table once,
and one service runs every transition.

    class Claim(WorkflowModel, AreaScopedModel):
        class Status(models.TextChoices):
            DRAFT = "draft", _("草稿")
            ...
        status = StateField(Status, default=Status.DRAFT)
        workflow = Workflow(
            Transition("submit", _("提交"), source=[Status.DRAFT], target=Status.SUBMITTED,
                       roles=[Role.VILLAGE_WORKER]),
            Transition("approve", _("审核通过"), source=[Status.SUBMITTED],
                       target=Status.APPROVED, roles=[Role.TOWNSHIP_OFFICER],
                       distinct_actor=True, guards=[within_cap],
                       notify=[Notify(roles=[Role.VILLAGE_WORKER], text=_("…"))]),
        )

django-fsm-2 holds the state underneath: `StateField` is a protected `FSMField` (nothing but a
transition can assign it; creating a record in a state is still possible), and each row of
the table becomes a django-fsm transition method (`_wf_<name>`) whose source/target checking
(`can_proceed`), role check (`has_transition_perm`, the `permission` callable) and state
change (`change_state`, with its pre/post_transition signals) are django-fsm's. The table
itself rides along as `custom={"workflow": <Transition>}`. What django-fsm does not have —
guards that take the actor and answer a Chinese reason, reasons, evidence, "not the previous
step's actor", the row lock, version, scope, the domain event, history and notifications
after commit — is `transition()` below. (django-fsm's conditions are callables on the record
only, answering a bool, so guards are checked here, in the table's order.)

`transition(actor=, obj=, name=, reason=, evidence=, expected_version=, **payload)` checks, in
this order: the name is in the table; scope (Http404); the row re-read under
`select_for_update`; version (ConcurrentEditError) and not retired; role (PermissionDenied);
the current state allows it (ServiceError naming both); the guards; the reason and the
evidence when required; the actor differs from the previous step's when `distinct_actor`.
Then the transition's `apply` hook (fields the step records, e.g. a completion date), the new
state, version + 1, a history row by the actor and a `DomainEvent` — all in one transaction —
and the notifications in `transaction.on_commit`.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import django_fsm
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from . import scoping
from .errors import ServiceError
from .roles import READ_ONLY_ROLES
from .timeline import TimelineEntry

logger = logging.getLogger(__name__)

REASON_MAX = 500
# the keyword names of transition(); a payload may not use them
RESERVED = frozenset({"actor", "obj", "name", "reason", "evidence", "expected_version"})

Guard = Callable[[Any, Any], "str | None"]  # (record, actor) -> None or a Chinese reason


class WorkflowModel(django_fsm.FSMModelMixin):
    """Mixin for a model with a workflow: lets `refresh_from_db` reload the protected state,
    and `full_clean` check it without assigning it (Django's clean_fields re-assigns every
    field, which the protected field refuses)."""

    def clean_fields(self, exclude=None):
        from django.core.exceptions import ValidationError

        protected = self._get_protected_fsm_fields()
        super().clean_fields(exclude=set(exclude or ()) | protected)
        for name in protected - set(exclude or ()):
            field = self._meta.get_field(name)
            value = getattr(self, name)
            if value not in dict(field.flatchoices):
                raise ValidationError({name: [_("状态“%(value)s”不存在。") % {"value": value}]})


def StateField(choices, *, verbose_name=None, default=None, **kwargs):  # noqa: N802
    """The status field of a model with a workflow: a protected django-fsm field over a
    TextChoices class. Assigning it raises AttributeError; transitions change it."""
    from django.utils.translation import gettext_lazy

    kwargs.setdefault("max_length", 20)
    return django_fsm.FSMField(verbose_name or gettext_lazy("状态"), choices=choices.choices,
                               default=default, protected=True, db_index=True, **kwargs)


@dataclass(frozen=True)
class Notify:
    """Who is told after a transition commits: users of `roles` responsible for the record's
    area (`below=True`: those whose scope lies inside it, e.g. the village workers under a
    township). `text` is a %-format with record, actor, reason and label; `area` picks
    another area than the record's."""

    roles: tuple
    text: str
    below: bool = False
    kind: str = ""
    area: Callable[[Any], str] | None = None

    def send(self, *, obj, event, step, actor, link: str) -> None:
        from .notifications import notify, users_for

        area_code = self.area(obj) if self.area else obj.area_code
        text = str(self.text) % {"record": str(obj), "actor": _actor_name(actor),
                                 "reason": event.reason, "label": str(step.label)}
        meta = type(obj)._meta
        notify(recipients=users_for(roles=self.roles, area_code=area_code, below=self.below),
               kind=self.kind or f"{meta.app_label}.{meta.model_name}.{step.name}",
               text=text[:500], link=link, area_code=area_code, exclude=actor)


@dataclass(frozen=True)
class Input:
    """A value a step asks for besides the reason (a completion date): the page shows an
    input for it, the API takes it in `payload`; the step's `apply` checks it."""

    name: str
    label: str
    kind: str = "text"  # text, date, number
    required: bool = False


@dataclass(frozen=True, init=False)
class Transition:
    """One row of a transition table."""

    name: str  # a slug: the API's …/transitions/<name>/ and the event's name
    label: str  # what the button says (Chinese, gettext_lazy)
    source: tuple  # the states it may be taken from
    target: str
    roles: frozenset  # the roles that may take it (superusers always may)
    guards: tuple = ()  # (record, actor) -> None or the Chinese reason it is refused
    reason_required: bool = False
    evidence_required: bool = False
    distinct_actor: bool = False  # not by whoever took the previous step
    notify: tuple = ()  # Notify, or callables (record, event, actor) run after commit
    # (record, actor, payload) -> the payload to record; sets the fields the step records and
    # raises ServiceError for bad values. Without it the payload is recorded as given.
    apply: Callable | None = None
    inputs: tuple = ()  # Input: the values the page asks for (the payload)
    style: str = "primary"  # the button: primary, success, danger, secondary

    def __init__(self, name, label, *, source, target, roles, guards=(), reason_required=False,
                 evidence_required=False, distinct_actor=False, notify=(), apply=None,
                 inputs=(), style="primary"):
        values = {"name": name, "label": label, "source": tuple(source), "target": target,
                  "roles": frozenset(roles), "guards": tuple(guards),
                  "reason_required": reason_required, "evidence_required": evidence_required,
                  "distinct_actor": distinct_actor, "notify": tuple(notify), "apply": apply,
                  "inputs": tuple(inputs), "style": style}
        for key, value in values.items():
            object.__setattr__(self, key, value)

    def role_allows(self, user) -> bool:
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return False
        if user.is_superuser:
            return True
        role = getattr(user, "role", None)
        return role not in READ_ONLY_ROLES and role in self.roles


class Workflow:
    """A model's transition table. Declared as a class attribute (`workflow = Workflow(...)`);
    on class creation each row becomes a django-fsm transition on the state field."""

    def __init__(self, *transitions: Transition, field: str = "status"):
        names = [t.name for t in transitions]
        if len(names) != len(set(names)):
            raise ValueError("transition names must be unique")
        self.transitions = {t.name: t for t in transitions}
        self.field = field
        self.model = None

    def contribute_to_class(self, cls, name):
        self.model = cls
        setattr(cls, name, self)
        for step in self.transitions.values():
            setattr(cls, f"_wf_{step.name}", self._fsm_method(cls, step))
        _registry[cls] = self

    def _fsm_method(self, cls, step: Transition):
        def method(instance):
            return None

        method.__name__ = step.name
        method.__qualname__ = f"{cls.__qualname__}._wf_{step.name}"
        return django_fsm.transition(
            field=self.field, source=list(step.source), target=step.target,
            permission=lambda instance, user: step.role_allows(user),
            custom={"workflow": step})(method)

    def __iter__(self):
        return iter(self.transitions.values())

    def get(self, name: str) -> Transition | None:
        return self.transitions.get(name)

    def state_field(self):
        return self.model._meta.get_field(self.field)

    def state(self, obj) -> str:
        return getattr(obj, self.field)

    def state_label(self, value) -> str:
        return str(dict(self.state_field().flatchoices).get(value, value or "—"))

    def path(self, source: str, target: str) -> list[Transition] | None:
        """The shortest chain of transitions from one state to another ([] when equal, None
        when the table has none): what an import walks to record a back-filled outcome."""
        if source == target:
            return []
        seen, queue = {source}, deque([(source, [])])
        while queue:
            state, steps = queue.popleft()
            for step in self.transitions.values():
                if state in step.source and step.target not in seen:
                    chain = [*steps, step]
                    if step.target == target:
                        return chain
                    seen.add(step.target)
                    queue.append((step.target, chain))
        return None


_registry: dict[type, Workflow] = {}


def workflow_for(model) -> Workflow | None:
    model = model if isinstance(model, type) else type(model)
    return _registry.get(model)


# --- the service ---------------------------------------------------------------------------

def _actor_name(user) -> str:
    if user is None:
        return _("系统")
    return str(getattr(user, "display_name", "") or user.get_username())


def events_for(obj):
    """The record's domain events, newest first."""
    from .models import DomainEvent

    return (DomainEvent.objects.filter(content_type=ContentType.objects.get_for_model(type(obj)),
                                       object_id=obj.pk)
            .select_related("actor").order_by("-at", "-id"))


def previous_actor_id(obj) -> int | None:
    """Who took the record's last step: the last event's actor, or else its creator."""
    event = events_for(obj).only("actor_id").first()
    if event is not None:
        return event.actor_id
    history = getattr(obj, "history", None)
    first = history.order_by("history_date", "history_id").first() if history else None
    return getattr(first, "history_user_id", None)


def _refusal(step: Transition, flow: Workflow, obj, actor, *, skip_role=False) -> str | None:
    """Why `actor` may not take `step` on `obj` now (state, guards, distinct actor), or None.
    Reason and evidence are asked when the step is taken."""
    if not skip_role and not step.role_allows(actor):
        return _("您的角色不能办理“%(label)s”。") % {"label": step.label}
    bound = getattr(obj, f"_wf_{step.name}")
    if not django_fsm.can_proceed(bound, check_conditions=False):
        return _("当前状态为“%(state)s”，不能“%(label)s”。") % {
            "state": flow.state_label(flow.state(obj)), "label": step.label}
    for guard in step.guards:
        reason = guard(obj, actor)
        if reason:
            return str(reason)
    if step.distinct_actor and actor is not None and previous_actor_id(obj) == actor.pk:
        return _("上一步由您本人办理，“%(label)s”须由另一人办理。") % {"label": step.label}
    return None


def guard_refusal(step: Transition, obj, actor) -> str | None:
    """The role and the guards of `step` alone, whatever the record's state: what an import
    checks before it walks a chain of steps (`Workflow.path`) at write time."""
    if not step.role_allows(actor):
        return _("您的角色不能办理“%(label)s”。") % {"label": step.label}
    for guard in step.guards:
        reason = guard(obj, actor)
        if reason:
            return str(reason)
    return None


def detail_link(obj) -> str:
    from .resources import resource_for

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
    from . import services
    from .models import DomainEvent

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
        raise PermissionDenied(_("您的角色不能办理“%(label)s”。") % {"label": step.label})
    refusal = _refusal(step, flow, current, actor, skip_role=True)
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
    bad = RESERVED & set(payload)
    if bad:
        raise ServiceError(_("附加数据不能使用字段名：%(names)s。")
                           % {"names": "、".join(sorted(bad))}, field="payload")

    source = flow.state(current)
    recorded = step.apply(current, actor, dict(payload)) if step.apply else dict(payload)
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
                        reason=reason, payload=recorded or {})
    if evidence:
        ext = os.path.splitext(getattr(evidence, "name", "") or "")[1][:10]
        event.evidence_name = os.path.basename(getattr(evidence, "name", "") or "")[:255]
        event.evidence.save(f"{uuid.uuid4().hex}{ext}", evidence, save=False)
    try:
        event.save()
    except Exception:
        if event.evidence:  # the sealed file the failed event would have named
            event.evidence.storage.delete(event.evidence.name)
        raise

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


# --- the timeline ----------------------------------------------------------------------------

def timeline_entries(obj, user=None, limit: int = 200) -> list[TimelineEntry]:
    """The record's domain events as timeline entries, newest first: who, what step, from →
    to, why; evidence as a link to the view that checks who asks."""
    flow = workflow_for(obj)
    entries = []
    for event in events_for(obj)[:limit]:
        step = flow.get(event.transition) if flow else None
        label = str(step.label) if step else event.transition
        title = _("%(label)s：%(source)s → %(target)s") % {
            "label": label, "source": flow.state_label(event.source) if flow else event.source,
            "target": flow.state_label(event.target) if flow else event.target}
        text = _actor_name(event.actor)
        if event.reason:
            text = f"{text} · {event.reason}"
        link = reverse("core:event_evidence", args=[event.pk]) if event.evidence else ""
        entries.append(TimelineEntry(at=event.at, title=title, text=text, link=link,
                                     icon="arrow-right-circle"))
    return entries


def visible_event_or_404(user, pk: int):
    """A domain event whose record the user may see (evidence downloads), or Http404."""
    from django.http import Http404

    from .models import DomainEvent

    event = DomainEvent.objects.select_related("content_type").filter(pk=pk).first()
    model = event.content_type.model_class() if event else None
    if model is None:
        raise Http404("not found")
    scoping.get_visible_or_404(model, user, pk=event.object_id)
    return event


__all__ = ["Input", "Notify", "Option", "StateField", "Transition", "Workflow", "WorkflowModel",
           "available_transitions", "events_for", "timeline_entries", "transition",
           "workflow_for"]
