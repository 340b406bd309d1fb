"""Writes of the registry (DESIGN §2). Every path — form, API, import, generator — prepares a
person through `person_prepare`, so identity, protected fields, pinyin and completeness are
derived the same way everywhere."""

from __future__ import annotations

from functools import lru_cache

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from pypinyin import lazy_pinyin

from fupin.core import crypto, personal, scoping
from fupin.core import services as core_services
from fupin.core.errors import ServiceError
from fupin.core.listeners import people_changed

from .identity import IdNumberError, parse_id_number
from .models import Household, Person
from .rules import apply_completeness

HEAD = "01"  # relation code of 户主


@lru_cache(maxsize=65536)
def pinyin_of(name: str) -> tuple[str, str]:
    """Full pinyin and initials ("zhangsan", "zs"): one pypinyin call, cached by name (rosters
    repeat names; an import calls this for every person)."""
    syllables = [s.lower() for s in lazy_pinyin(name, errors="ignore") if s]
    return "".join(syllables)[:200], "".join(s[0] for s in syllables)[:50]


def person_prepare(person: Person, *, data: dict, protected: dict) -> set[str]:
    """Apply plain `data` and `protected` values ({field: clear value or None to keep}) to an
    unsaved or locked person; derive identity, pinyin and completeness. Returns the names of
    the fields that changed (empty: nothing to save)."""
    changed = set()
    for key, value in data.items():
        if getattr(person, key) != value:
            setattr(person, key, value)
            changed.add(key)
    id_number = protected.get("id_number")
    if id_number is not None:
        try:
            identity = parse_id_number(id_number)
        except IdNumberError as exc:
            raise ServiceError(exc.message, field="id_number") from exc
        if person.set_protected("id_number", identity.number):
            changed.add("id_number")
        person.birth_date, person.gender = identity.birth_date, identity.gender
    for field in ("phone", "bank_account"):
        if protected.get(field) is not None and person.set_protected(field, protected[field]):
            changed.add(field)
    if "name" in changed or not person.name_pinyin:
        person.name_pinyin, person.name_initials = pinyin_of(person.name)
    before = (person.complete, person.missing)
    apply_completeness(person)
    if (person.complete, person.missing) != before:
        changed.add("complete")
    return changed


def _check_unique_id(person: Person, actor) -> None:
    clash = Person.objects.filter(id_number_hash=person.id_number_hash).exclude(pk=person.pk)
    other = clash.first()
    if other is None:
        return
    if scoping.in_scope(actor, other.area_code):
        raise ServiceError(_("该身份证号已登记：%(name)s（%(area)s）")
                           % {"name": other.name, "area": other.area_label}, field="id_number")
    raise ServiceError(_("该身份证号已在其他地区登记，请联系上级经办核实。"), field="id_number")


def _sync_head(household: Household, actor) -> None:
    """DESIGN §2: a household has one head — the active member whose relation is 户主."""
    heads = list(household.members.active().filter(relation=HEAD).values_list("pk", flat=True))
    if len(heads) > 1:
        raise ServiceError(_("一户只能有一位户主；请先修改原户主的“与户主关系”。"),
                           field="relation")
    head = heads[0] if heads else None
    if household.head_id != head:
        household.head_id = head
        household.version += 1
        household._history_user = actor
        household.updated_at = timezone.now()
        household.save(update_fields=["head", "version", "updated_at"])


def _next_number(area_code: str) -> str:
    n = Household.objects.filter(area_code=area_code).count() + 1
    while Household.objects.filter(number=f"{area_code}{n:04d}").exists():
        n += 1
    return f"{area_code}{n:04d}"


NUMBER_ATTEMPTS = 20


def _number_taken(exc: Exception, number: str) -> bool:
    """Whether a failed create lost the race for `number` (and nothing else went wrong)."""
    if isinstance(exc, ValidationError):
        fields = set(getattr(exc, "error_dict", {}))
        return fields == {"number"} and Household.objects.filter(number=number).exists()
    return Household.objects.filter(number=number).exists()


@transaction.atomic
def household_create(*, actor, data: dict) -> Household:
    data = dict(data)
    if data.get("number"):
        if Household.objects.filter(number=data["number"]).exists():
            raise ServiceError(_("户编号已存在。"), field="number")
        return core_services.record_create(actor=actor, model=Household, data=data)
    # Two registrations in one village at the same moment compute the same next number; the
    # unique index decides, and the one that lost takes the next number (in a savepoint, so
    # the request's transaction goes on) instead of answering a server error.
    for _attempt in range(NUMBER_ATTEMPTS):
        number = data["number"] = _next_number(data.get("area_code") or "")
        try:
            with transaction.atomic():
                return core_services.record_create(actor=actor, model=Household, data=data)
        except (IntegrityError, ValidationError) as exc:
            if not _number_taken(exc, number):
                raise
    raise ServiceError(_("户编号分配冲突，请稍后重试。"), field="number")


