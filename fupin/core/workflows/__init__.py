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
the table becomes a django-fsm transition method (`_wf_<name>`): django-fsm checks the source
state (`can_proceed`) and changes the state (`change_state`, with its pre/post_transition
signals); the roles are registered as its `permission` callable, so that django-fsm's own
`has_transition_perm` and `get_available_user_status_transitions` agree with the service;
the table rides along as `custom={"workflow": <Transition>}`. What django-fsm does not have —
guards that take the actor and answer a Chinese reason (its conditions are callables on the
record only, answering a bool), reasons, evidence, "not the previous step's actor", the row
lock, version, scope, the domain event, history and notifications after commit — is
`transition()` (service.py).

`transition(actor=, obj=, name=, reason=, evidence=, expected_version=, **payload)` checks, in
this order: the name is in the table; scope (Http404); the row re-read under
`select_for_update`; version (ConcurrentEditError) and not retired; role (PermissionDenied);
the current state allows it (ServiceError naming both); the guards; the reason and the
evidence when required; the actor differs from the previous step's when `distinct_actor`.
Then the transition's `apply` hook (fields the step records, e.g. a completion date), the new
state, version + 1, a history row by the actor and a `DomainEvent` — all in one transaction —
and the notifications in `transaction.on_commit`.
"""

from .events import (
    evidence_for_download,
    timeline_entries,
    timeline_entries_of,
    visible_event_or_404,
)
from .service import (
    Option,
    available_transitions,
    detail_link,
    events_for,
    guard_refusal,
    previous_actor_id,
    transition,
)
from .table import (
    REASON_MAX,
    RESERVED,
    Input,
    Notify,
    StateField,
    Transition,
    Workflow,
    WorkflowModel,
    workflow_for,
)

__all__ = ["REASON_MAX", "RESERVED", "Input", "Notify", "Option", "StateField", "Transition",
           "Workflow", "WorkflowModel", "available_transitions", "detail_link",
           "events_for", "evidence_for_download",
           "guard_refusal", "previous_actor_id", "timeline_entries", "timeline_entries_of",
           "transition",
           "visible_event_or_404", "workflow_for"]
