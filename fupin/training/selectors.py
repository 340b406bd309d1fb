"""Reads of the training list. All start from `visible_to(user)`."""

from __future__ import annotations

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from fupin.core.roles import can_write

from . import rules
from .models import Course, Enrolment


def course_list(*, user) -> QuerySet:
    """Courses the user sees, each with `occupied` (places taken, across every area: a count
    only, so the organising township knows how full its course is)."""
    return Course.objects.visible_to(user).annotate(occupied=Count(
        "enrolments", filter=Q(enrolments__retired_at__isnull=True,
                               enrolments__status__in=rules.OCCUPYING)))


def courses_for_area(qs: QuerySet, area: str) -> QuerySet:
    """Courses that serve an area: organised in it or in the township (county …) above it.
    A village worker's list filtered by their village shows their township's courses."""
    ancestors = [area[:n] for n in (2, 4, 6, 9) if n < len(area)]
    return qs.filter(Q(area_code__startswith=area) | Q(area_code__in=ancestors))


def course_roster(*, user, course: Course) -> QuerySet:
    """The course's enrolments that the user may see (their own villages')."""
    return (Enrolment.objects.visible_to(user).active().filter(course=course)
            .select_related("person").order_by("area_code", "person__name", "pk"))


def course_counts(*, course: Course) -> dict:
    """Status counts over every active enrolment of the course (numbers only)."""
    rows = (Enrolment.objects.active().filter(course=course).values("status")
            .annotate(n=Count("pk")))
    counts = {r["status"]: r["n"] for r in rows}
    counts["occupied"] = sum(counts.get(s, 0) for s in rules.OCCUPYING)
    counts["total"] = sum(r["n"] for r in rows)
    return counts


def enrolment_list(*, user) -> QuerySet:
    return Enrolment.objects.visible_to(user).select_related("person", "course")


def enrol_block_reason(*, user, course: Course, occupied: int) -> str | None:
    """Why the page offers no "enrol a person" box for this user and course, or None."""
    from django.utils.translation import gettext as _

    if not can_write(user, Enrolment):
        return _("您的角色不能为学员报名。")
    if course.retired_at is not None:
        return _("培训班已停用，不能报名。")
    if course.status == rules.CANCELLED:
        return _("培训班已取消，不能报名。")
    if course.status == rules.PLANNED:
        return _("培训班尚未开放报名：乡镇经办点击“开放报名”后即可报名。")
    if course.end_date < timezone.localdate() or course.status == rules.ENDED:
        return _("培训班已结业，不能再报名；往期学员请用“参训记录”导入补录（状态填“已结业”或"
                 "“中途退出”）。")
    if occupied >= course.capacity:
        return _("培训班已报满。")
    return None


def person_enrolments(*, user, person) -> QuerySet:
    """The person's enrolments the user may see, latest course first (the person page)."""
    return (Enrolment.objects.visible_to(user).active().filter(person=person)
            .select_related("course").order_by("-course__start_date", "-pk"))


def household_enrolments(*, user, household) -> QuerySet:
    """The household members' enrolments the user may see (the household page)."""
    return (Enrolment.objects.visible_to(user).active()
            .filter(person__household=household, person__retired_at__isnull=True)
            .select_related("course", "person").order_by("-course__start_date", "-pk"))


def courses_open_for_enrolment(*, user) -> QuerySet:
    """The courses the user sees that take enrolments today (the rules of
    enrol_block_reason): not retired, open or under way (报名中, 培训中) and not past their end
    date, places left. The workbench's card counts them and the course list's 进度 = 可报名
    filter shows them."""
    today = timezone.localdate()
    return (course_list(user=user).filter(retired_at__isnull=True, end_date__gte=today,
                                          status__in=[rules.OPEN, rules.RUNNING])
            .filter(occupied__lt=F("capacity")))