def _member_follow(*, actor, person: Person, area_code: str) -> bool:
    """Move a retired member with its household (no version check: nobody edits a retired
    record, and a restore must find it where its household is). History by the actor."""
    current = Person.objects.select_for_update().get(pk=person.pk)
    if current.area_code == area_code:
        return False
    current.area_code = area_code
    current.version += 1
    current.updated_at = timezone.now()
    current._history_user = actor
    current.save(update_fields=["area_code", "version", "updated_at"])
    return True


@transaction.atomic
def household_update(*, actor, household: Household, data: dict, expected_version):
    data = dict(data)
    moved = "area_code" in data and data["area_code"] != household.area_code
    if "number" in data and Household.objects.filter(number=data["number"]).exclude(
            pk=household.pk).exists():
        raise ServiceError(_("户编号已存在。"), field="number")
    household = core_services.record_update(actor=actor, instance=household, data=data,
                                            expected_version=expected_version)
    if moved:  # DESIGN §2: members live where their household lives, retired ones too
        retired = []
        for person in household.members.all():
            if person.retired_at is None:
                person_update(actor=actor, person=person,
                              data={"area_code": household.area_code}, protected={},
                              expected_version=None)
            elif _member_follow(actor=actor, person=person, area_code=household.area_code):
                retired.append(person.pk)
        if retired:
            person_records_follow(actor=actor, person_ids=retired)
    return household


def _refuse_retired_household(household: Household) -> None:
    """DESIGN §7: a retired household is kept, not live — it gets no live members (added,
    moved in or restored) until someone restores the household itself."""
    if household.retired_at is not None:
        raise ServiceError(_("贫困户“%(n)s”已停用，不能有在册成员；请先恢复该户。")
                           % {"n": household.number}, field="household")


@transaction.atomic
def person_register(*, actor, household: Household, data: dict, protected: dict) -> Person:
    scoping.assert_in_scope(actor, household.area_code)
    # read again under a lock: a household retired since the caller loaded it takes no members
    household = Household.objects.select_for_update().get(pk=household.pk)
    _refuse_retired_household(household)
    if not protected.get("id_number"):
        raise ServiceError(_("请填写身份证号。"), field="id_number")
    person = Person(household=household, area_code=household.area_code)
    person_prepare(person, data=data, protected=protected)
    _check_unique_id(person, actor)
    core_services.check_write(actor, Person, person.area_code)
    person.full_clean(exclude=["household"])
    person._history_user = actor
    person.save()
    _sync_head(household, actor)
    people_changed.fire(person_ids=[person.pk], actor=actor)
    return person


@transaction.atomic
def person_update(*, actor, person: Person, data: dict, protected: dict,
                  expected_version: int | None) -> Person:
    scoping.assert_in_scope(actor, person.area_code)
    current = Person.objects.select_for_update().get(pk=person.pk)
    core_services.check_version(current, expected_version)
    household_id = current.household_id
    changed = person_prepare(current, data=data, protected=protected)
    if not changed:
        return current
    moved = False
    if current.household_id != household_id:
        new = Household.objects.select_for_update().get(pk=current.household_id)
        scoping.assert_in_scope(actor, new.area_code)
        _refuse_retired_household(new)
        moved = current.area_code != new.area_code
        current.area_code = new.area_code
    elif "area_code" in data:
        moved = True
    _check_unique_id(current, actor)
    core_services.check_write(actor, Person, current.area_code)
    current.full_clean(exclude=["household"])
    current.version += 1
    current.updated_at = timezone.now()
    current._history_user = actor
    current.save()
    _sync_head(current.household, actor)
    if current.household_id != household_id:
        _sync_head(Household.objects.get(pk=household_id), actor)
    if moved:
        person_records_follow(actor=actor, person_ids=[current.pk])
    people_changed.fire(person_ids=[current.pk], actor=actor)
    return current


