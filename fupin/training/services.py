"""Writes of the training list (DESIGN §2 list 2): the county plans courses, a township
organises them, village workers enrol their labourers and record attendance and completion.

Every write is atomic, scope-checked and leaves a history row by the actor (through
fupin.core.services); the rules themselves are in rules.py, shared with the importer.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.core import scoping
from fupin.core import services as core_services
from fupin.core.errors import ServiceError
from fupin.core.roles import can_write

from . import rules
from .models import Course, Enrolment

# the reason written on enrolments retired together with their course (and restored with it)
COURSE_RETIRED = "培训班停用"
PROGRESS_FIELDS = ("status", "days_attended", "completed_on", "certificate")
# what an edit may change; the status changes only through the workflow (models.py)
EDITABLE_PROGRESS = ("days_attended", "completed_on", "certificate")
COURSE_FIELDS = ("area_code", "name", "kind", "provider", "trainer", "start_date", "end_date",
                 "place", "capacity", "subsidy_per_person")


def _today() -> datetime.date:
    return timezone.localdate()


def occupied_places(course: Course) -> int:
    """Places taken on a course, across every area (not only what the actor can see)."""
    return Enrolment.objects.active().filter(course=course, status__in=rules.OCCUPYING).count()


def _check_course(data: dict) -> None:
    from fupin.areas.models import Area

    if "area_code" in data:
        error = rules.township_code_error(data["area_code"])
        if error is None and not Area.objects.filter(pk=data["area_code"]).exists():
            error = _("区划代码不存在。")
        if error:
            raise ServiceError(error, field="area_code")
    error = rules.course_date_error(data.get("start_date"), data.get("end_date"))
    if error:
        raise ServiceError(error, field="end_date")


# --- courses -----------------------------------------------------------------------------

@transaction.atomic
def course_create(*, actor, data: dict) -> Course:
    """Plan a course in the organising township (area_code: its 9-digit code)."""
    data = {k: v for k, v in data.items() if k in COURSE_FIELDS}
    _check_course(data)
    return core_services.record_create(actor=actor, model=Course, data=data)


@transaction.atomic
def course_update(*, actor, course: Course, data: dict,
                  expected_version: int | None) -> Course:
    data = {k: v for k, v in data.items() if k in COURSE_FIELDS}
    scoping.assert_in_scope(actor, course.area_code)
    current = Course.objects.select_for_update().get(pk=course.pk)
    core_services.check_version(current, expected_version)
    merged = {f: data.get(f, getattr(current, f)) for f in ("start_date", "end_date")}
    _check_course({**data, **merged})
    if "capacity" in data and data["capacity"] is not None:
        taken = occupied_places(current)
        if data["capacity"] < taken:
            raise ServiceError(_("计划人数不能少于已报名人数（%(n)s 人）。") % {"n": taken},
                               field="capacity")
    if "start_date" in data or "end_date" in data:
        longest = (Enrolment.objects.active().filter(course=current)
                   .order_by("-days_attended").values_list("days_attended", flat=True).first())
        days = (merged["end_date"] - merged["start_date"]).days + 1
        if longest and longest > days:
            raise ServiceError(_("已有学员出勤 %(n)s 天，培训天数不能少于此数。") % {"n": longest},
                               field="end_date")
    return core_services.record_update(actor=actor, instance=current, data=data,
                                       expected_version=expected_version)


@transaction.atomic
def course_retire(*, actor, course: Course, reason: str = "") -> Course:
    """Retire a cancelled course together with its enrolments. A course with completions is
    kept: they are the evidence of training subsidies and coverage (DESIGN §3, §4) — retire
    those records one by one first, if they really were entered in error."""
    scoping.assert_in_scope(actor, course.area_code)
    if not can_write(actor, Course):
        raise PermissionDenied(_("您的角色无权停用此类记录。"))
    enrolments = list(Enrolment.objects.select_for_update().active().filter(course=course))
    completed = sum(1 for e in enrolments if e.status == rules.COMPLETED)
    if completed:
        raise ServiceError(_("该培训班已有 %(n)s 名学员结业，不能停用；如确属误录，请先逐条停用"
                             "这些参训记录。") % {"n": completed})
    outside = sum(1 for e in enrolments if not scoping.in_scope(actor, e.area_code))
    if outside:
        raise ServiceError(_("该培训班有 %(n)s 条参训记录不在您的管辖范围内，请联系上级经办停用。")
                           % {"n": outside})
    course = core_services.record_retire(actor=actor, instance=course, reason=reason)
    for enrolment in enrolments:
        core_services.record_retire(actor=actor, instance=enrolment, reason=COURSE_RETIRED)
    return course


@transaction.atomic
def course_restore(*, actor, course: Course) -> Course:
    """Bring a course back, with the enrolments that were retired because it was."""
    course = core_services.record_restore(actor=actor, instance=course)
    for enrolment in Enrolment.objects.retired().filter(course=course,
                                                        retired_reason=COURSE_RETIRED):
        if scoping.in_scope(actor, enrolment.area_code):
            core_services.record_restore(actor=actor, instance=enrolment)
    return course


# --- enrolments ----------------------------------------------------------------------------

def _raise_first(errors: list[tuple[str, str]]) -> None:
    if errors:
        field, message = errors[0]
        raise ServiceError(message, field=field)


@transaction.atomic
def enrolment_create(*, actor, course: Course, person, data: dict | None = None) -> Enrolment:
    """Enrol a labourer who wishes to train on a course that is open, not full, and that the
    actor can see. The enrolment lives in the person's village (DESIGN §1, §2)."""
    if not scoping.in_scope(actor, person.area_code):
        raise ServiceError(_("该人员不在您的管辖范围内。"), field="person")
    if not Course.objects.visible_to(actor).filter(pk=course.pk).exists():
        raise ServiceError(_("培训班不存在或不在您的管辖范围内。"), field="course")
    core_services.check_write(actor, Enrolment, person.area_code)
    # lock the course so that two workers cannot both take its last place
    course = Course.objects.select_for_update().get(pk=course.pk)
    existing = Enrolment.objects.filter(course=course, person=person).first()
    if existing is not None:
        if existing.retired_at is not None:
            raise ServiceError(
                _("%(name)s 在该培训班的参训记录已停用；如需恢复，请联系系统管理员。")
                % {"name": person.name}, field="person")
        raise ServiceError(_("%(name)s 已报名该培训班。") % {"name": person.name},
                           field="person")
    values = {f: (data or {}).get(f) for f in PROGRESS_FIELDS}
    values["status"] = values["status"] or rules.REGISTERED
    reason = rules.enrolment_refusal(person=person, course=course,
                                     occupied=occupied_places(course), today=_today(),
                                     status=values["status"])
    if reason:
        raise ServiceError(reason, field="person")
    _raise_first(rules.progress_errors(course=course, values=values, today=_today()))
    return core_services.record_create(actor=actor, model=Enrolment, data={
        "course": course, "person": person, "area_code": person.area_code, **values})


