"""Import specs of the prescriptions part (through the shared pipeline, core/tabular):

- "missions" (科技扶贫特派团名册): one row per poor village — 区划代码 (村代码), 特派团名称,
  团长 (an expert of the village's county, by name), 成员 (技术员姓名:产业, separated by 、),
  组建日期. Idempotent by village: a village's active mission is updated (name, leader,
  date, members joined or left), a new one formed otherwise.
- "prescriptions" (科技扶贫技术处方): one row per measure, grouped into prescriptions by
  处方编号 when given, else by village + industry + year. A new group makes a draft (or, with
  a 签发日期, a prescription recorded as issued then, signed by the mission's leader); an
  existing draft is updated; an existing issued one must be unchanged (it is never edited).

Both are all-or-nothing (the pipeline) and every write goes through the services."""

from __future__ import annotations

import re

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from fupin.areas.lookup import village_index
from fupin.core import scoping
from fupin.core.errors import ServiceError
from fupin.core.roles import can_write
from fupin.core.tabular.importer import changed_since_check
from fupin.core.tabular.parsers import clean_text
from fupin.core.tabular.spec import Col, ImportSpec, Outcome, register

from .. import missions as mission_services
from .. import prescriptions as rules
from ..models import (
    Expert,
    Industry,
    Measure,
    Mission,
    MissionMember,
    Prescription,
    Technician,
)

AREA_COLUMNS = [
    Col("area_code", "区划代码",
        synonyms=("村代码", "所属区划代码", "村（社区）代码", "行政区划代码"),
        width=16, help="村的 12 位区划代码；也可只填村名"),
    Col("village", "村（社区）", synonyms=("村", "行政村", "村名"), width=16,
        help="可不填；未填区划代码时按村名查找"),
]
MEMBER_SPLIT = re.compile(r"[、,，;；\n]+")
NAME_SPLIT = re.compile(r"[:：]")


def _resolve_village(row, state) -> str | None:
    v = row.values
    code, message = state["villages"].resolve(code=v.get("area_code"), village=v.get("village"))
    if message:
        row.error(_("区划代码"), message)
        return None
    return code


def _by_name(queryset) -> dict[tuple[str, str], list]:
    """{(county, name): [records]} of active experts or technicians."""
    out: dict[tuple[str, str], list] = {}
    for obj in queryset.filter(retired_at__isnull=True):
        out.setdefault((obj.area_code[:6], obj.name), []).append(obj)
    return out


def _industries() -> dict[str, Industry]:
    return {i.name: i for i in Industry.objects.filter(retired_at__isnull=True)}


def parse_members(text: str) -> list[tuple[str, str]]:
    """"张三:茶叶、李四:核桃、王五" → [("张三", "茶叶"), ("李四", "核桃"), ("王五", "")]."""
    out = []
    for part in MEMBER_SPLIT.split(text or ""):
        part = part.strip()
        if not part:
            continue
        name, industry = ([p.strip() for p in NAME_SPLIT.split(part, maxsplit=1)]
                          if NAME_SPLIT.search(part) else [part, ""])
        out.append((name, industry))
    return out


def format_members(members) -> str:
    return "、".join(f"{m.technician.name}:{m.industry.name}" if m.industry_id
                     else m.technician.name for m in members)


# --- missions --------------------------------------------------------------------------------

