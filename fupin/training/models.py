"""Training (就业培训, DESIGN §2 list 2): courses planned by the county and organised by a
township; enrolments of labourers registered by village workers."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from fupin.core import codes, scoping
from fupin.core.bounds import validate_date
from fupin.core.models import AreaScopedModel, ScopedQuerySet
from fupin.core.roles import OFFICERS, STAFF_ROLES, Role
from fupin.core.workflows import (
    Input,
    Notify,
    StateField,
    Transition,
    Workflow,
    WorkflowModel,
)

from . import rules

# --- guards: (record, actor) -> None, or why the step is refused -------------------------------

def _today():
    return timezone.localdate()


def course_not_past(course, actor):
    if course.end_date < _today():
        return gettext("培训班已于 %(end)s 结业，不能开放报名。") % {
            "end": course.end_date.isoformat()}
    return None


def course_started(course, actor):
    if course.start_date > _today():
        return gettext("培训班 %(start)s 开班，尚未到开班日期。") % {
            "start": course.start_date.isoformat()}
    return None


def course_due(course, actor):
    if course.end_date > _today():
        return gettext("培训班计划 %(end)s 结业，尚未到期。") % {"end": course.end_date.isoformat()}
    return None


def course_without_completions(course, actor):
    done = course.enrolments.active().filter(status=rules.COMPLETED).count()
    if done:
        return gettext("已有 %(n)s 名学员结业，培训班不能取消。") % {"n": done}
    return None


def course_checks_in_its_trainees(course, actor, event):
    """A course that starts puts its registered trainees in training, each a step of its own
    (those outside the actor's scope are left to their own officers)."""
    from fupin.core import workflows

    registered = (Enrolment.objects.active().filter(course=course, status=rules.REGISTERED)
                  .order_by("pk"))
    for enrolment in registered:
        if scoping.in_scope(actor, enrolment.area_code):
            workflows.transition(actor=actor, obj=enrolment, name="check_in",
                                 reason=gettext("培训班开班"))


def enrolment_course_started(enrolment, actor):
    """The course has begun (by its dates: a past course's outcomes may be back-filled
    whatever state its planning went through) and was not cancelled."""
    course = enrolment.course
    if course.status == rules.CANCELLED:
        return gettext("培训班“%(course)s”已取消。") % {"course": course.name}
    return course_started(course, actor)


def enrolment_place_free(enrolment, actor):
    """Rejoining takes a place again: the course must not be full, ended or cancelled."""
    from django.db import transaction

    courses = Course.objects.filter(pk=enrolment.course_id)
    if transaction.get_connection().in_atomic_block:  # the step itself: lock the last place
        courses = courses.select_for_update()
    course = courses.get()
    if course.status in (rules.CANCELLED, rules.ENDED) or course.end_date < _today():
        return gettext("培训班“%(course)s”已结业或已取消，不能重新报名。") % {"course": course.name}
    taken = Enrolment.objects.active().filter(course=course, status__in=rules.OCCUPYING).count()
    if taken >= course.capacity:
        return gettext("培训班“%(course)s”已报满（计划 %(n)s 人），不能重新报名。") % {
            "course": course.name, "n": course.capacity}
    return None


def enrolment_complete(enrolment, actor, payload):
    """The completion's date (the course's end date unless given), certificate and days:
    checked by the same rules as the form and the import."""
    from fupin.core.errors import ServiceError
    from fupin.core.tabular.parsers import CellError, parse_date

    values = {"status": rules.COMPLETED,
              "days_attended": payload.get("days_attended", enrolment.days_attended),
              "completed_on": payload.get("completed_on", enrolment.completed_on),
              "certificate": payload.get("certificate", enrolment.certificate)}
    try:
        values["completed_on"] = parse_date(values["completed_on"])
        values["days_attended"] = int(values["days_attended"] or 0)
    except CellError as exc:
        raise ServiceError(exc.message, field="payload") from exc
    except (TypeError, ValueError) as exc:
        raise ServiceError(gettext("出勤天数须为整数。"), field="payload") from exc
    errors = rules.progress_errors(course=enrolment.course, values=values, today=_today())
    if errors:
        raise ServiceError(errors[0][1], field=errors[0][0])
    for key in ("days_attended", "completed_on", "certificate"):
        setattr(enrolment, key, values[key])
    return {"completed_on": values["completed_on"].isoformat(),
            "days_attended": values["days_attended"], "certificate": values["certificate"]}


class CourseQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        """A course lives in its organising township; the villages below see it too (their
        workers enrol people in it), and so do the county and city above."""
        code = scoping.user_scope_code(user)
        if code is None:
            return self.none()
        if code == "":
            return self
        ancestors = [code[:n] for n in (2, 4, 6, 9) if n < len(code)]
        return self.filter(Q(area_code__startswith=code) | Q(area_code__in=ancestors))


class Course(WorkflowModel, AreaScopedModel):
    write_roles = frozenset(OFFICERS)

    class Status(models.TextChoices):
        PLANNED = "planned", _("计划")
        OPEN = "open", _("报名中")
        RUNNING = "running", _("培训中")
        ENDED = "ended", _("已结业")
        CANCELLED = "cancelled", _("已取消")

    name = models.CharField(_("培训班名称"), max_length=100)
    kind = codes.code_field("training_kind", _("培训类型"), blank=False)
    provider = models.CharField(_("培训机构"), max_length=100)
    trainer = models.CharField(_("授课老师"), max_length=100, blank=True)
    start_date = models.DateField(_("开班日期"), validators=[validate_date])
    end_date = models.DateField(_("结业日期"), validators=[validate_date])
    place = models.CharField(_("培训地点"), max_length=200)
    capacity = models.PositiveIntegerField(_("计划人数"))
    subsidy_per_person = models.DecimalField(_("补贴标准（元/人）"), max_digits=10,
                                             decimal_places=2, default=0)
    status = StateField(Status, default=Status.PLANNED)

    # DESIGN §2 list 2, §8: the county plans, the township opens enrolment, runs and ends the
    # course; village workers are told when they may enrol people, townships when outcomes
    # are due.
    workflow = Workflow(
        Transition("open", _("开放报名"), source=[Status.PLANNED], target=Status.OPEN,
                   roles=OFFICERS, guards=[course_not_past],
                   notify=[Notify(roles=[Role.VILLAGE_WORKER], below=True, text=_(
                       "培训班“%(record)s”开始报名，可为本村有培训意愿的劳动力报名。"))]),
        Transition("start", _("开班"), source=[Status.OPEN], target=Status.RUNNING,
                   roles=OFFICERS, guards=[course_started],
                   after=course_checks_in_its_trainees),
        Transition("end", _("结业"), source=[Status.RUNNING], target=Status.ENDED,
                   roles=OFFICERS, guards=[course_due], style="success",
                   notify=[Notify(roles=[Role.TOWNSHIP_OFFICER], text=_(
                       "培训班“%(record)s”已结业，请登记学员的结业情况和证书。"))]),
        Transition("cancel", _("取消培训班"),
                   source=[Status.PLANNED, Status.OPEN, Status.RUNNING],
                   target=Status.CANCELLED, roles=OFFICERS, reason_required=True,
                   guards=[course_without_completions], style="danger",
                   notify=[Notify(roles=[Role.VILLAGE_WORKER], below=True, text=_(
                       "培训班“%(record)s”已取消：%(reason)s"))]),
    )

    objects = CourseQuerySet.as_manager()

    class Meta:
        verbose_name = _("培训班")
        verbose_name_plural = _("培训班")
        indexes = [models.Index(fields=["area_code", "start_date"])]
        constraints = [models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")),
                                              name="course_dates_ordered")]

    @classmethod
    def figure_areas(cls, objs) -> set[str]:
        """A course counts in its township and in its enrolled people's villages (trained,
        subsidy, in a programme)."""
        ids = [c.pk for c in objs if c.pk]
        return super().figure_areas(objs) | set(
            Enrolment.objects.filter(course_id__in=ids).values_list("area_code", flat=True)
            .distinct())

    def __str__(self):
        return self.name