@transaction.atomic
def enrolment_update(*, actor, enrolment: Enrolment, data: dict,
                     expected_version: int | None) -> Enrolment:
    """Record attendance, the completion date or the certificate. Course and person are
    fixed (enrol again instead); the status moves only through the workflow's steps
    (`core.workflows.transition`)."""
    scoping.assert_in_scope(actor, enrolment.area_code)
    current = Enrolment.objects.select_for_update().select_related("course").get(pk=enrolment.pk)
    core_services.check_version(current, expected_version)
    if "status" in data and data["status"] not in (None, current.status):
        raise ServiceError(_("状态不能直接修改，请使用页面上的办理按钮（报到、结业、退出）。"),
                           field="status")
    values = {f: data[f] if f in data else getattr(current, f) for f in EDITABLE_PROGRESS}
    values["status"] = current.status
    _raise_first(rules.progress_errors(course=current.course, values=values, today=_today()))
    values.pop("status")
    return core_services.record_update(actor=actor, instance=current, data=values,
                                       expected_version=expected_version)


@transaction.atomic
def enrolment_retire(*, actor, enrolment: Enrolment, reason: str = "") -> Enrolment:
    return core_services.record_retire(actor=actor, instance=enrolment, reason=reason)


@transaction.atomic
def enrolment_restore(*, actor, enrolment: Enrolment) -> Enrolment:
    if enrolment.course.retired_at is not None:
        raise ServiceError(_("培训班“%(course)s”已停用：请先恢复培训班。")
                           % {"course": enrolment.course.name})
    return core_services.record_restore(actor=actor, instance=enrolment)
