"""Visit plans, derived (issue 10 item 1): every labourer's category, why, interval and next
due date, from the person's records and the policy (rules.py). Kept in the writer's
transaction through core.listeners.people_changed (`plans_refresh`) and moved with the
calendar by the nightly routine (`plans_refresh_all`). Due date: never visited → since +
interval; a category change → min(current due, (last visit or since) + new interval)."""

from __future__ import annotations

import datetime
import logging
import time

from django.core.cache import cache
from django.db import connections, transaction
from django.db.models import Max, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from fupin.core.tabular.importer import BulkWriter, instance_factory
from fupin.employment.models import Employment, Placement, Venture
from fupin.registry.models import Person
from fupin.registry.rules import ABLE, NOT_IN_SCHOOL, labour_ages

from . import rules
from .models import Category, Reason, VisitPlan, VisitPolicy

log = logging.getLogger(__name__)

WORKING = ("employed", "venture", "welfare_post")
DISABLED, CHRONIC = "04", "02"
# Households per transaction of the nightly routine (≈ 34,000 people): few enough that the
# write lock is held for a second or two, many enough that the per-chunk queries are few.
CHUNK = 10_000
IDS_PER_QUERY = 2000  # households or people named in one query's IN (…)
PERSON_FIELDS = ("id", "household_id", "area_code", "birth_date", "gender", "health",
                 "employment_status", "created_at", "retired_at", "labour_capacity",
                 "schooling")
(P_ID, P_HOUSEHOLD, P_AREA, P_BIRTH, P_GENDER, P_HEALTH, P_STATUS, P_CREATED, P_RETIRED,
 P_CAPACITY, P_SCHOOLING) = range(len(PERSON_FIELDS))
# what a refresh may change in a plan (visits and reminders write the rest)
PLAN_FIELDS = ["category", "reason", "interval_days", "since", "due_on", "area_code",
               "retired_at", "retired_reason"]
# what it reads of every plan to compare (the whole row only of the plans that change)
PLAN_READ = ("person_id", "id", "category", "reason", "interval_days", "since", "due_on",
             "area_code", "retired_at", "last_visit_on")
(L_PERSON, L_ID, L_CATEGORY, L_REASON, L_INTERVAL, L_SINCE, L_DUE, L_AREA, L_RETIRED,
 L_LAST) = range(len(PLAN_READ))


class Stopped(Exception):
    """plans_refresh_all was told to stop (a newer policy change has its own run)."""


