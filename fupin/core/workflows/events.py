"""A record's domain events as timeline entries, and the evidence they keep."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from .. import scoping
from ..files import orphans_purge
from ..personal import can_see_personal
from ..timeline import TimelineEntry
from .service import events_of
from .table import actor_name, workflow_for


def timeline_entries(obj, user=None, limit: int = 200) -> list[TimelineEntry]:
    """The record's domain events as timeline entries, newest first: who, what step, from →
    to, why; evidence as a link to the view that checks who asks, for those who may download
    it (a scan with names and ID numbers: `can_see_personal`)."""
    return timeline_entries_of([obj], user, limit=limit).get(obj.pk, [])


def timeline_entries_of(objs, user=None, limit: int = 200) -> dict[int, list[TimelineEntry]]:
    """`timeline_entries` of several records of one model (pk → entries), from one query;
    at most `limit` events each."""
    objs = list(objs)
    if not objs:
        return {}
    flow = workflow_for(objs[0])
    may_download = can_see_personal(user)
    out: dict[int, list[TimelineEntry]] = {}
    for event in events_of(objs)[:limit * len(objs)]:
        entries = out.setdefault(event.object_id, [])
        if len(entries) >= limit:
            continue
        step = flow.get(event.transition) if flow else None
        label = str(step.label) if step else event.transition
        title = _("%(label)s：%(source)s → %(target)s") % {
            "label": label, "source": flow.state_label(event.source) if flow else event.source,
            "target": flow.state_label(event.target) if flow else event.target}
        text = actor_name(event.actor)
        if event.reason:
            text = f"{text} · {event.reason}"
        link = (reverse("core:event_evidence", args=[event.pk])
                if event.evidence and may_download else "")
        entries.append(TimelineEntry(at=event.at, title=title, text=text, link=link,
                                     icon="arrow-right-circle"))
    return out


def visible_event_or_404(user, pk: int):
    """A domain event whose record the user may see, or Http404."""
    from django.http import Http404

    from ..models import DomainEvent

    event = DomainEvent.objects.select_related("content_type").filter(pk=pk).first()
    model = event.content_type.model_class() if event else None
    if model is None:
        raise Http404("not found")
    scoping.get_visible_or_404(model, user, pk=event.object_id)
    return event


def evidence_for_download(user, pk: int, *, request=None):
    """The event whose evidence `user` downloads, logged (AccessLog, reveal of the record's
    `evidence`): evidence is a scan with names and ID numbers, so only the roles that may see
    personal data (`personal.can_see_personal`) get it, inside their scope. Anybody else,
    out of scope, or an event without evidence: Http404, nothing logged."""
    from django.http import Http404

    from .. import crypto
    from ..models import AccessLog
    from ..services import access_log_record

    if not can_see_personal(user):
        raise Http404("not found")
    event = visible_event_or_404(user, pk)
    if not event.evidence:
        raise Http404("no evidence")
    access_log_record(actor=user, action=AccessLog.Action.REVEAL,
                      model=event.content_type.model_class(), object_id=event.object_id,
                      field="evidence", rows=1, request=request,
                      # a file name may quote an ID number: kept masked, as export details are
                      detail=crypto.mask_numbers_in(
                          f"{event.transition} #{event.pk} {event.evidence_name}"))
    return event


ORPHAN_AGE_HOURS = 24  # older than any request that may still commit its event


def evidence_orphans_purge(*, now=None) -> int:
    """Delete evidence files no DomainEvent names and older than a day: a step whose outer
    transaction rolled back after the file was stored (a failure inside the step deletes its
    own file). Run by `fupin purge_uploads` (and so `fupin nightly`). Returns the count."""
    from datetime import timedelta

    from django.utils import timezone

    from ..models import DomainEvent

    storage = DomainEvent._meta.get_field("evidence").storage
    cutoff = (now or timezone.now()) - timedelta(hours=ORPHAN_AGE_HOURS)
    known = set(DomainEvent.objects.exclude(evidence="").values_list("evidence", flat=True))
    return orphans_purge(storage, "evidence", known=known, older_than=cutoff)