def person_records(model) -> bool:
    """Whether `model` is a list that hangs off a person and lives in the person's village
    (an AreaScopedModel with a `person` foreign key: enrolments, employments, …)."""
    from fupin.core.models import AreaScopedModel

    if not issubclass(model, AreaScopedModel):
        return False
    try:
        field = model._meta.get_field("person")
    except Exception:  # noqa: BLE001 — no such field
        return False
    return getattr(field, "related_model", None) is Person


def person_records_follow(*, actor, person_ids) -> int:
    """Move every active record that hangs off these people to the village each one now
    lives in, so it stays in the scope of the person's village worker (history by the
    actor). Discovers the lists itself: a new list needs no change here."""
    from django.apps import apps

    from fupin.core.stamps import bulk_update_records

    areas = dict(Person.objects.filter(pk__in=list(person_ids)).values_list("pk", "area_code"))
    now = timezone.now()
    moved = 0
    for model in (m for m in apps.get_models() if person_records(m)):
        stale = [r for r in model.objects.active().filter(person_id__in=list(areas))
                 if r.area_code != areas[r.person_id]]
        for record in stale:
            record.area_code = areas[record.person_id]
            record.version += 1
            record.updated_at = now
        if stale:
            bulk_update_records(stale, model, ["area_code", "version", "updated_at"],
                                     batch_size=500, default_user=actor)
        moved += len(stale)
    return moved


def person_reveal(*, actor, person: Person, field: str, request=None) -> str:
    """One protected value in clear, for a role that may see it; logged. The policy is
    core/personal.py's (DESIGN §1)."""
    return personal.reveal(actor=actor, obj=person, field=field, request=request)


def protected_lookup_hash(field: str, value: str) -> str:
    return crypto.blind_index(value)


@transaction.atomic
def person_retire(*, actor, person: Person, reason: str = "") -> Person:
    person = core_services.record_retire(actor=actor, instance=person, reason=reason)
    _sync_head(person.household, actor)
    people_changed.fire(person_ids=[person.pk], actor=actor)
    return person


@transaction.atomic
def person_restore(*, actor, person: Person) -> Person:
    _refuse_retired_household(Household.objects.select_for_update().get(pk=person.household_id))
    person = core_services.record_restore(actor=actor, instance=person)
    _sync_head(person.household, actor)
    people_changed.fire(person_ids=[person.pk], actor=actor)
    return person


@transaction.atomic
def household_retire(*, actor, household: Household, reason: str = "") -> Household:
    """Retiring a household retires its members too (nothing is deleted)."""
    members = list(household.members.active())
    for person in members:
        core_services.record_retire(actor=actor, instance=person, reason=reason)
    household = core_services.record_retire(actor=actor, instance=household, reason=reason)
    people_changed.fire(person_ids=[p.pk for p in members], actor=actor)
    return household


# --- the national system's reports (DESIGN §2) -------------------------------------------------

def national_report_working(values: dict) -> bool | None:
    """What a national report says in one word: working (a 务工状况 of work, months of work, a
    place or employer of work, a public-welfare post), not working (未务工, or no months
    of work and no post), or None when the file says nothing about work."""
    from fupin.core.codes import NOT_WORKING_STATUS, WORKING_STATUSES

    if not values.get("listed", True):
        return None
    status = values.get("work_status") or ""
    if status in WORKING_STATUSES or values.get("post_kind") or (values.get("post_months") or 0) \
            or (values.get("work_months") or 0) or values.get("employer_name") \
            or values.get("work_location"):
        return True
    if status == NOT_WORKING_STATUS or values.get("work_months") == 0 \
            or values.get("post_months") == 0:
        return False
    return None


@transaction.atomic
def national_report_mark_outdated(*, actor, person: Person, reason: str = ""):
    """A village worker's fix on the reconciliation list: what the national system reports
    of this person is out of date (the records are right). The person leaves the list until
    a national file reports something else (imports.py clears the mark on a changed report).
    A person the file did not list gets a report saying so, marked at once."""
    from .models import NationalReport

    scoping.assert_in_scope(actor, person.area_code)
    core_services.check_write(actor, NationalReport, person.area_code)
    now = timezone.now()
    report = NationalReport.objects.select_for_update().filter(person=person).first()
    if report is None:
        day = person.household.national_reported_on or timezone.localdate()
        report = NationalReport(person=person, area_code=person.area_code, reported_on=day,
                                listed=False)
    elif report.outdated_at is not None:
        return report
    else:
        report.version += 1
    report.outdated_at = now
    report.outdated_reason = (reason or "")[:200]
    report.updated_at = now
    report._history_user = actor
    report.save()
    return report