def _age(birth: datetime.date, on: datetime.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _months_between(start: datetime.date, end: datetime.date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)


def derive(*, status: str, household_working: bool, health: str, gender: str,
           age: int, unemployed_since: datetime.date, on: datetime.date, policy) -> tuple:
    """(category, reason, interval) for one labourer. Pure: everything comes in."""
    if status in ("employed", "welfare_post"):
        category, reason = Category.REGULAR, (Reason.EMPLOYED if status == "employed"
                                              else Reason.WELFARE_POST)
    elif status == "venture":
        category, reason = Category.NEEDS, Reason.VENTURE
    else:
        reason = None
        if policy.rule_zero_household and not household_working:
            reason = Reason.ZERO_HOUSEHOLD
        elif policy.rule_disabled_ill and health in (DISABLED, CHRONIC):
            reason = Reason.DISABLED_ILL
        elif policy.unemployed_months and \
                _months_between(unemployed_since, on) >= policy.unemployed_months:
            reason = Reason.LONG_UNEMPLOYED
        elif (gender == "F" and policy.women_age and age >= policy.women_age) or \
                (gender == "M" and policy.men_age and age >= policy.men_age):
            reason = Reason.AGE
        if reason:
            category = Category.KEY
        else:
            category, reason = Category.REGULAR, Reason.UNEMPLOYED
    return str(category), str(reason), rules.interval(policy, category, reason)


def _latest_ends(people, on) -> dict[int, datetime.date]:
    """Each person's latest ended job, venture or placement (up to `on`): three GROUP BY
    queries over `people` (a Person queryset: a chunk's households, or a few ids)."""
    ends: dict[int, datetime.date] = {}
    for model in (Employment, Venture, Placement):
        for person_id, end in (model.objects.active().filter(person__in=people,
                                                              end_date__lte=on)
                               .values_list("person_id").annotate(m=Max("end_date"))
                               .order_by()):
            if end and (person_id not in ends or ends[person_id] < end):
                ends[person_id] = end
    return ends


class _Writer:
    """The plans' writes of one refresh: inserts and updates with their history rows
    ("+" / "~", the actor, one date), through the import's BulkWriter (executemany, no
    second model instance per row, no signal per row). Updates are grouped by the columns
    they change, each group one UPDATE … SET of those columns only."""

    def __init__(self, actor):
        self.bulk = BulkWriter(VisitPlan, actor=actor)
        self.make = instance_factory(VisitPlan)
        self.attnames = [f.attname for f in VisitPlan._meta.concrete_fields]
        self.index = {name: i for i, name in enumerate(self.attnames)}

    def write(self, create: list[dict], update: list[tuple[int, dict]], now) -> int:
        """Insert `create` (field values of new plans); apply `update` (plan id, the
        changed fields) to the plans' whole rows, read here."""
        if create:
            self.bulk.create([self.make(**values, created_at=now, updated_at=now)
                              for values in create], when=now)
        rows = {}
        ids = [pk for pk, _changes in update]
        for start in range(0, len(ids), IDS_PER_QUERY):
            rows.update((row[self.index["id"]], row) for row in VisitPlan.objects.filter(
                pk__in=ids[start:start + IDS_PER_QUERY]).values_list(*self.attnames))
        groups: dict[tuple, list] = {}
        version = self.index["version"]
        for pk, changes in update:
            row = rows[pk]
            values = dict(zip(self.attnames, row, strict=True))
            values.update(changes, version=row[version] + 1, updated_at=now)
            groups.setdefault(tuple(sorted(changes)), []).append(self.make(**values))
        for fields, objs in groups.items():
            self.bulk.update(objs, [*fields, "version", "updated_at"], when=now)
        return len(create) + len(update)


def _apply(rows, plans: dict, ends: dict, *, on, policy, writer: _Writer,
           db_timezone=datetime.UTC) -> int:
    """Derive the plans of these people (Person rows, PERSON_FIELDS tuples) against their
    current plans (person id → PLAN_READ tuple) and write the differences; the rows'
    households' members must all be among them (the zero-employment rule)."""
    low, high = labour_ages()
    able, not_in_school = frozenset(ABLE), frozenset(NOT_IN_SCHOOL)
    working_households = {r[P_HOUSEHOLD] for r in rows
                          if r[P_RETIRED] is None and r[P_STATUS] in WORKING}
    now = timezone.now()
    local = timezone.get_current_timezone()
    retired_reason, not_labourer = _("已停用"), _("不再是劳动力")
    create, update = [], []
    for r in rows:
        plan = plans.get(r[P_ID])
        age = _age(r[P_BIRTH], on)
        if r[P_RETIRED] is not None or not (low <= age <= high) or \
                r[P_CAPACITY] not in able or r[P_SCHOOLING] not in not_in_school:
            if plan is not None and plan[L_RETIRED] is None:
                update.append((plan[L_ID], {
                    "retired_at": now,
                    "retired_reason": retired_reason if r[P_RETIRED] is not None
                    else not_labourer}))
            continue
        status = r[P_STATUS]
        # (only the unemployed branch of derive() reads it)
        since_unemployed = on if status in WORKING else (
            ends.get(r[P_ID]) or _local_date(r[P_CREATED], db_timezone, local))
        category, reason, days = derive(
            status=status, household_working=r[P_HOUSEHOLD] in working_households,
            health=r[P_HEALTH], gender=r[P_GENDER], age=age,
            unemployed_since=since_unemployed, on=on, policy=policy)
        if plan is None:
            create.append({"person_id": r[P_ID], "area_code": r[P_AREA], "category": category,
                           "reason": reason, "interval_days": days, "since": on,
                           "due_on": on + datetime.timedelta(days=days)})
            continue
        changes = {}
        if plan[L_RETIRED] is not None:
            changes["retired_at"], changes["retired_reason"] = None, ""
        if (plan[L_CATEGORY], plan[L_REASON], plan[L_INTERVAL]) != (category, reason, days):
            since = on if plan[L_CATEGORY] != category else plan[L_SINCE]
            base = plan[L_LAST] or since
            due = min(plan[L_DUE], base + datetime.timedelta(days=days))
            for name, i, value in (("category", L_CATEGORY, category),
                                   ("reason", L_REASON, reason),
                                   ("interval_days", L_INTERVAL, days),
                                   ("since", L_SINCE, since), ("due_on", L_DUE, due)):
                if plan[i] != value:
                    changes[name] = value
        if plan[L_AREA] != r[P_AREA]:
            changes["area_code"] = r[P_AREA]
        if changes:
            update.append((plan[L_ID], changes))
    return writer.write(create, update, now) if create or update else 0


def _local_date(value, db_timezone, local) -> datetime.date:
    if isinstance(value, str):  # SQLite's stored text (see _refresh)
        value = datetime.datetime.fromisoformat(value).replace(tzinfo=db_timezone)
    return value.astimezone(local).date()


def plans_refresh(*, person_ids, actor=None, on: datetime.date | None = None) -> int:
    """Derive the plans of these people and the other members of their households (in the
    writer's transaction). Returns how many plans were written."""
    on = on or timezone.localdate()
    ids = list(person_ids)
    households: set[int] = set()
    for start in range(0, len(ids), IDS_PER_QUERY):  # SQLite: at most 32,766 parameters
        households.update(Person.objects.filter(pk__in=ids[start:start + IDS_PER_QUERY])
                          .values_list("household_id", flat=True))
    if not households:
        return 0
    ordered = sorted(households)
    policy, writer, written = rules.policy(), _Writer(actor), 0
    with transaction.atomic():
        for start in range(0, len(ordered), IDS_PER_QUERY):
            people = Person.objects.filter(
                household_id__in=ordered[start:start + IDS_PER_QUERY])
            written += _refresh(people, on=on, policy=policy, writer=writer)
    return written


def _refresh(people, *, on, policy, writer: _Writer) -> int:
    """The plans of these people (a Person queryset of whole households).

    On SQLite `created_at` is read as the text it is stored as, and parsed only for the
    unemployed without an ended job (the ORM's converter of every row's timestamp was half
    the time of reading 500,000 people)."""
    connection = connections[people.db]
    sqlite = connection.vendor == "sqlite"
    fields = [Cast(f, TextField()) if sqlite and f == "created_at" else f
              for f in PERSON_FIELDS]
    rows = list(people.values_list(*fields))
    if not rows:
        return 0
    keys = people.values("pk")
    plans = {row[L_PERSON]: row for row in
             VisitPlan.objects.filter(person__in=keys).values_list(*PLAN_READ)}
    return _apply(rows, plans, _latest_ends(keys, on), on=on, policy=policy, writer=writer,
                  db_timezone=connection.timezone if sqlite else datetime.UTC)


def plans_refresh_all(*, on: datetime.date | None = None, progress=None, actor=None,
                      stop=None) -> int:
    """Every plan, by households in chunks, each chunk one transaction (the nightly routine,
    and the re-derivation after a policy change). `progress(done, total)` is called after
    each chunk (households); `stop()`, asked at the start of each chunk inside its
    transaction, ends the run early with `Stopped` when it answers true. The policy is read
    once, at the start. `actor` is the history's user (none: the system). Returns how many
    plans were written."""
    on = on or timezone.localdate()
    policy = rules.policy()
    household_ids = list(Person.objects.order_by("household_id").values_list(
        "household_id", flat=True).distinct())
    total = len(household_ids)
    writer = _Writer(actor)
    written = 0
    if progress:
        progress(0, total)
    for start in range(0, total, CHUNK):
        chunk = household_ids[start:start + CHUNK]
        with transaction.atomic():
            if stop is not None and stop():
                raise Stopped
            written += _refresh(Person.objects.filter(household_id__gte=chunk[0],
                                                      household_id__lte=chunk[-1]),
                                on=on, policy=policy, writer=writer)
        if progress:
            progress(min(start + CHUNK, total), total)
    return written


def policy_version() -> int:
    return VisitPolicy.objects.filter(pk=1).values_list("version", flat=True).first() or 0


def plan_visited(*, person, visited_on: datetime.date, actor) -> VisitPlan | None:
    """After a visit: the last visit and the next due date (visited_on + interval)."""
    plan = VisitPlan.objects.select_for_update().filter(person=person).first()
    if plan is None:
        plans_refresh(person_ids=[person.pk], actor=actor, on=visited_on)
        plan = VisitPlan.objects.select_for_update().filter(person=person).first()
        if plan is None:
            return None
    if plan.last_visit_on and plan.last_visit_on > visited_on:
        return plan  # an older visit recorded late does not move the plan back
    plan.last_visit_on = visited_on
    plan.due_on = visited_on + datetime.timedelta(days=plan.interval_days)
    plan.version += 1
    plan.updated_at = timezone.now()
    plan._history_user = actor
    plan.save()
    return plan


def due_state(plan: VisitPlan, on: datetime.date | None = None) -> tuple:
    """(category, due_on, on_time): whether a visit on `on` is on time."""
    on = on or timezone.localdate()
    return plan.category, plan.due_on, on <= plan.due_on


def overdue_days(plan: VisitPlan, on: datetime.date | None = None) -> int:
    on = on or timezone.localdate()
    return max(0, (on - plan.due_on).days)


# ---------------------------------------------------------------------------------------
# After a policy change: every plan derived again by the worker (django-tasks), with the
# progress in Django's cache for the settings page (as the imports' jobs do).

REPLAN_KEY = "fupin:followups:replan"
REPLAN_TIMEOUT = 7 * 24 * 3600
STALE_SECONDS = 120


def replan_progress() -> dict | None:
    """The last re-derivation's state: phase queued / running / done / failed, the policy
    version it is for, done and total households, `written`; `stale` when a running one
    stopped beating (its worker died)."""
    data = cache.get(REPLAN_KEY)
    if data:
        data["stale"] = (data.get("phase") == "running"
                         and time.time() - data.get("at", 0) > STALE_SECONDS)
    return data


def _replan_note(version: int, phase: str, **values) -> None:
    current = cache.get(REPLAN_KEY)
    if current and current.get("version", 0) > version:
        return  # a newer change's run owns the page
    cache.set(REPLAN_KEY, {"phase": phase, "version": version, "at": time.time(), **values},
              timeout=REPLAN_TIMEOUT)


def replan_enqueue(*, version: int, actor=None) -> None:
    """Queue the re-derivation for this policy version (call after its commit)."""
    _replan_note(version, "queued", done=0, total=0)
    replan_task.enqueue(version, getattr(actor, "pk", None))


@task()
def replan_task(version: int, actor_id: int | None = None) -> str:
    """Derive every plan under the current policy. A run whose version is no longer the
    policy's (a newer change was saved: its own run is queued) stops at the next chunk;
    chunks already written stay (the newer run derives them again)."""
    from django.contrib.auth import get_user_model

    if policy_version() != version:
        return "superseded"
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    last, households = [0.0], [0]

    def progress(done: int, total: int) -> None:
        households[0] = total
        now = time.time()
        if now - last[0] >= 0.5 or done >= total:
            last[0] = now
            _replan_note(version, "running", done=done, total=total)

    try:
        written = plans_refresh_all(progress=progress, actor=actor,
                                    stop=lambda: policy_version() != version)
    except Stopped:
        return "superseded"
    except Exception:  # noqa: BLE001 — the page says so, the log has the traceback
        log.exception("re-deriving the visit plans for policy version %s failed", version)
        _replan_note(version, "failed")
        return "failed"
    _replan_note(version, "done", done=households[0], total=households[0], written=written)
    return "done"