class MissionImport(ImportSpec):
    name = "missions"
    title = "科技扶贫特派团名册"
    model = Mission
    columns = [
        *AREA_COLUMNS,
        Col("name", "特派团名称", required=True, max_length=100, width=24,
            synonyms=("特派团", "名称")),
        Col("leader", "团长", required=True, max_length=50, synonyms=("团长姓名",),
            help="本县科研院所专家的姓名"),
        Col("members", "成员", width=40,
            synonyms=("成员（技术员姓名:产业，、分隔）", "技术员", "团员", "特派团成员"),
            help="技术员姓名:产业，多人用、分隔，如 张三:茶叶、李四:核桃"),
        Col("formed_on", "组建日期", kind="date", required=True, synonyms=("成立日期",)),
    ]
    instructions = [
        "每行一个贫困村的特派团；按村找到已有的特派团并更新，没有则新组建。重复导入不会产生变化。",
        "团长须为该村所在县（区）的科研院所专家，按姓名查找；技术员须为本县（区）的产业技术员。",
        "成员写作“技术员姓名:产业”，多人用、分隔；名单中没有的现有成员记为退出。",
        "有任何错误都不会写入。",
    ]

    def start(self, *, actor):
        scope = scoping.user_scope_code(actor) or ""
        return {"actor": actor, "villages": village_index(scope), "seen": {},
                "experts": _by_name(Expert.objects.visible_to(actor)),
                "technicians": _by_name(Technician.objects.visible_to(actor)),
                "industries": _industries()}

    def begin_write(self, state) -> None:
        actor = state["actor"]
        state["experts"] = _by_name(Expert.objects.visible_to(actor))
        state["technicians"] = _by_name(Technician.objects.visible_to(actor))
        state["industries"] = _industries()

    def _one(self, row, index, county, name, label, what):
        found = index.get((county, name), [])
        if not found:
            row.error(label, _("本县（区）没有名为“%(name)s”的%(what)s") % {"name": name,
                                                                      "what": what})
            return None
        if len(found) > 1:
            row.error(label, _("本县（区）有多名%(what)s叫“%(name)s”，请在页面中选择")
                      % {"name": name, "what": what})
            return None
        return found[0]

    def derive(self, rows, state) -> None:
        for row in rows:
            v = row.values
            v["_area"] = code = _resolve_village(row, state)
            v["_leader"], v["_members"] = None, []
            if code is None:
                continue
            county = code[:6]
            if v.get("leader"):
                v["_leader"] = self._one(row, state["experts"], county, v["leader"],
                                         _("团长"), _("专家"))
            for name, industry_name in parse_members(v.get("members") or ""):
                technician = self._one(row, state["technicians"], county, name, _("成员"),
                                       _("技术员"))
                industry = None
                if industry_name:
                    industry = state["industries"].get(industry_name)
                    if industry is None:
                        row.error(_("成员"), _("产业“%(name)s”不存在") % {"name": industry_name})
                if technician is not None:
                    v["_members"].append((technician, industry))

    def check(self, rows, state) -> None:
        actor = state["actor"]
        if not can_write(actor, Mission):
            for row in rows:
                row.error("", _("您的角色无权导入特派团"))
            return
        for row in rows:
            v = row.values
            code = v["_area"]
            if code is None:
                continue
            error = mission_services.poor_village_error(code)
            if error:
                row.error(_("区划代码"), error)
            first = state["seen"].get(code)
            if first is not None:
                row.error(_("区划代码"), _("与第 %(line)s 行是同一个村") % {"line": first})
            else:
                state["seen"][code] = row.line
            if v["_leader"] is not None:
                error = mission_services.leader_error(v["_leader"], code)
                if error:
                    row.error(_("团长"), error)
            ids = [t.pk for t, _i in v["_members"]]
            if len(ids) != len(set(ids)):
                row.error(_("成员"), _("同一技术员重复列出"))
            for technician, _industry in v["_members"]:
                error = mission_services.technician_error(technician, code)
                if error:
                    row.error(_("成员"), error)

    def write(self, rows, state) -> Outcome:
        actor = state["actor"]
        outcome = Outcome()
        for row in rows:
            v = row.values
            code = v["_area"]
            if code is None or v["_leader"] is None:
                raise changed_since_check(row.line, _("团长或村已不在您的管辖范围内"))
            try:
                changed = self._write_row(actor, code, v)
            except ServiceError as exc:
                raise changed_since_check(row.line, exc.message) from exc
            if changed == "created":
                outcome.created += 1
            elif changed:
                outcome.updated += 1
            else:
                outcome.unchanged += 1
        return outcome

    def _write_row(self, actor, code, v):
        mission = Mission.objects.visible_to(actor).active().filter(area_code=code).first()
        members = v["_members"]
        if mission is None:
            mission_services.mission_create(actor=actor, area_code=code, name=v["name"],
                                            leader=v["_leader"], formed_on=v["formed_on"],
                                            members=members)
            return "created"
        changed = False
        data = {"name": v["name"], "leader": v["_leader"], "formed_on": v["formed_on"]}
        held = {"name": clean_text(mission.name), "leader": mission.leader,
                "formed_on": mission.formed_on}
        if any(held[k] != val for k, val in data.items()):
            mission = mission_services.mission_update(actor=actor, mission=mission, data=data,
                                                      expected_version=mission.version)
            changed = True
        current = {m.technician_id: m for m in mission.members.filter(left_on__isnull=True)}
        wanted = {t.pk: (t, i) for t, i in members}
        for pk, member in current.items():
            if pk not in wanted or wanted[pk][1] is None and member.industry_id is not None \
                    or wanted[pk][1] is not None and wanted[pk][1].pk != member.industry_id:
                mission_services.mission_member_remove(actor=actor, member=member)
                changed = True
        kept = {pk for pk, m in current.items() if pk in wanted and
                (wanted[pk][1].pk if wanted[pk][1] else None) == m.industry_id}
        for pk, (technician, industry) in wanted.items():
            if pk not in kept:
                mission_services.mission_member_add(actor=actor, mission=mission,
                                                    technician=technician, industry=industry)
                changed = True
        return changed

    def export_ordering(self, queryset):
        members = MissionMember.objects.filter(left_on__isnull=True).select_related(
            "technician", "industry").order_by("joined_on", "pk")
        return queryset.select_related("leader").prefetch_related(
            Prefetch("members", queryset=members, to_attr="active_members")).order_by(
            "area_code", "pk")

    def export_rows(self, queryset, *, reveal: bool):
        names = _village_names(queryset)
        for mission in queryset.iterator(chunk_size=500):
            members = getattr(mission, "active_members", None)
            if members is None:
                members = mission.members.filter(left_on__isnull=True).select_related(
                    "technician", "industry").order_by("joined_on", "pk")
            name = names.get(mission.area_code, "")
            values = {"area_code": mission.area_code, "village": name, "name": mission.name,
                      "leader": mission.leader.name, "members": format_members(members),
                      "formed_on": mission.formed_on}
            yield [col.format(values.get(col.key)) for col in self.columns]


