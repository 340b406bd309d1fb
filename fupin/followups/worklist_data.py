"""The working list as data: the rows of the offline page (the page and the API share it)."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.core import personal

from . import selectors
from .models import Category, Method, NeedKind, Reason

FINDINGS_SHOWN = 60  # characters of the last visit's findings shown in a row


def _truncate(text: str, n: int = FINDINGS_SHOWN) -> str:
    text = (text or "").strip()
    return text if len(text) <= n else text[: n - 1] + "…"


def worklist_rows(*, user, on: datetime.date | None = None, bucket: str = "all") -> list[dict]:
    from fupin.employment.models import Employment, Venture

    on = on or timezone.localdate()
    bounds = selectors.bounds(on)
    plans = list(selectors.worklist(user=user, bucket=bucket, on=on))
    last = selectors.last_visits(plans)
    ids = [p.person_id for p in plans]
    jobs: dict = {}
    for e in Employment.objects.filter(person_id__in=ids, retired_at__isnull=True,
                                       end_date__isnull=True).order_by("start_date", "pk"):
        jobs.setdefault(e.person_id, []).append(
            {"id": e.pk, "version": e.version, "employer": e.employer, "place": e.place,
             "industry": e.industry, "monthly_income": e.monthly_income,
             "start_date": e.start_date.isoformat()})
    ventures: dict = {}
    for v in Venture.objects.filter(person_id__in=ids, retired_at__isnull=True,
                                    end_date__isnull=True).order_by("start_date", "pk"):
        ventures.setdefault(v.person_id, []).append(
            {"id": v.pk, "version": v.version, "business": v.business,
             "industry": v.industry, "start_date": v.start_date.isoformat()})
    rows = []
    for plan in plans:
        person = plan.person
        visit = last.get(person.pk)
        if plan.due_on < on:
            bucket_of = "overdue"
        elif plan.due_on <= bounds["week"]:
            bucket_of = "week"
        else:
            bucket_of = "month"
        rows.append({
            "plan": plan.pk,
            "person": person.pk,
            "name": person.name,
            "id_number": personal.value_for(person, "id_number", user),
            "category": plan.category,
            "category_label": str(Category(plan.category).label),
            "reason": plan.reason,
            "reason_label": str(Reason(plan.reason).label) if plan.reason in Reason.values
            else plan.reason,
            "due_on": plan.due_on.isoformat(),
            "overdue_days": max((on - plan.due_on).days, 0),
            "urgency": plan.urgency,
            "bucket": bucket_of,
            "last_visit": None if visit is None else {
                "visited_on": visit.visited_on.isoformat(),
                "method": visit.method,
                "method_label": str(Method(visit.method).label)
                if visit.method in Method.values else visit.method,
                "findings": _truncate(visit.findings),
            },
            "employments": jobs.get(person.pk, []),
            "ventures": ventures.get(person.pk, []),
            "version": person.version,
            "intention": {
                "wants_work": person.wants_work, "work_place_wish": person.work_place_wish,
                "wants_training": person.wants_training,
                "training_wish": person.training_wish, "industry_wish": person.industry_wish,
                "expected_wage": person.expected_wage},
            "employment_status": person.employment_status,
            "employment_status_label": person.get_employment_status_display(),
        })
    return rows


def worklist_payload(*, user, on: datetime.date | None = None) -> dict:
    on = on or timezone.localdate()
    rows = worklist_rows(user=user, on=on)
    return {
        "on": on.isoformat(),
        "generated_at": timezone.now().isoformat(),
        "counts": {b: sum(1 for r in rows if r["bucket"] == b)
                   for b in ("overdue", "week", "month")},
        "methods": [[k, str(v)] for k, v in Method.choices],
        "need_kinds": [[k, str(v)] for k, v in NeedKind.choices],
        "results": rows,
        "title": _("待回访"),
    }
