"""The transition table: states, steps and who is told (see the package's docstring)."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import django_fsm
from django.utils.translation import gettext as _

from ..roles import READ_ONLY_ROLES

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
    another area than the record's. Only recipients who can open the record are told (its
    `visible_to`, checked once per distinct scope and role): under the plain prefix rule the
    village workers below a township's record cannot see it, and are not sent a dead link."""

    roles: tuple
    text: str
    below: bool = False
    kind: str = ""
    area: Callable[[Any], str] | None = None

    def send(self, *, obj, event, step, actor, link: str) -> None:
        from ..notifications import notify, users_for

        area_code = self.area(obj) if self.area else obj.area_code
        text = str(self.text) % {"record": str(obj), "actor": actor_name(actor),
                                 "reason": event.reason, "label": str(step.label)}
        meta = type(obj)._meta
        recipients = users_for(roles=self.roles, area_code=area_code, below=self.below)
        notify(recipients=_who_can_see(obj, recipients),
               kind=self.kind or f"{meta.app_label}.{meta.model_name}.{step.name}",
               text=text[:500], link=link, area_code=area_code, exclude=actor)


def _who_can_see(obj, users) -> list:
    """The users who may open `obj`: one visibility query per distinct (scope, role)."""
    from .. import scoping

    model = type(obj)
    answers: dict[tuple, bool] = {}
    kept = []
    for user in users:
        key = (scoping.user_scope_code(user), getattr(user, "role", None), user.is_superuser)
        if key not in answers:
            qs = model._default_manager.all()
            qs = qs.visible_to(user) if hasattr(qs, "visible_to") \
                else scoping.filter_visible(qs, user)
            answers[key] = qs.filter(pk=obj.pk).exists()
        if answers[key]:
            kept.append(user)
    return kept


@dataclass(frozen=True)
class Input:
    """A value a step asks for besides the reason (a completion date): the page shows an
    input for it, the API takes it in `payload`; the step's `apply` checks it."""

    name: str
    label: str
    kind: str = "text"  # text, date, number, choice
    required: bool = False
    choices: tuple = ()  # (value, label) pairs of a "choice": the page shows a select


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
    # (record, actor, event), in the same transaction after the event: steps of other
    # records that follow from this one (a course that starts checks its trainees in)
    after: Callable | None = None
    style: str = "primary"  # the button: primary, success, danger, secondary
    # a field of the record that also keeps the step's reason (cut to the field's length),
    # for a reason that is the record's own content (a need's 办理情况 when it cannot be met)
    reason_field: str = ""

    def __init__(self, name, label, *, source, target, roles, guards=(), reason_required=False,
                 evidence_required=False, distinct_actor=False, notify=(), apply=None,
                 inputs=(), after=None, style="primary", reason_field=""):
        values = {"name": name, "label": label, "source": tuple(source), "target": target,
                  "roles": frozenset(roles), "guards": tuple(guards),
                  "reason_required": reason_required, "evidence_required": evidence_required,
                  "distinct_actor": distinct_actor, "notify": tuple(notify), "apply": apply,
                  "inputs": tuple(inputs), "after": after, "style": style,
                  "reason_field": reason_field}
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


def actor_name(user) -> str:
    if user is None:
        return _("系统")
    return str(getattr(user, "display_name", "") or user.get_username())