def _village_names(queryset) -> dict[str, str]:
    """{village code: name} of the villages an export's records are in (one query)."""
    from fupin.areas.models import Area

    codes = queryset.order_by().values("area_code")
    return dict(Area.objects.filter(code__in=codes).values_list("code", "name"))


def _ordered(got) -> list[dict]:
    """A group's measures, (order, line, values) each, by 措施序号 then by line; blank rows
    (a prescription exported without measures) dropped."""
    measures = [m for _o, _l, m in sorted(got, key=lambda g: (g[0] or 10**6, g[1]))]
    return [m for m in measures if any(m.values())]


# --- prescriptions ------------------------------------------------------------------------------

MEASURE_KEYS = ("measure", "timing", "inputs", "expected_effect")


class PrescriptionImport(ImportSpec):
    name = "prescriptions"
    title = "科技扶贫技术处方"
    model = Prescription
    columns = [
        Col("number", "处方编号", max_length=30, width=28, synonyms=("编号（处方）",),
            help="修改已有处方时填写（导出表中已有）；新处方留空"),
        *AREA_COLUMNS,
        Col("industry", "产业", required=True, max_length=50, synonyms=("产业名称",)),
        Col("year", "年度", kind="year", required=True, synonyms=("处方年度",)),
        Col("problems", "症状", synonyms=("症状 / 问题", "症状/问题", "问题", "存在问题"),
            width=30, help="同一处方的各行相同，或只在第一行填写"),
        Col("diagnosis", "诊断", synonyms=("诊断结果",), width=30,
            help="同一处方的各行相同，或只在第一行填写"),
        Col("order", "措施序号", kind="int", synonyms=("序号",), value_range=(1, 50)),
        Col("measure", "技术措施", max_length=200, width=30, synonyms=("措施",)),
        Col("timing", "时间", max_length=100, synonyms=("时节", "时间 / 时节", "时间/时节")),
        Col("inputs", "投入品及用量", max_length=300, width=24,
            synonyms=("投入品", "投入品和用量", "用量")),
        Col("expected_effect", "预期效果", max_length=300, width=24, synonyms=("效果",)),
        Col("issued_on", "签发日期", kind="date",
            help="可不填（导入为草稿）；填写时新处方记为当日已签发，由特派团团长签名"),
    ]
    instructions = [
        "每行一条技术措施；同一处方编号，或同一村、产业、年度的各行是一张处方，按措施序号排列。",
        "该村须已组建科技扶贫特派团。新处方导入为草稿；填写签发日期时记为已签发。",
        "已签发的处方不能修改：导入内容须与原处方一致，如需调整请新建处方并停用原处方。",
        "同一文件重复导入不会产生变化；有任何错误都不会写入。",
    ]

    def start(self, *, actor):
        scope = scoping.user_scope_code(actor) or ""
        return {"actor": actor, "villages": village_index(scope),
                "industries": _industries(), "groups": {}, "rows": {}}

    def derive(self, rows, state) -> None:
        for row in rows:
            v = row.values
            v["_area"] = _resolve_village(row, state)
            v["_industry"] = None
            if v.get("industry"):
                v["_industry"] = state["industries"].get(v["industry"])
                if v["_industry"] is None:
                    row.error(_("产业"), _("产业“%(name)s”不存在或已停用")
                              % {"name": v["industry"]})
            number = (v.get("number") or "").strip()
            v["_key"] = ("number", number) if number else \
                ("group", v["_area"], v["_industry"].pk if v["_industry"] else None,
                 v.get("year"))

    def check(self, rows, state) -> None:
        actor = state["actor"]
        if not can_write(actor, Prescription):
            for row in rows:
                row.error("", _("您的角色无权导入处方"))
            return
        for row in rows:
            v = row.values
            if v["_area"] is None or v["_industry"] is None or v.get("year") is None:
                continue
            if any(v.get(k) for k in ("timing", "inputs", "expected_effect")) \
                    and not v.get("measure"):
                row.error(_("技术措施"), _("请填写技术措施"))
            group = state["groups"].setdefault(v["_key"], {
                "lines": [], "area": v["_area"], "industry": v["_industry"],
                "year": v["year"], "number": (v.get("number") or "").strip(),
                "problems": "", "diagnosis": "", "issued_on": None, "orders": set(),
                "n_measures": 0, "measures": []})
            group["lines"].append(row.line)
            for key in ("area", "year"):
                if group[key] != {"area": v["_area"], "year": v["year"]}[key]:
                    row.error(_("处方编号"), _("同一处方编号的各行村、产业、年度须相同"))
            if group["industry"].pk != v["_industry"].pk:
                row.error(_("处方编号"), _("同一处方编号的各行村、产业、年度须相同"))
            for key, label in (("problems", _("症状")), ("diagnosis", _("诊断"))):
                text = (v.get(key) or "").strip()
                if text and group[key] and text != group[key]:
                    row.error(label, _("与同一处方前面各行的内容不同"))
                elif text:
                    group[key] = text
            if v.get("issued_on"):
                if group["issued_on"] and group["issued_on"] != v["issued_on"]:
                    row.error(_("签发日期"), _("与同一处方前面各行的内容不同"))
                group["issued_on"] = v["issued_on"]
            if v.get("measure"):
                group["n_measures"] += 1
            group["measures"].append((v.get("order"), row.line, {
                "name": v.get("measure") or "", "timing": v.get("timing") or "",
                "inputs": v.get("inputs") or "",
                "expected_effect": v.get("expected_effect") or ""}))
            if v.get("order") is not None:
                if v["order"] in group["orders"]:
                    row.error(_("措施序号"), _("同一处方中措施序号重复"))
                group["orders"].add(v["order"])

    def finish(self, state) -> list[tuple[int, str, str]]:
        errors = []
        actor = state["actor"]
        for group in state["groups"].values():
            line = group["lines"][0]
            if not group["problems"]:
                errors.append((line, _("症状"), _("处方缺少症状 / 问题")))
            if not group["diagnosis"]:
                errors.append((line, _("诊断"), _("处方缺少诊断")))
            if group["issued_on"] and not group["n_measures"]:
                errors.append((line, _("签发日期"), _("处方至少要有一条技术措施才能签发")))
            mission = Mission.objects.visible_to(actor).active().filter(
                area_code=group["area"]).first()
            if mission is None:
                errors.append((line, _("区划代码"), _("该村还没有科技扶贫特派团，请先组建特派团")))
                continue
            if not (rules.is_manager(actor) or rules.is_leader(actor, mission)):
                errors.append((line, "", _("只有特派团团长或县级经办人员可以导入该村的处方")))
                continue
            existing, message = self._existing(actor, group)
            if message:
                errors.append((line, _("处方编号"), message))
            elif existing is not None and existing.status != Prescription.Status.DRAFT \
                    and not self._same(existing, group, _ordered(group["measures"])):
                errors.append((line, _("处方编号"), _(
                    "处方“%(n)s”已签发，不能修改；如需调整，请新建处方并停用原处方")
                    % {"n": existing.number}))
        return errors

    @staticmethod
    def _same(existing, group, measures) -> bool:
        """Whether the file says what the prescription holds, read as the file's cells are
        (NFKC, whitespace runs as one space: "，" and a line break read alike)."""
        current = [{k: clean_text(getattr(m, k)) for k in rules.MEASURE_FIELDS}
                   for m in existing.measures.order_by("order", "pk")]
        return (clean_text(existing.problems), clean_text(existing.diagnosis), current) == \
            (group["problems"], group["diagnosis"], measures)

    @staticmethod
    def _existing(actor, group):
        qs = Prescription.objects.visible_to(actor).active()
        if group["number"]:
            found = qs.filter(number=group["number"]).first()
            if found is None:
                return None, _("在您的管辖范围内没有在用的处方“%(n)s”") % {"n": group["number"]}
            if (found.area_code, found.industry_id, found.year) != \
                    (group["area"], group["industry"].pk, group["year"]):
                return None, _("处方“%(n)s”的村、产业或年度与此不符") % {"n": group["number"]}
            return found, None
        found = list(qs.filter(area_code=group["area"], industry=group["industry"],
                               year=group["year"])[:2])
        if len(found) > 1:
            return None, _("该村该产业该年度已有多张处方，请填写处方编号")
        return (found[0] if found else None), None

    def write(self, rows, state) -> Outcome:
        outcome = Outcome()
        for row in rows:
            v = row.values
            group = state["groups"][v["_key"]]
            got = state["rows"].setdefault(v["_key"], [])
            got.append((v.get("order"), row.line, {
                "name": v.get("measure") or "", "timing": v.get("timing") or "",
                "inputs": v.get("inputs") or "",
                "expected_effect": v.get("expected_effect") or ""}))
            if len(got) == len(group["lines"]):  # the group's last row: write it
                result = self._write_group(state, group, got, row.line)
                if result == "created":
                    outcome.created += 1
                elif result:
                    outcome.updated += 1
                else:
                    outcome.unchanged += 1
        return outcome

    def _write_group(self, state, group, got, line):
        actor = state["actor"]
        measures = _ordered(got)
        existing, message = self._existing(actor, group)
        if message:
            raise changed_since_check(line, message)
        try:
            if existing is None:
                return self._create(actor, group, measures, line)
            if self._same(existing, group, measures):
                return False
            if existing.status != Prescription.Status.DRAFT:
                raise ServiceError(_(
                    "处方“%(n)s”已签发，不能修改；如需调整，请新建处方并停用原处方")
                    % {"n": existing.number})
            rules.prescription_update(actor=actor, prescription=existing, data={
                "problems": group["problems"], "diagnosis": group["diagnosis"]},
                measures=measures, expected_version=existing.version)
            return True
        except ServiceError as exc:
            raise changed_since_check(line, exc.message) from exc

    def _create(self, actor, group, measures, line):
        rules.prescription_create(
            actor=actor, area_code=group["area"], industry=group["industry"],
            year=group["year"], problems=group["problems"], diagnosis=group["diagnosis"],
            measures=measures, issued_on=group["issued_on"])
        return "created"

    def export_ordering(self, queryset):
        return queryset.select_related("industry").prefetch_related(
            Prefetch("measures", queryset=Measure.objects.order_by("order", "pk"),
                     to_attr="ordered_measures")).order_by("area_code", "industry_id",
                                                           "year", "pk")

    def export_rows(self, queryset, *, reveal: bool):
        names = _village_names(queryset)
        for p in queryset.iterator(chunk_size=500):
            name = names.get(p.area_code, "")
            base = {"number": p.number, "area_code": p.area_code, "village": name,
                    "industry": p.industry.name, "year": p.year, "problems": p.problems,
                    "diagnosis": p.diagnosis, "issued_on": p.issued_on}
            measures = getattr(p, "ordered_measures", None)
            if measures is None:
                measures = list(p.measures.order_by("order", "pk"))
            measures = measures or [None]
            for i, m in enumerate(measures, start=1):
                values = dict(base)
                if m is not None:
                    values.update({"order": i, "measure": m.name, "timing": m.timing,
                                   "inputs": m.inputs, "expected_effect": m.expected_effect})
                yield [col.format(values.get(col.key)) for col in self.columns]


missions_import = register(MissionImport())
prescriptions_import = register(PrescriptionImport())
