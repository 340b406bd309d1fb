"""Training rules that need no database (DESIGN §2 list 2): who may be enrolled on a course,
and what an enrolment's progress (attendance, completion, certificate) must look like.

The services, the API and the importer all ask these functions, so a page, an API call and a
spreadsheet row are refused for the same reason in the same words.
"""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from fupin.registry.rules import ABLE, NOT_IN_SCHOOL, labour_ages

# enrolment states (models.Enrolment.Status)
REGISTERED = "registered"
COMPLETED = "completed"
ENROLLED = "enrolled"
DROPPED = "dropped"
# course states (models.Course.Status)
PLANNED, OPEN, RUNNING, ENDED, CANCELLED = "planned", "open", "running", "ended", "cancelled"
TOWNSHIP_CODE_LENGTH = 9
# statuses that hold a place on the course (a drop-out frees theirs)
OCCUPYING = (REGISTERED, ENROLLED, COMPLETED)


def course_status_for_dates(start, end, today) -> str:
    """The state a course whose state nobody recorded is in by its dates (the data migration,
    the demo): past → ended, under way → running, to come → open (such courses were taking
    enrolments before courses had states)."""
    if end < today:
        return ENDED
    if start <= today:
        return RUNNING
    return OPEN


def course_days(course) -> int:
    return (course.end_date - course.start_date).days + 1


def course_date_error(start, end) -> str | None:
    if start and end and end < start:
        return _("结业日期不能早于开班日期。")
    return None


def township_code_error(code: str | None) -> str | None:
    """DESIGN §2: the county plans, a township organises — a course lives in a township."""
    if not code or len(code) != TOWNSHIP_CODE_LENGTH or not code.isdigit():
        return _("培训班由乡镇组织：请选择到乡镇（街道）一级（9 位区划代码）。")
    return None


def labourer_refusal(person, on: datetime.date) -> str | None:
    """Why the person is not a labourer (劳动力) on `on`, in words a village worker acts on;
    None when they are one (the same test as registry.rules.is_labourer)."""
    low, high = labour_ages()
    age = person.age_on(on)
    if not low <= age <= high:
        return _("%(name)s 不是劳动力：%(age)s 周岁，须在 %(low)s 至 %(high)s 周岁之间。") % {
            "name": person.name, "age": age, "low": low, "high": high}
    if person.labour_capacity not in ABLE:
        label = person.get_labour_capacity_display() or _("未填")
        return _("%(name)s 不是劳动力：劳动技能为“%(label)s”。") % {"name": person.name,
                                                                   "label": label}
    if person.schooling not in NOT_IN_SCHOOL:
        return _("%(name)s 不是劳动力：在校生不参加就业培训。") % {"name": person.name}
    return None


def enrolment_refusal(*, person, course, occupied: int, today: datetime.date,
                      status: str = REGISTERED) -> str | None:
    """Why a new enrolment of `person` on `course` is refused, or None. `occupied` is the
    number of places already taken (active enrolments that are enrolled or completed).

    A course that has ended takes no new applications, but its outcomes may be recorded
    afterwards (补录: a roster kept on paper, last year's records moving into the system): an
    enrolment that arrives already completed or dropped. It records a fact, so the person
    must have been a labourer when the course began, but their training wish as registered
    today is not asked."""
    if course.retired_at is not None:
        return _("培训班“%(course)s”已停用，不能报名。") % {"course": course.name}
    if course.status == CANCELLED:
        return _("培训班“%(course)s”已取消，不能报名。") % {"course": course.name}
    back_fill = course.end_date < today or course.status == ENDED
    if not back_fill and course.status == PLANNED:
        return _("培训班“%(course)s”尚未开放报名。") % {"course": course.name}
    if back_fill and status not in (COMPLETED, DROPPED):
        return _("培训班“%(course)s”已于 %(end)s 结业，不能再报名；补录往期学员请填写“已结业”"
                 "或“中途退出”。") % {"course": course.name, "end": course.end_date.isoformat()}
    if person.retired_at is not None:
        return _("%(name)s 的登记已停用，不能报名。") % {"name": person.name}
    # a course that starts later needs a labourer on its first day
    reason = labourer_refusal(person, course.start_date if back_fill
                              else max(today, course.start_date))
    if reason:
        return reason
    if person.wants_training is not True and not back_fill:
        if person.wants_training is False:
            return _("%(name)s 登记为没有培训意愿；如本人愿意参加，请先修改登记信息中的"
                     "“有培训意愿”。") % {"name": person.name}
        return _("%(name)s 尚未登记培训意愿；请先在登记信息中填写“有培训意愿：是”。") % {
            "name": person.name}
    if occupied >= course.capacity and status != DROPPED:
        return _("培训班“%(course)s”已报满（计划 %(n)s 人）。") % {"course": course.name,
                                                                 "n": course.capacity}
    return None


def progress_errors(*, course, values: dict, today: datetime.date) -> list[tuple[str, str]]:
    """Check (and complete) an enrolment's progress: status, days_attended, completed_on,
    certificate. `values` holds all four; a completion without a date takes the course's end
    date. Returns [(field, message)]."""
    errors = []
    status = values.get("status") or REGISTERED
    values["status"] = status
    days = values.get("days_attended") or 0
    values["days_attended"] = days
    if days < 0:
        errors.append(("days_attended", _("出勤天数不能为负数。")))
    elif days > course_days(course):
        errors.append(("days_attended", _("出勤天数不能超过培训天数（%(n)s 天）。")
                       % {"n": course_days(course)}))
    values["certificate"] = (values.get("certificate") or "").strip()
    if status == COMPLETED:
        if values.get("completed_on") is None:
            if course.end_date > today:
                errors.append(("completed_on", _(
                    "培训班计划 %(end)s 结业，尚未到期：请填写实际结业日期。")
                    % {"end": course.end_date.isoformat()}))
            else:
                values["completed_on"] = course.end_date
        done = values.get("completed_on")
        if done is not None and done < course.start_date:
            errors.append(("completed_on", _("结业日期不能早于开班日期（%(start)s）。")
                           % {"start": course.start_date.isoformat()}))
        elif done is not None and done > today:
            errors.append(("completed_on", _("结业日期不能晚于今天。")))
    else:
        if values.get("completed_on") is not None:
            errors.append(("completed_on", _("只有“已结业”的学员才填写结业日期。")))
        if values["certificate"]:
            errors.append(("certificate", _("只有“已结业”的学员才填写证书编号。")))
    return errors
