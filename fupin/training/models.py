"""Training (就业培训, DESIGN §2 list 2): courses planned by the county and organised by a
township; enrolments of labourers registered by village workers."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fupin.core import codes, scoping
from fupin.core.bounds import validate_date
from fupin.core.models import AreaScopedModel, ScopedQuerySet
from fupin.core.roles import Role


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


class Course(AreaScopedModel):
    write_roles = frozenset({Role.ADMIN, Role.COUNTY_OFFICER, Role.TOWNSHIP_OFFICER})

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


class Enrolment(AreaScopedModel):
    """A labourer on a course. Its area is the person's village (so the village worker who
    enrolled them sees it); the course may be elsewhere."""

    class Status(models.TextChoices):
        ENROLLED = "enrolled", _("在训")
        COMPLETED = "completed", _("已结业")
        DROPPED = "dropped", _("中途退出")

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="enrolments",
                               verbose_name=_("培训班"))
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT,
                               related_name="enrolments", verbose_name=_("学员"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices,
                              default=Status.ENROLLED)
    days_attended = models.PositiveIntegerField(_("出勤天数"), default=0)
    completed_on = models.DateField(_("结业日期"), null=True, blank=True,
                                    validators=[validate_date])
    certificate = models.CharField(_("证书编号"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("参训记录")
        verbose_name_plural = _("参训记录")
        constraints = [models.UniqueConstraint(fields=["course", "person"],
                                               name="one_enrolment_per_course")]
        indexes = [models.Index(fields=["area_code", "status"]),
                   models.Index(fields=["status", "completed_on"])]

    def __str__(self):
        return f"{self.person} · {self.course}"
