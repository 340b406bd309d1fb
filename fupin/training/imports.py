"""The training list's spreadsheets, through the shared import framework (core/tabular):

- 参训人员名单 (enrolments): one row per person on a course — village and township staff keep
  their rosters, attendance and certificates in Excel;
- 培训班计划表 (courses): county officers plan a year's courses in Excel.

Both follow the framework's promises (DESIGN §7): every row is checked before anything is
written, any error writes nothing, re-importing the same file changes nothing, and an edited
file updates only the rows that changed (each with history). The rules are those of the
services (training/rules.py), so a row is refused for the same reason as the page would be.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

from django.db.models import Count, Max, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.areas.lookup import COUNTY_SYNONYMS, township_index
from fupin.areas.models import Area
from fupin.core import codes, personal, scoping, workflows
from fupin.core.errors import ServiceError
from fupin.core.roles import can_write
from fupin.core.tabular.importer import changed_since_check, upsert_records
from fupin.core.tabular.reader import TabularError
from fupin.core.tabular.spec import Col, ImportSpec, Outcome, ParsedRow, register
from fupin.registry.fields import persons_by_id_number
from fupin.registry.identity import IdNumberError, parse_id_number

from . import rules
from .models import Course, Enrolment

STATUS_LABELS = {"registered": "报名", "enrolled": "在训", "completed": "已结业",
                 "dropped": "中途退出"}
STATUS_SYNONYMS = {"培训中": "在训", "在学": "在训", "参训": "在训", "参训中": "在训",
                   "已报名": "报名", "报到": "在训", "结业": "已结业", "已完成": "已结业",
                   "完成": "已结业", "合格": "已结业", "退出": "中途退出", "已退出": "中途退出",
                   "退学": "中途退出", "中途退学": "中途退出"}
PROGRESS = ("status", "days_attended", "completed_on", "certificate")
EDITABLE = ("days_attended", "completed_on", "certificate")  # the status moves by steps
IMPORT_REASON = "参训人员名单导入"


def _area_names() -> dict[str, str]:
    return dict(Area.objects.filter(level__in=["county", "township", "village"])
                .values_list("code", "name"))


# ==========================================================================================
# Enrolments

ENROLMENT_COLUMNS = [
    Col("course_id", "培训班编号", kind="int", synonyms=("培训班ID", "班级编号", "培训班代码"),
        help="培训班页面上的编号；与“培训班名称”至少填一项", width=12),
    Col("course_name", "培训班名称", synonyms=("培训班", "班级名称", "培训项目", "班次"),
        max_length=100, width=28, help="同名培训班有多个时，请填写培训班编号"),
    Col("name", "姓名", required=True, synonyms=("学员姓名", "参训人员", "学员", "参训人姓名"),
        max_length=50, help="须与登记的姓名一致"),
    Col("id_number", "身份证号", kind="id_number", required=True, width=22,
        synonyms=("身份证号码", "公民身份号码", "证件号码", "身份证", "学员身份证号")),
    Col("status", "状态", kind="choice", choices=lambda: STATUS_LABELS,
        choice_synonyms=STATUS_SYNONYMS, synonyms=("参训状态", "培训状态", "学员状态"),
        help="报名、在训、已结业或中途退出；新学员留空为报名，已有学员留空则不改"),
    Col("days_attended", "出勤天数", kind="int",
        synonyms=("出勤(天)", "实际出勤天数", "参训天数", "出勤", "出勤天"),
        help="留空为 0；不能超过培训天数"),
    Col("completed_on", "结业日期", kind="date", synonyms=("结业时间", "完成日期"),
        help="已结业时填写；留空则按培训班结业日期"),
    Col("certificate", "证书编号", max_length=100, width=20,
        synonyms=("证书号", "结业证书编号", "合格证编号", "证书编码", "培训证书编号"),
        help="已结业时填写"),
    Col("village", "所在村", help="导出时填写，仅供核对；导入时不读取", width=16),
    Col("area_code", "区划代码", help="学员所在村的区划代码：导出时填写，仅供核对；导入时不读取",
        width=16),
]


class EnrolmentImport(ImportSpec):
    name = "enrolments"
    title = "参训人员名单"
    columns = ENROLMENT_COLUMNS
    model = Enrolment
    instructions = [
        "每行一名学员在一个培训班的参训情况。第一行是表头，表头上方可以有标题行；“序号”列会被忽略。",
        "培训班按“培训班编号”找到；没有编号时按“培训班名称”（须在您的管辖范围内且不重名）。",
        "学员按身份证号找到，须是您管辖范围内已登记的人员，“姓名”须与登记一致。",
        "新报名的学员须为劳动力（16–60 周岁、有劳动能力、不在校）并登记了“有培训意愿：是”；"
        "已停用、已结业或已报满的培训班不能再报名。",
        "状态为“已结业”时可填写结业日期（留空按培训班结业日期）和证书编号；"
        "其他状态不填这两列。",
        "已有学员的状态按办理步骤改变（报名 → 在训 → 已结业，或中途退出），每一步记入办理记录；"
        "不能倒退（如已结业改回在训）。",
        "表中没有的列（例如只有出勤天数的考勤表）不改动已有记录的这些项；"
        "有此列而单元格留空即为空值（出勤天数留空为 0；状态留空：新学员为报名，已有学员不改）。",
        "同一文件重复导入不会产生变化；修改后再导入只更新有改动的行。有任何错误都不会写入。",
        "“所在村”“区划代码”两列由导出填写，仅供核对，导入时不读取。",
    ]

    # --- validation -------------------------------------------------------------------------
    def start(self, *, actor):
        visible = Course.objects.visible_to(actor)
        by_id = {c.pk: c for c in visible}
        by_name: dict[str, list[Course]] = defaultdict(list)
        for course in by_id.values():
            if course.retired_at is None:
                by_name[course.name].append(course)
        return {"actor": actor, "today": timezone.localdate(), "courses": by_id,
                "by_name": by_name, "seen": {}, "occupied": {}, "delta": Counter(),
                "adds": defaultdict(list)}

    def begin_write(self, state) -> None:
        # the courses rows reach, found again under the transaction (DESIGN §1)
        state["courses"] = {c.pk: c for c in Course.objects.visible_to(state["actor"])}
        state["foreign"] = {}

    def derive(self, rows: list[ParsedRow], state) -> None:
        actor = state["actor"]
        numbers = []
        for row in rows:
            v = row.values
            v["_course"] = self._course(row, state)
            v["_person"] = None
            if v.get("id_number"):
                try:
                    v["id_number"] = parse_id_number(v["id_number"]).number
                    numbers.append(v["id_number"])
                except IdNumberError as exc:
                    row.error(_("身份证号"), exc.message)
                    v["id_number"] = None
        persons = persons_by_id_number(user=actor, numbers=numbers)
        pairs = [(r.values["_course"].pk, persons[r.values["id_number"]].pk) for r in rows
                 if r.values["_course"] is not None and r.values.get("id_number") in persons]
        existing = {}
        if pairs:
            found = Enrolment.objects.filter(
                course_id__in={c for c, _p in pairs}, person_id__in={p for _c, p in pairs})
            existing = {(e.course_id, e.person_id): e for e in found}
        for row in rows:
            v = row.values
            person = persons.get(v.get("id_number"))
            course = v["_course"]
            v["_person"] = person
            v["_existing"] = old = existing.get((course.pk, person.pk)) \
                if course and person else None
            if course is not None:
                # a column the file lacks keeps the stored value (an attendance sheet need
                # not carry certificates); a blank cell is a blank value
                values = {f: v[f] if f in v else (getattr(old, f) if old else None)
                          for f in PROGRESS}
                if values["status"] is None and old is not None:  # a blank status keeps it
                    values["status"] = old.status
                for field, message in rules.progress_errors(course=course, values=values,
                                                            today=state["today"]):
                    row.error(self.column(field).label, message)
                v["_values"] = values

    def _course(self, row: ParsedRow, state) -> Course | None:
        v = row.values
        pk, name = v.get("course_id"), v.get("course_name")
        if pk is not None:
            course = state["courses"].get(pk) or self._foreign_course(pk, state)
            if course is None:
                row.error(_("培训班编号"),
                          _("在您的管辖范围内没有编号为 %(n)s 的培训班") % {"n": pk})
            elif name and name != course.name:
                row.error(_("培训班名称"), _("与编号 %(n)s 的培训班“%(name)s”不符")
                          % {"n": pk, "name": course.name})
                return None
            return course
        if not name:
            row.error(_("培训班编号"), _("请填写培训班编号或培训班名称"))
            return None
        found = state["by_name"].get(name, [])
        if len(found) == 1:
            return found[0]
        if found:
            row.error(_("培训班名称"), _("有 %(n)s 个名为“%(name)s”的培训班，请填写培训班编号")
                      % {"n": len(found), "name": name})
        else:
            row.error(_("培训班名称"), _("在您的管辖范围内找不到培训班“%(name)s”") % {"name": name})
        return None

    @staticmethod
    def _foreign_course(pk: int, state) -> Course | None:
        """A course of another township that some of the actor's people are on (a county
        officer enrolled them): its rows may be updated — an export re-imports — but nobody
        new can be enrolled on it from here."""
        cache = state.setdefault("foreign", {})
        if pk not in cache:
            mine = Enrolment.objects.visible_to(state["actor"]).filter(course_id=pk)
            cache[pk] = Course.objects.filter(pk=pk, pk__in=mine.values("course_id")).first()
        return cache[pk]

    def check(self, rows: list[ParsedRow], state) -> None:
        actor = state["actor"]
        if not can_write(actor, Enrolment):
            for row in rows:
                row.error("", _("您的角色无权导入参训记录"))
            return
        occupied = state["occupied"]
        wanted = {r.values["_course"].pk for r in rows if r.values.get("_course")} - set(occupied)
        if wanted:
            counts = dict(Enrolment.objects.active().filter(
                course_id__in=wanted, status__in=rules.OCCUPYING)
                .values_list("course_id").annotate(n=Count("pk")))
            occupied.update({pk: counts.get(pk, 0) for pk in wanted})
        for row in rows:
            self._check_row(row, state)

    def _check_row(self, row: ParsedRow, state) -> None:
        v = row.values
        person, course = v["_person"], v["_course"]
        if v.get("id_number") and person is None:
            row.error(_("身份证号"), _("在您的管辖范围内没有登记这个身份证号"))
        if person is not None and v.get("name") and v["name"] != person.name:
            row.error(_("姓名"), _("与该身份证号登记的姓名“%(name)s”不符") % {"name": person.name})
        if person is None or course is None:
            return
        key = (course.pk, person.pk)
        first = state["seen"].get(key)
        if first is not None:
            row.error(_("身份证号"),
                      _("与第 %(line)s 行重复（同一培训班同一人）") % {"line": first})
            return
        state["seen"][key] = row.line
        existing = v["_existing"]
        status = v["_values"]["status"]
        occupies = status in rules.OCCUPYING
        if existing is None:
            if course.pk not in state["courses"]:
                row.error(_("培训班编号"), _("在您的管辖范围内没有编号为 %(n)s 的培训班")
                          % {"n": course.pk})
                return
            # occupancy is checked in finish(), once every row of the file is known
            reason = rules.enrolment_refusal(person=person, course=course, occupied=0,
                                             today=state["today"], status=status)
            if reason:
                row.error(_("身份证号"), reason)
            elif occupies:
                state["delta"][course.pk] += 1
                state["adds"][course.pk].append(row.line)
            return
        if existing.retired_at is not None:
            row.error(_("身份证号"),
                      _("%(name)s 在该培训班的参训记录已停用；如需恢复，请联系系统管理员")
                      % {"name": person.name})
            return
        if status != existing.status:
            refusal = self._steps_refusal(existing, status, state["actor"])
            if refusal:
                row.error(self.column("status").label, refusal)
                return
        was = existing.status in rules.OCCUPYING
        if occupies and not was:
            state["delta"][course.pk] += 1
            state["adds"][course.pk].append(row.line)
        elif was and not occupies:
            state["delta"][course.pk] -= 1

    @staticmethod
    def _steps_refusal(existing, status: str, actor) -> str | None:
        """Why the file cannot move this enrolment to `status` through the workflow's steps
        (none leads there, or a step's role or guard refuses), or None."""
        flow = Enrolment.workflow
        steps = flow.path(existing.status, status)
        if steps is None:
            return _("状态不能从“%(old)s”改为“%(new)s”") % {
                "old": flow.state_label(existing.status), "new": flow.state_label(status)}
        for step in steps:
            refusal = workflows.guard_refusal(step, existing, actor)
            if refusal:
                return refusal
        return None

    def finish(self, state) -> list[tuple[int, str, str]]:
        errors = []
        occupied = state["occupied"]
        for pk, delta in state["delta"].items():
            course = state["courses"].get(pk) or state["foreign"][pk]
            final = occupied.get(pk, 0) + delta
            if final > course.capacity:
                over = final - course.capacity
                for line in state["adds"][pk][-over:]:
                    message = _("培训班“%(course)s”已报满（计划 %(n)s 人，按本表将有 %(m)s 人）")
                    errors.append((line, _("身份证号"), message % {
                        "course": course.name, "n": course.capacity, "m": final}))
        return errors

    # --- writing ----------------------------------------------------------------------------
    def write(self, rows: list[ParsedRow], state) -> Outcome:
        actor = state["actor"]
        items, stepped = [], 0
        for row in rows:
            v = row.values
            person, course = v["_person"], v["_course"]
            # found again under the transaction (begin_write): still in reach?
            if person is None or not scoping.in_scope(actor, person.area_code):
                raise changed_since_check(row.line,
                                          _("身份证号对应的人员已不在您的管辖范围内或已停用"))
            if course is None:
                raise changed_since_check(row.line, _("培训班已不在您的管辖范围内"))
            existing = v["_existing"]
            if existing is None and course.pk not in state["courses"]:
                raise changed_since_check(row.line, _(
                    "在您的管辖范围内没有编号为 %(n)s 的培训班") % {"n": course.pk})
            values = v["_values"]
            if existing is None:
                values = {**values, "course": course, "person": person,
                          "area_code": person.area_code}
            else:
                walked = existing.status != values["status"]
                existing = self._walk(existing, values, actor, row.line)
                values = {k: val for k, val in values.items() if k != "status"}
                if walked and all(getattr(existing, k) == val for k, val in values.items()):
                    stepped += 1  # the steps wrote it all
                    continue
            items.append((existing, values))
        outcome = upsert_records(Enrolment, items, actor=actor, fields=EDITABLE)[0]
        outcome.updated += stepped
        return outcome

    @staticmethod
    def _walk(existing, values: dict, actor, line: int):
        """Move an existing enrolment to the file's status through the workflow, one step
        (and one domain event, reason "参训人员名单导入") at a time; the completion step
        records the row's date, days and certificate. New rows are created in their state
        (a back-filled outcome is a fact, not a step anybody took): their history says so."""
        steps = Enrolment.workflow.path(existing.status, values["status"]) or []
        for step in steps:
            payload = {k: values[k] for k in ("completed_on", "days_attended", "certificate")
                       if values.get(k) is not None} if step.name == "complete" else {}
            if isinstance(payload.get("completed_on"), date):
                payload["completed_on"] = payload["completed_on"].isoformat()
            try:
                existing = workflows.transition(actor=actor, obj=existing, name=step.name,
                                                reason=IMPORT_REASON, **payload)
            except (ServiceError, Http404) as exc:
                raise changed_since_check(line, getattr(exc, "message", str(exc))) from exc
        return existing

    def finalize(self, state) -> None:
        """The file was checked against the places taken when it was read; someone may have
        enrolled people since. In the import's transaction, with the courses locked as the
        enrolment service locks them, count again: over capacity, nothing is written."""
        grown = sorted(pk for pk, delta in state["delta"].items() if delta > 0)
        if not grown:
            return
        courses = {c.pk: c for c in Course.objects.select_for_update().filter(pk__in=grown)}
        taken = dict(Enrolment.objects.active().filter(
            course_id__in=grown, status__in=rules.OCCUPYING).order_by()
            .values_list("course").annotate(n=Count("pk")))
        for pk, course in sorted(courses.items()):
            if taken.get(pk, 0) > course.capacity:
                raise TabularError(_(
                    "培训班“%(course)s”在导入期间有人报名，按本表将有 %(m)s 人，超过计划 %(n)s 人。"
                    "未写入任何数据，请核对后重新导入。") % {
                        "course": course.name, "m": taken[pk], "n": course.capacity})

    # --- export -----------------------------------------------------------------------------
    def export_ordering(self, queryset):
        return queryset.select_related("course", "person").order_by(
            "course__start_date", "course_id", "area_code", "person__name", "pk")

    def export_rows(self, queryset, *, reveal: bool):
        names = _area_names()
        for e in queryset.iterator(chunk_size=2000):
            p = e.person
            values = {"course_id": e.course_id, "course_name": e.course.name, "name": p.name,
                      "id_number": personal.export_value(p, "id_number", reveal=reveal),
                      "village": names.get(e.area_code, ""), "area_code": e.area_code}
            for field in PROGRESS:
                values[field] = getattr(e, field)
            yield [col.format(values.get(col.key)) for col in self.columns]

    def can_reveal(self, user) -> bool:
        return personal.can_see_personal(user)


# ==========================================================================================
# Courses

KIND_SYNONYMS = {"劳务品牌": "劳务品牌培训", "职业技能": "职业技能培训",
                 "技能培训": "职业技能培训", "创业": "创业培训", "实用技术": "农业实用技术培训",
                 "实用技术培训": "农业实用技术培训", "农业实用技术": "农业实用技术培训"}
COURSE_FIELDS = ["area_code", "name", "kind", "provider", "trainer", "start_date", "end_date",
                 "place", "capacity", "subsidy_per_person"]

COURSE_COLUMNS = [
    Col("course_id", "培训班编号", kind="int", synonyms=("培训班ID", "班级编号"), width=12,
        help="新开班留空；修改已有培训班时填写（导出表中已有）"),
    Col("county", "区县", synonyms=COUNTY_SYNONYMS, help="区县名称，可不填；乡镇重名时用于区分"),
    Col("township", "乡镇", synonyms=("组织乡镇", "乡镇（街道）", "乡(镇)", "承办乡镇", "乡镇名称"),
        help="组织培训的乡镇（街道）名称；或只填“区划代码”"),
    Col("area_code", "区划代码", synonyms=("乡镇代码", "乡镇区划代码"), width=14,
        help="组织乡镇的 9 位区划代码；填了它可不填乡镇名称"),
    Col("name", "培训班名称", required=True, synonyms=("班级名称", "培训项目", "培训班"),
        max_length=100, width=28),
    Col("kind", "培训类型", kind="choice", required=True,
        choices=lambda: codes.labels("training_kind"), choice_synonyms=KIND_SYNONYMS),
    Col("provider", "培训机构", required=True, synonyms=("承训机构", "培训单位", "培训学校"),
        max_length=100, width=24),
    Col("trainer", "授课老师", synonyms=("授课教师", "培训老师", "讲师", "教师"), max_length=100),
    Col("start_date", "开班日期", kind="date", required=True,
        synonyms=("开始日期", "开班时间", "培训开始日期", "开课日期")),
    Col("end_date", "结业日期", kind="date", required=True,
        synonyms=("结束日期", "结业时间", "培训结束日期")),
    Col("place", "培训地点", required=True, synonyms=("地点", "培训地址", "上课地点"),
        max_length=200, width=24),
    Col("capacity", "计划人数", kind="int", required=True,
        synonyms=("计划培训人数", "培训人数", "人数", "计划人数（人）")),
    Col("subsidy_per_person", "补贴标准（元/人）", kind="decimal",
        synonyms=("补贴标准", "人均补贴", "补贴（元/人）", "补贴标准(元)"), help="留空为 0"),
]


class CourseImport(ImportSpec):
    name = "courses"
    title = "培训班计划表"
    columns = COURSE_COLUMNS
    model = Course
    instructions = [
        "每行一个培训班。第一行是表头，表头上方可以有标题行；“序号”列会被忽略。",
        "培训班由乡镇组织：填写乡镇名称，或 9 位乡镇区划代码。",
        "新开班“培训班编号”留空；同一乡镇、同名、同一开班日期的培训班视为同一个，重复导入不会重复开班。",
        "修改已有培训班时填写其编号（导出表中已有），可以改名、改期、改人数。",
        "日期可写 2017-03-05、2017/3/5、2017.3.5 或 2017年3月5日；结业日期不能早于开班日期。",
        "计划人数不能少于已报名人数；补贴标准留空为 0。",
        "同一文件重复导入不会产生变化；修改后再导入只更新有改动的行。有任何错误都不会写入。",
    ]

    def start(self, *, actor):
        scope = scoping.user_scope_code(actor)
        visible = Course.objects.visible_to(actor).filter(area_code__startswith=scope or "")
        return {"actor": actor, "townships": township_index(scope or ""),
                "courses": {c.pk: c for c in visible}, "seen": {}, "today": timezone.localdate()}

    def begin_write(self, state) -> None:
        # the courses a row updates, found again under the transaction (DESIGN §1)
        actor = state["actor"]
        scope = scoping.user_scope_code(actor) or ""
        state["courses"] = {c.pk: c for c in Course.objects.visible_to(actor).active()
                            .filter(area_code__startswith=scope)}

    def derive(self, rows: list[ParsedRow], state) -> None:
        for row in rows:
            v = row.values
            code = v.get("area_code")
            area, message = state["townships"].resolve(code=code, county=v.get("county"),
                                                       township=v.get("township"))
            if code and message and rules.township_code_error(code):
                message = rules.township_code_error(code)
            if message:
                row.error(_("乡镇"), message)
            v["area_code"] = area
            v["trainer"] = v.get("trainer") or ""
            if v.get("subsidy_per_person") is None:
                v["subsidy_per_person"] = 0
            v["_course"] = None
            if v.get("course_id") is not None:
                v["_course"] = state["courses"].get(v["course_id"])
                if v["_course"] is None:
                    row.error(_("培训班编号"), _("在您的管辖范围内没有编号为 %(n)s 的培训班")
                              % {"n": v["course_id"]})
        # rows without an ID find their course by township, name and start date, so that a
        # planning sheet imported twice does not open its courses twice
        keys = {self._key(r.values) for r in rows if r.values.get("course_id") is None}
        keys.discard(None)
        if keys:
            q = Q()
            for area, name, start in keys:
                q |= Q(area_code=area, name=name, start_date=start)
            found = {(c.area_code, c.name, c.start_date): c
                     for c in Course.objects.visible_to(state["actor"]).active().filter(q)}
            for row in rows:
                if row.values.get("course_id") is None:
                    row.values["_course"] = found.get(self._key(row.values))

    @staticmethod
    def _key(v: dict):
        if v.get("area_code") and v.get("name") and v.get("start_date"):
            return (v["area_code"], v["name"], v["start_date"])
        return None

    def check(self, rows: list[ParsedRow], state) -> None:
        actor = state["actor"]
        if not can_write(actor, Course):
            for row in rows:
                row.error("", _("您的角色无权导入培训班"))
            return
        ids = [r.values["_course"].pk for r in rows if r.values.get("_course")]
        taken = dict(Enrolment.objects.active().filter(course_id__in=ids,
                                                       status__in=rules.OCCUPYING)
                     .values_list("course_id").annotate(n=Count("pk")))
        longest = dict(Enrolment.objects.active().filter(course_id__in=ids)
                       .values_list("course_id").annotate(n=Max("days_attended")))
        for row in rows:
            v = row.values
            course = v["_course"]
            key = ("id", course.pk) if course else ("key", self._key(v))
            if key[1] is not None:
                first = state["seen"].get(key)
                if first is not None:
                    row.error(_("培训班名称"),
                              _("与第 %(line)s 行是同一个培训班") % {"line": first})
                else:
                    state["seen"][key] = row.line
            error = rules.course_date_error(v.get("start_date"), v.get("end_date"))
            if error:
                row.error(_("结业日期"), error)
            if v.get("capacity") is not None and v["capacity"] < 1:
                row.error(_("计划人数"), _("计划人数至少为 1 人"))
            if v["subsidy_per_person"] < 0:
                row.error(_("补贴标准（元/人）"), _("补贴标准不能为负数"))
            if course is None:
                continue
            if course.retired_at is not None:
                row.error(_("培训班编号"), _("培训班“%(name)s”已停用") % {"name": course.name})
            if v.get("capacity") is not None and v["capacity"] < taken.get(course.pk, 0):
                row.error(_("计划人数"), _("计划人数不能少于已报名人数（%(n)s 人）")
                          % {"n": taken[course.pk]})
            if v.get("start_date") and v.get("end_date") and not error:
                days = (v["end_date"] - v["start_date"]).days + 1
                if (longest.get(course.pk) or 0) > days:
                    row.error(_("结业日期"), _("已有学员出勤 %(n)s 天，培训天数不能少于此数")
                              % {"n": longest[course.pk]})

    def write(self, rows: list[ParsedRow], state) -> Outcome:
        actor = state["actor"]
        items = []
        for row in rows:
            data = {f: row.values.get(f) for f in COURSE_FIELDS}
            if not scoping.in_scope(actor, data["area_code"]):  # never, after validation
                raise changed_since_check(row.line, _("乡镇不在您的管辖范围内"))
            if row.values.get("course_id") is not None and row.values["_course"] is None:
                message = _("编号为 %(n)s 的培训班已停用或不在您的管辖范围内")
                raise changed_since_check(row.line, message % {"n": row.values["course_id"]})
            if row.values["_course"] is None:  # a new course is planned; a past one, ended
                data["status"] = (rules.ENDED if data["end_date"] < state["today"]
                                  else rules.PLANNED)
            items.append((row.values["_course"], data))
        return upsert_records(Course, items, actor=actor, fields=COURSE_FIELDS)[0]

    def export_ordering(self, queryset):
        return queryset.order_by("start_date", "area_code", "pk")

    def export_rows(self, queryset, *, reveal: bool):
        names = _area_names()
        for c in queryset.iterator(chunk_size=2000):
            values = {f: getattr(c, f) for f in COURSE_FIELDS}
            values["course_id"] = c.pk
            values["county"] = names.get(c.area_code[:6], "")
            values["township"] = names.get(c.area_code[:9], "")
            yield [col.format(values.get(col.key)) for col in self.columns]


enrolments_import = register(EnrolmentImport())
courses_import = register(CourseImport())