class Enrolment(WorkflowModel, AreaScopedModel):
    """A labourer on a course. Its area is the person's village (so the village worker who
    enrolled them sees it); the course may be elsewhere."""

    class Status(models.TextChoices):
        REGISTERED = "registered", pgettext_lazy("enrolment status", "报名")
        ENROLLED = "enrolled", _("在训")
        COMPLETED = "completed", _("已结业")  # indicators and imports read these values
        DROPPED = "dropped", _("中途退出")

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="enrolments",
                               verbose_name=_("培训班"))
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT,
                               related_name="enrolments", verbose_name=_("学员"))
    status = StateField(Status, default=Status.REGISTERED)
    days_attended = models.PositiveIntegerField(_("出勤天数"), default=0)
    completed_on = models.DateField(_("结业日期"), null=True, blank=True,
                                    validators=[validate_date])
    certificate = models.CharField(_("证书编号"), max_length=100, blank=True)

    workflow = Workflow(
        Transition("check_in", _("报到在训"), source=[Status.REGISTERED],
                   target=Status.ENROLLED, roles=STAFF_ROLES, guards=[enrolment_course_started]),
        Transition("complete", _("结业"), source=[Status.ENROLLED], target=Status.COMPLETED,
                   roles=STAFF_ROLES, guards=[enrolment_course_started], apply=enrolment_complete,
                   inputs=[Input("completed_on", _("结业日期"), kind="date"),
                           Input("certificate", _("证书编号"))], style="success"),
        Transition("drop", pgettext_lazy("enrolment step", "退出"),
                   source=[Status.REGISTERED, Status.ENROLLED],
                   target=Status.DROPPED, roles=STAFF_ROLES, reason_required=True,
                   style="secondary"),
        Transition("rejoin", _("重新报名"), source=[Status.DROPPED],
                   target=Status.REGISTERED, roles=STAFF_ROLES, guards=[enrolment_place_free],
                   style="secondary"),
    )

    class Meta:
        verbose_name = _("参训记录")
        verbose_name_plural = _("参训记录")
        constraints = [models.UniqueConstraint(fields=["course", "person"],
                                               name="one_enrolment_per_course")]
        indexes = [models.Index(fields=["area_code", "status"]),
                   models.Index(fields=["status", "completed_on"])]

    def __str__(self):
        return f"{self.person} · {self.course}"
