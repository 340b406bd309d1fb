"""The nightly reminders (issue 10 item 6): overdue visits to the responsible village workers,
key visits due in `key_reminder_days` days, and township officers told of villages whose
on-time rate falls under the policy's threshold. Each plan is told once per due date
(overdue_notified_for / reminded_for), so a second run the same day sends nothing; a village
under the threshold is told once a month.

Why the plans' two markers are written with queryset.update(), without history: they are
bookkeeping of this job, not data anyone typed or reads as the plan's content — which due
date was last told. What was told, to whom and when is kept by the Notification rows
themselves (one per recipient, written in the same transaction), which is the audit trail a
question "was she reminded?" needs. A history row per plan per night would double the history
table of the plans for nothing a person could act on (and the plans are derived: DESIGN,
"Derived state").
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.core.notifications import notify, users_for
from fupin.core.roles import Role

from . import rules
from .models import Category, Visit, VisitPlan


def _worklist_link() -> str:
    try:
        return reverse("followups:worklist")
    except NoReverseMatch:
        return "/followups/"


def _areas_link(code: str) -> str:
    try:
        return reverse("followups:areas") + f"?area={code}"
    except NoReverseMatch:
        return f"/followups/areas/?area={code}"


def _by_village(rows) -> dict:
    out = defaultdict(list)
    for pk, area in rows:
        out[area].append(pk)
    return out


def send(on=None) -> dict:
    """Send the day's reminders; returns counts {"overdue", "key", "low_rate", "notifications"}."""
    on = on or timezone.localdate()
    policy = rules.policy()
    active = VisitPlan.objects.filter(retired_at__isnull=True)
    sent = {"overdue": 0, "key": 0, "low_rate": 0, "notifications": 0}
    link = _worklist_link()
    with transaction.atomic():
        overdue = list(active.filter(due_on__lt=on)
                       .exclude(overdue_notified_for=models_F("due_on"))
                       .values_list("pk", "area_code"))
        for village, pks in _by_village(overdue).items():
            made = notify(recipients=users_for(roles=[Role.VILLAGE_WORKER], area_code=village),
                          kind="followups.overdue", link=link, area_code=village,
                          text=_("您负责的村有 %(n)d 名劳动力回访已逾期，请尽快回访。") % {
                              "n": len(pks)})
            sent["notifications"] += len(made)
        if overdue:
            active.filter(pk__in=[pk for pk, _a in overdue]).update(
                overdue_notified_for=models_F("due_on"))
        sent["overdue"] = len(overdue)

        key_day = on + datetime.timedelta(days=policy.key_reminder_days)
        key = list(active.filter(category=Category.KEY, due_on=key_day)
                   .exclude(reminded_for=models_F("due_on")).values_list("pk", "area_code"))
        for village, pks in _by_village(key).items():
            made = notify(recipients=users_for(roles=[Role.VILLAGE_WORKER], area_code=village),
                          kind="followups.key", link=link, area_code=village,
                          text=_("%(d)s 有 %(n)d 名重点回访对象应回访。") % {
                              "d": key_day.isoformat(), "n": len(pks)})
            sent["notifications"] += len(made)
        if key:
            active.filter(pk__in=[pk for pk, _a in key]).update(reminded_for=models_F("due_on"))
        sent["key"] = len(key)
        sent["notifications"] += _low_rate(on, policy, sent)
    return sent


def models_F(name):  # noqa: N802
    from django.db.models import F

    return F(name)


def _month_start(on: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(on.replace(day=1), datetime.time(),
                                     tzinfo=timezone.get_current_timezone())


def _low_rate(on, policy, sent) -> int:
    """Township officers told of villages whose on-time rate (the last 90 days' visits with a
    due date) is under the threshold: the first night a village is under the line in a month,
    whatever day that is, and not again that month (so a village under the line is not
    reported every night). One notification per village, whose area is the village: the
    month's notifications are what says which villages were told. Returns the number of
    notifications."""
    from django.db.models import Count, Q

    from fupin.areas.models import Area
    from fupin.core.models import Notification

    from .tables import ON_TIME_WINDOW_DAYS

    since = on - datetime.timedelta(days=ON_TIME_WINDOW_DAYS)
    rows = (Visit.objects.filter(retired_at__isnull=True, due_on__isnull=False,
                                 due_on__gte=since, due_on__lt=on)
            .values("area_code").annotate(n=Count("pk"), ok=Count("pk", filter=Q(on_time=True)))
            .order_by())
    low = {r["area_code"]: round(100 * r["ok"] / r["n"], 1) for r in rows
           if r["n"] and 100 * r["ok"] / r["n"] < policy.on_time_threshold}
    if not low:
        return 0
    told = set(Notification.objects.filter(kind="followups.low_rate",
                                           created_at__gte=_month_start(on),
                                           area_code__in=list(low))
               .values_list("area_code", flat=True))
    names = dict(Area.objects.filter(code__in=list(low)).values_list("code", "name"))
    count = 0
    for village in sorted(set(low) - told):
        township = village[:9]
        made = notify(recipients=users_for(roles=[Role.TOWNSHIP_OFFICER], area_code=township),
                      kind="followups.low_rate", link=_areas_link(township), area_code=village,
                      text=_("%(village)s近 %(days)d 天按时回访率为 %(rate)s%%，低于 %(t)d%%。")
                      % {"village": names.get(village, village), "days": ON_TIME_WINDOW_DAYS,
                         "rate": low[village], "t": policy.on_time_threshold})
        count += len(made)
        sent["low_rate"] += 1
    return count
