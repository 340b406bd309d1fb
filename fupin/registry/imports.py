"""The person roster (贫困劳动力实名制登记表) as an import spec: template, import, export.

One row per person. A household is identified by its 户编号 or, where the roster has none, by
its head's ID number; household attributes (识别年度, 致贫原因 …) come from any of its rows.
The area is a 12-digit village code or the (county,) township and village names that real
rosters carry, resolved within the uploader's scope by the shared look-up (areas/lookup.py).
A row reaches only records inside the uploader's scope, and active ones: the person it updates
and the household it joins (by number or by its head's ID number) — checked while validating
and again under the write transaction (DESIGN §1).
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.areas.lookup import COUNTY_SYNONYMS, village_index
from fupin.areas.models import Area
from fupin.core import codes, crypto, personal, scoping
from fupin.core.roles import can_write
from fupin.core.tabular import importer, parsers
from fupin.core.tabular.spec import Col, ImportSpec, Outcome, ParsedRow, register

from .identity import IdNumberError, parse_id_number
from .models import Household, NationalReport, Person
from .services import HEAD, national_report_working, person_prepare

HOUSEHOLD_FIELDS = ["identified_year", "household_kind", "poverty_status", "exit_year",
                    "poverty_cause", "hamlet", "national_size", "income_per_capita",
                    "national_reported_on"]
PERSON_FIELDS = ["name", "relation", "ethnicity", "national_number", "education", "schooling",
                 "health", "labour_capacity", "skills", "bank_name", "wants_training",
                 "training_wish", "wants_work", "work_place_wish", "industry_wish",
                 "expected_wage"]
# What the national system reports about a person's work (DESIGN §2): kept as its report
# (NationalReport), beside the status the five lists derive, never in place of it.
REPORT_FIELDS = ["work_status", "work_months", "work_location", "employer_name", "post_kind",
                 "post_months", "job_channel"]
PROTECTED_FIELDS = ["id_number", "phone", "bank_account"]


def _code(name):
    return lambda: codes.labels(name)


COLUMNS = [
    Col("county", "区县", synonyms=COUNTY_SYNONYMS, help="区县名称，可不填；村名重名时用于区分"),
    Col("township", "乡镇", synonyms=("乡镇（街道）", "乡(镇)", "乡镇名称", "所在乡镇", "镇乡",
                                       "街道", "乡"), help="乡镇（街道）名称；或只填“区划代码”"),
    Col("village", "村", synonyms=("村（社区）", "行政村", "村名", "所在村", "村社区", "社区"),
        help="村（社区）名称"),
    Col("area_code", "区划代码", synonyms=("村代码", "行政区划代码", "村级区划代码"),
        help="12 位村级区划代码；填了它可不填乡镇和村名", width=16),
    Col("hamlet", "自然村", synonyms=("自然村（组）", "村民小组", "组"), max_length=100),
    Col("household_number", "户编号", synonyms=("户号", "家庭编号", "贫困户编号"), width=18,
        help="可留空：同一户按“户主身份证号”归户，新户自动编号"),
    Col("head_id_number", "户主身份证号", kind="id_number",
        synonyms=("户主身份证号码", "户主证件号码", "户主公民身份号码"), width=22),
    Col("head_name", "户主姓名", synonyms=("户主",), help="仅供核对"),
    Col("national_number", "人编号", synonyms=("人口编号", "人员编号", "成员编号"), width=22,
        max_length=30, help="全国扶贫开发信息系统（防返贫监测信息系统）的人员编号"),
    Col("name", "姓名", required=True, synonyms=("成员姓名", "劳动力姓名"), max_length=50),
    Col("id_number", "身份证号", kind="id_number", required=True, width=22,
        synonyms=("身份证号码", "公民身份号码", "证件号码", "身份证", "身份证件号码")),
    Col("relation", "与户主关系", required=True, synonyms=("关系",),
        help="户主、配偶、之子、之女……；“子女”按身份证性别归为之子/之女"),
    Col("gender", "性别", help="由身份证号得出；填写时须与身份证一致"),
    Col("ethnicity", "民族", kind="choice", choices=_code("ethnicity"),
        choice_synonyms=codes.SYNONYMS["ethnicity"]),
    Col("education", "文化程度", kind="choice", choices=_code("education"),
        choice_synonyms=codes.SYNONYMS["education"]),
    Col("schooling", "在校生状况", kind="choice", choices=_code("schooling"),
        synonyms=("在校生情况", "是否在校生")),
    Col("health", "健康状况", kind="choice", choices=_code("health"),
        choice_synonyms=codes.SYNONYMS["health"]),
    Col("labour_capacity", "劳动技能", kind="choice", required=True,
        choices=_code("labour_capacity"), choice_synonyms=codes.SYNONYMS["labour_capacity"],
        synonyms=("劳动能力", "劳动力状况")),
    Col("skills", "技能特长", synonyms=("技能", "特长"), max_length=200),
    Col("phone", "联系电话", kind="phone", synonyms=("手机号", "手机号码", "电话", "联系方式"),
        width=16),
    Col("bank_name", "开户银行", synonyms=("开户行",), max_length=100),
    Col("bank_account", "银行账号", kind="bank_account",
        synonyms=("银行卡号", "账号", "一卡通账号", "社保卡号"), width=24),
    Col("identified_year", "识别年度", kind="year", synonyms=("识别年份", "识别时间")),
    Col("household_kind", "贫困户属性", kind="choice", choices=_code("household_kind"),
        choice_synonyms=codes.SYNONYMS["household_kind"], synonyms=("户属性",)),
    Col("poverty_status", "脱贫状态", kind="choice", choices=_code("poverty_status"),
        choice_synonyms=codes.SYNONYMS["poverty_status"], synonyms=("脱贫属性", "贫困户状态")),
    Col("exit_year", "脱贫年度", kind="year", synonyms=("脱贫年份", "脱贫时间")),
    Col("poverty_cause", "主要致贫原因", kind="choice", choices=_code("poverty_cause"),
        choice_synonyms=codes.SYNONYMS["poverty_cause"], synonyms=("致贫原因",)),
    Col("national_size", "人数", kind="int", value_range=(0, 99),
        synonyms=("家庭人口数", "家庭人数", "户人数"),
        help="国办系统的家庭人数（与在册成员数比对）"),
    Col("income_per_capita", "人均纯收入", kind="decimal",
        synonyms=("人均纯收入（元）", "家庭人均纯收入", "人均纯收入(元)")),
    Col("wants_training", "培训意愿", kind="bool", synonyms=("是否有培训意愿", "是否愿意培训")),
    Col("training_wish", "培训意向", kind="choice", choices=_code("training_kind"),
        synonyms=("意向培训类型", "培训类型")),
    Col("wants_work", "就业意愿", kind="bool", synonyms=("是否有就业意愿", "是否愿意务工",
                                                      "务工意愿")),
    Col("work_place_wish", "意向务工地点", kind="choice", choices=_code("work_place"),
        choice_synonyms=codes.SYNONYMS["work_place"], synonyms=("意向就业地点",)),
    Col("industry_wish", "意向行业", synonyms=("意向工种", "意向就业行业"), max_length=100),
    Col("expected_wage", "期望月收入", kind="int", synonyms=("期望月收入（元）", "期望工资")),
    # --- what the national system reports (DESIGN §2): stored as its report, dated ------
    Col("work_status", "务工状况", kind="choice", choices=_code("work_status"),
        choice_synonyms=codes.SYNONYMS["work_status"], synonyms=("务工情况",),
        help="国办系统报告的务工状况：省外务工、县外省内务工、县内务工、未务工……"),
    Col("work_months", "务工时间（月）", kind="int", value_range=(0, 600),
        synonyms=("务工时间", "务工月数")),
    Col("work_location", "务工所在地", synonyms=("务工地点（国办）", "务工地"), max_length=200),
    Col("employer_name", "务工企业名称", synonyms=("务工单位", "务工单位名称"), max_length=200),
    Col("post_kind", "公益性岗位类型", max_length=100),
    Col("post_months", "公益性岗位(月数)", kind="int", value_range=(0, 600),
        synonyms=("公益性岗位月数",)),
    Col("job_channel", "就业渠道", max_length=100),
    Col("reported_on", "报告日期", kind="date", synonyms=("国办系统报告日期",),
        help="国办系统数据的日期；留空则为导入时指定的文件日期（默认导入当天）"),
]


class _Household:
    """What the rows of a file say about one household: the first row's line and village,
    its number, the lines of its heads, and its attributes (HOUSEHOLD_FIELDS, the first
    value given wins). Slots and a list: a file of a million people has 300,000 of these."""

    __slots__ = ("line", "area", "number", "heads", "values")

    def __init__(self, line: int, area: str | None, number: str | None):
        self.line, self.area, self.number = line, area, number
        self.heads: list[int] = []
        self.values: list | None = None

    def take_attrs(self, v: dict) -> None:
        for i, field in enumerate(HOUSEHOLD_FIELDS):
            value = v.get(field)
            if value is not None and value != "":
                if self.values is None:
                    self.values = [None] * len(HOUSEHOLD_FIELDS)
                if self.values[i] is None or (i == _NATIONAL_DAY and value > self.values[i]):
                    # the household's national date: the latest report of its members
                    self.values[i] = value

    def attrs(self) -> dict:
        return {field: value for field, value in zip(HOUSEHOLD_FIELDS, self.values or (),
                                                     strict=False) if value is not None}


def _slices(items: list, size: int):
    """Consecutive parts of a list: IN (…) lists stay within SQLite's 32,766 parameters."""
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _heads(household_ids: list[int]) -> dict[int, int]:
    """household pk → pk of its active member whose relation is 户主."""
    return dict(Person.objects.filter(household_id__in=household_ids, relation=HEAD,
                                      retired_at__isnull=True)
                .values_list("household_id", "pk"))


def _relation(value: str | None, gender: str | None) -> str:
    text = parsers.clean_text(value or "")
    if text in codes.GENDERED_CHILD:
        text = "之子" if gender == "M" else "之女"
    return parsers.parse_choice(text, codes.labels("relation"), codes.SYNONYMS["relation"])


def _existing_households(keys: list[str]) -> dict[str, tuple[Household, Person | None]]:
    """The households already in the database that these household keys name (wherever they
    are: the caller decides whether the actor may reach them), with the head found by ID."""
    found: dict[str, tuple[Household, Person | None]] = {}
    by_number = [k[2:] for k in keys if k.startswith("N:")]
    by_head = [k[2:] for k in keys if k.startswith("H:")]
    for part in _slices(by_number, 5000):
        for h in Household.objects.filter(number__in=part):
            found["N:" + h.number] = (h, None)
    for part in _slices(by_head, 5000):
        for p in Person.objects.filter(id_number_hash__in=part, relation=HEAD) \
                .select_related("household") \
                .order_by(F("retired_at").asc(nulls_first=True), "pk"):
            found.setdefault("H:" + p.id_number_hash, (p.household, p))
    return found


def _household_refusal(actor, key: str, household: Household, head: Person | None):
    """(column, message) when a row may not join this household, else None."""
    if key.startswith("N:"):
        label = _("户编号")
        if not scoping.in_scope(actor, household.area_code):
            return label, _("户编号“%(n)s”属于您管辖范围以外的地区") % {"n": household.number}
    else:
        label = _("户主身份证号")
        if not scoping.in_scope(actor, household.area_code):
            return label, _("该户主身份证号是您管辖范围以外地区的户主，不能在此归户")
    if household.retired_at is not None:
        # DESIGN §7: retired, not deleted — a retired household gets no live members back
        # unless someone restores it on purpose
        return label, _("贫困户“%(n)s”已停用，须先在贫困户页面恢复该户，才能导入其成员") % {
            "n": household.number}
    if head is not None and head.retired_at is not None:
        return label, _("户主“%(name)s”已停用，不能按其身份证号归户") % {"name": head.name}
    return None


def _person_refusal(actor, person: Person) -> str | None:
    """Why a row may not update this registered person, or None."""
    if not scoping.in_scope(actor, person.area_code):
        return _("该身份证号已在其他地区登记，请联系上级经办核实")
    if person.retired_at is not None:
        return _("%(name)s 的登记已停用，须先在人员页面恢复，才能导入修改") % {"name": person.name}
    return None


_NATIONAL_DAY = HOUSEHOLD_FIELDS.index("national_reported_on")
# the household fields that only a national file gives, with its date
NATIONAL_HOUSEHOLD_FIELDS = ("national_size", "income_per_capita", "national_reported_on")


def _report_values(v: dict) -> dict:
    """A row's national report, in NationalReport's fields."""
    values = {"listed": True}
    for key in REPORT_FIELDS:
        value = v.get(key)
        if value is None and NationalReport._meta.get_field(key).null is False:
            value = ""
        values[key] = value
    values["working"] = national_report_working(values)
    return values


class PersonImport(ImportSpec):
    name = "persons"
    title = "贫困劳动力实名制登记表"
    columns = COLUMNS
    model = Person
    # the file's date: the day its national reports (务工状况 …) speak of
    dated = True

    @property
    def template_columns(self):
        """What the national system reports is its own, never typed into our template."""
        national = {*REPORT_FIELDS, "reported_on"}  # the last columns: rows stay aligned
        return [c for c in self.columns if c.key not in national]
    instructions = [
        "每行一人。第一行是表头，表头上方可以有标题行；“序号”列会被忽略。",
        "同一户的成员填写相同的“户编号”，或相同的“户主身份证号”；每户有且只有一位户主。",
        "身份证号、联系电话、银行账号列已设为文本格式，请勿改为数字（否则末几位会丢失）。",
        "日期可写 2017-03-05、2017/3/5、2017.3.5 或 2017年3月5日。",
        "带下拉框的列请从下拉选项中选择。",
        "导入时先校验全部行，有任何错误都不会写入；同一文件重复导入不会产生变化。",
    ]

    # --- validation ---------------------------------------------------------------------
    def start(self, *, actor, as_of=None):
        scope = scoping.user_scope_code(actor)
        # a date given for the file (the command's --report-date) re-dates its reports; the
        # import's day only dates what is new or changed (the same file again changes nothing)
        return {"actor": actor, "villages": village_index(scope or ""), "seen": {},
                "households": {}, "numbers": {}, "as_of": as_of or timezone.localdate(),
                "as_of_given": as_of is not None, "listed": set()}

    def derive(self, rows: list[ParsedRow], state) -> None:
        for row in rows:
            self._derive_row(row, state)

    def check(self, rows: list[ParsedRow], state) -> None:
        actor = state["actor"]
        if not can_write(actor, Person):
            for row in rows:
                row.error("", _("您的角色无权导入登记数据"))
            return
        for row in rows:
            self._check_row(row, state)
        # against the database (DESIGN §1: an import changes nothing outside the scope,
        # including what a row reaches through another record): the person a row updates,
        # and the household it joins by number or by its head's ID number
        hashes = defaultdict(list)
        for row in rows:
            if row.values.get("_hash"):
                hashes[row.values["_hash"]].append(row)
        for person in Person.objects.filter(id_number_hash__in=list(hashes)).only(
                "pk", "id_number_hash", "area_code", "retired_at", "name"):
            message = _person_refusal(actor, person)
            if message:
                for row in hashes[person.id_number_hash]:
                    row.error(_("身份证号"), message)
        keys = list(dict.fromkeys(k for r in rows if (k := r.values.get("_key"))))
        found = _existing_households(keys)
        refusals = {key: _household_refusal(actor, key, *found[key]) for key in found}
        for row in rows:
            refusal = refusals.get(row.values.get("_key"))
            if refusal:
                row.error(*refusal)

    def _derive_row(self, row: ParsedRow, state) -> None:
        """Identity, relation code, village and household key of one row."""
        v = row.values
        identity = None
        if v.get("id_number"):
            try:
                identity = parse_id_number(v["id_number"])
            except IdNumberError as exc:
                row.error(_("身份证号"), exc.message)
        v["_identity"] = identity
        if identity is not None:
            v["id_number"] = identity.number
            v["_hash"] = crypto.blind_index(identity.number)
        if "relation" in v and v["relation"] is not None:
            try:
                v["relation"] = _relation(v["relation"], identity.gender if identity else None)
            except parsers.CellError as exc:
                row.error(_("与户主关系"), exc.message)
                v["relation"] = None
        area, message = state["villages"].resolve(
            code=v.get("area_code"), county=v.get("county"), township=v.get("township"),
            village=v.get("village"))
        if message:
            row.error(_("村"), message)
        v["_area"] = area
        v["_key"] = self._household_key(v, state)
        # A file with the national system's work columns (务工状况 …) is a national file: each
        # of its rows is the system's report of that person as of the file's date (DESIGN §2),
        # blank cells included. Decided by the columns, never by a row's content (a roster
        # that only carries 人编号 is no report). The product's own export also has 报告日期:
        # there a row carries a report only where that date is filled.
        if "reported_on" in v:
            v["_report"] = bool(v["reported_on"])
        else:
            v["_report"] = any(k in v for k in REPORT_FIELDS)
        v["_dated"] = bool(v.get("reported_on")) or state["as_of_given"]
        if v["_report"]:
            day = v.get("reported_on") or state["as_of"]
            if day > timezone.localdate():
                row.error(_("报告日期"), _("报告日期不能晚于今天"))
            v["reported_on"] = day
            v["national_reported_on"] = day

    def _check_row(self, row: ParsedRow, state) -> None:
        v = row.values
        identity = v["_identity"]
        area = v["_area"]
        if identity is not None:
            # keyed by the number itself: the table already holds that string, so a
            # million-row file adds no million hashes to memory
            first = state["seen"].get(identity.number)
            if first is not None:
                row.error(_("身份证号"), _("与第 %(line)s 行重复") % {"line": first})
            else:
                state["seen"][identity.number] = row.line
            gender = parsers.clean_text(v.get("gender") or "")
            if gender and gender not in ("男", "女"):
                row.error(_("性别"), _("性别应为“男”或“女”"))
            elif gender and ("M" if gender == "男" else "F") != identity.gender:
                row.error(_("性别"), _("与身份证号不符（身份证为%(g)s）")
                          % {"g": "男" if identity.gender == "M" else "女"})
        key = v["_key"]
        if key is None:
            row.error(_("户主身份证号"), _("请填写户编号或户主身份证号，以便归户"))
            return
        hh = state["households"].get(key)
        if hh is None:
            hh = state["households"][key] = _Household(row.line, area,
                                                       v.get("household_number"))
        if area and hh.area and hh.area != area:
            row.error(_("村"), _("同一户的成员须在同一个村（见第 %(line)s 行）")
                      % {"line": hh.line})
        if v.get("relation") == HEAD:
            hh.heads.append(row.line)
        if v.get("head_id_number") and identity and v["relation"] == HEAD \
                and v["head_id_number"] != identity.number:
            row.error(_("户主身份证号"), _("户主本人的“户主身份证号”应与其身份证号一致"))
        hh.take_attrs(v)

    @staticmethod
    def _household_key(v: dict, state) -> str | None:
        if v.get("household_number"):
            return "N:" + v["household_number"]
        head = v.get("head_id_number")
        if head:
            # A household's rows follow each other: its head's hash is worked out once.
            last = state.get("last_head")
            if last is None or last[0] != head:
                last = state["last_head"] = (head, crypto.blind_index(head))
            return "H:" + last[1]
        if v.get("relation") == HEAD and v.get("_hash"):
            return "H:" + v["_hash"]
        return None

    def finish(self, state) -> list[tuple[int, str, str]]:
        errors = []
        # only households without a head in the file need one in the database
        db_heads = self._households_with_db_head(
            [key for key, hh in state["households"].items() if not hh.heads])
        for key, hh in state["households"].items():
            if len(hh.heads) > 1:
                for line in hh.heads[1:]:
                    errors.append((line, _("与户主关系"),
                                   _("同一户只能有一位户主（第 %(line)s 行已是户主）")
                                   % {"line": hh.heads[0]}))
            elif not hh.heads and key not in db_heads:
                errors.append((hh.line, _("与户主关系"),
                               _("这一户没有户主：请在同户成员中填写一位“户主”")))
        return errors

    @staticmethod
    def _households_with_db_head(keys: list[str]) -> set[str]:
        numbers = [k[2:] for k in keys if k.startswith("N:")]
        heads = [k[2:] for k in keys if k.startswith("H:")]
        found = set()
        for part in _slices(numbers, 5000):
            found |= {"N:" + n for n in Household.objects.filter(
                number__in=part, head__isnull=False).values_list("number", flat=True)}
        for part in _slices(heads, 5000):
            found |= {"H:" + h for h in Person.objects.filter(
                id_number_hash__in=part, relation=HEAD).values_list("id_number_hash",
                                                                    flat=True)}
        return found

    # --- writing ------------------------------------------------------------------------
    def write(self, rows: list[ParsedRow], state) -> Outcome:
        # One timestamp for the whole import: records, history and households agree.
        now = state.setdefault("now", timezone.now())
        people = self._writer(state, Person)
        households = self._households_for(rows, state)
        existing = {p.id_number_hash: p for p in Person.objects.filter(
            id_number_hash__in=[r.values["_hash"] for r in rows])}
        new, changed, outcome = [], [], Outcome()
        for row in rows:  # the scope again, under the transaction (validation was earlier)
            person = existing.get(row.values["_hash"])
            message = _person_refusal(state["actor"], person) if person else None
            if message:
                raise importer.changed_since_check(row.line, message)
        reported: list[tuple[Person, dict, bool]] = []  # (person, row values, unchanged)
        make = state.setdefault("make_person", importer.instance_factory(Person))
        for row in rows:
            v = row.values
            household_id, area_code, _number = households[v["_key"]]
            data = {k: "" if (val := v[k]) is None and k not in NULLABLE else val
                    for k in PERSON_FIELDS if k in v}
            data["household_id"] = household_id
            data["area_code"] = area_code
            protected = {f: (v.get(f) or "") for f in PROTECTED_FIELDS if f in v}
            person = existing.get(v["_hash"])
            if person is None:
                person = make(created_at=now, updated_at=now)
                person_prepare(person, data=data, protected=protected)
                new.append(person)
                outcome.created += 1
            elif person_prepare(person, data=data, protected=protected):
                person.version += 1
                person.updated_at = now
                changed.append(person)
                outcome.updated += 1
            else:
                outcome.unchanged += 1
                if v["_report"]:
                    reported.append((person, v, True))
                continue
            if v["_report"]:
                reported.append((person, v, False))
        people.create(new, when=now)
        people.update(changed, UPDATE_FIELDS, when=now)
        from fupin.core.listeners import people_changed

        people_changed.fire(person_ids=Person.objects.filter(
            id_number_hash__in=[p.id_number_hash for p in [*new, *changed]]
        ).values_list("pk", flat=True), actor=state["actor"])
        # a person unchanged but reported anew counts as updated
        moved = self._write_reports(reported, state)
        outcome.unchanged -= moved
        outcome.updated += moved
        return outcome

    def _write_reports(self, reported: list[tuple[Person, dict, bool]], state) -> int:
        """Each reported person's NationalReport: created, or replaced by a report of the
        same day or a later one (an older file leaves a newer report alone). A report that
        says something else clears an 'outdated' mark; the same report changes nothing.
        Returns how many otherwise unchanged people had their report written."""
        if not reported:
            return 0
        now = state["now"]
        writer = self._writer(state, NationalReport)
        make = state.setdefault("make_report", importer.instance_factory(NationalReport))
        stored = {r.person_id: r for r in NationalReport.objects.filter(
            person_id__in=[p.pk for p, _v, _same in reported if p.pk])}
        new, changed, moved = [], [], 0
        for person, v, unchanged in reported:
            values = _report_values(v)
            day = v["reported_on"]
            report = stored.get(person.pk)
            if person.pk:
                state["listed"].add(person.pk)
            if report is None:
                new.append(make(person_id=person.pk, area_code=person.area_code,
                                reported_on=day, created_at=now, updated_at=now, **values))
                moved += unchanged
                continue
            if report.reported_on > day:
                continue
            content = any(getattr(report, k) != values[k] for k in NationalReport.CONTENT)
            if not content and report.area_code == person.area_code \
                    and (report.reported_on == day or not v["_dated"]):
                continue
            for k, value in values.items():
                setattr(report, k, value)
            report.reported_on, report.area_code = day, person.area_code
            if content:
                report.outdated_at, report.outdated_reason = None, ""
            report.version += 1
            report.updated_at = now
            changed.append(report)
            moved += unchanged
        writer.create(new, when=now)
        writer.update(changed, REPORT_UPDATE_FIELDS, when=now)
        return moved

    @staticmethod
    def _writer(state, model) -> importer.BulkWriter:
        writers = state.setdefault("writers", {})
        if model not in writers:
            writers[model] = importer.BulkWriter(model, actor=state["actor"])
        return writers[model]

    def _households_for(self, rows, state) -> dict[str, tuple]:
        """(pk, area code, number if new) of each row's household. Households already in
        the database are updated now; new ones get their key now and are written by
        finalize(), once their head is known (the foreign keys are checked at commit)."""
        now = state["now"]
        refs = state.setdefault("household_refs", {})
        # in the file's order, so that new households are numbered as they come
        wanted = list(dict.fromkeys(key for r in rows if (key := r.values["_key"]) not in refs))
        found = _existing_households(wanted)
        update, new = [], []
        for key in wanted:
            household, head = found.get(key, (None, None))
            if household is None:
                new.append(key)
                continue
            refusal = _household_refusal(state["actor"], key, household, head)
            if refusal:  # the scope again, under the transaction
                line = next(r.line for r in rows if r.values["_key"] == key)
                raise importer.changed_since_check(line, "：".join(refusal))
            attrs = state["households"][key].attrs()
            day = attrs.get("national_reported_on")
            if day and household.national_reported_on and day < household.national_reported_on:
                # an older national file does not undo what a newer one said
                for k in NATIONAL_HOUSEHOLD_FIELDS:
                    attrs.pop(k, None)
            elif day:  # a national file covers this household: finalize() notes who it left out
                state.setdefault("covered", {})[household.pk] = day
                if not state["as_of_given"] and all(
                        k not in attrs or getattr(household, k) == attrs[k]
                        for k in ("national_size", "income_per_capita")):
                    attrs.pop("national_reported_on")  # the same figures: keep their day
            diff = {k: v for k, v in attrs.items() if getattr(household, k) != v}
            if diff:
                for k, v in diff.items():
                    setattr(household, k, v)
                household.version += 1
                household.updated_at = now
                update.append(household)
            refs[key] = (household.pk, household.area_code, None)
            state.setdefault("touched", set()).add(household.pk)
        writer = self._writer(state, Household)
        writer.update(update, HOUSEHOLD_FIELDS + ["version", "updated_at"], when=now)
        for key, pk in zip(new, writer.allocate(len(new)), strict=True):
            info = state["households"][key]
            refs[key] = (pk, info.area, info.number or self._next_number(info.area, state))
        return {r.values["_key"]: refs[r.values["_key"]] for r in rows}

    @staticmethod
    def _next_number(area: str, state) -> str:
        counters = state["numbers"]
        if area not in counters:
            top = Household.objects.filter(number__startswith=area, number__regex=r"^\d+$") \
                .aggregate(m=Max("number"))["m"]
            counters[area] = int(top[len(area):]) if top and top[len(area):].isdigit() else 0
        counters[area] += 1
        return f"{area}{counters[area]:04d}"

    def finalize(self, state) -> None:
        """Write the new households, each pointing at its head, and re-point the households
        already there whose head changed (DESIGN §2: one head per household)."""
        now = state["now"]
        writer = self._writer(state, Household)
        make = importer.instance_factory(Household)
        new = [(key, ref) for key, ref in state.get("household_refs", {}).items()
               if ref[2] is not None]
        for part in _slices(new, 5000):
            heads = _heads([pk for _key, (pk, _area, _number) in part])
            writer.create([
                make(id=pk, number=number, area_code=area, head_id=heads.get(pk),
                     created_at=now, updated_at=now, **state["households"][key].attrs())
                for key, (pk, area, number) in part], when=now, allocated=True)
        for part in _slices(sorted(state.get("touched", ())), 5000):
            heads = _heads(part)
            stale = [pk for pk, head in Household.objects.filter(pk__in=part)
                     .values_list("pk", "head_id") if head != heads.get(pk)]
            stale = list(Household.objects.filter(pk__in=stale)) if stale else []
            for h in stale:
                h.head_id = heads.get(h.pk)
                h.version += 1
            writer.update(stale, ["head", "version"], when=now)
        self._write_unlisted(state)

    def _write_unlisted(self, state) -> None:
        """A national file that covers a household already registered says, of each of its
        active members it does not list, that the system has no such person as of its date:
        written as a report (listed=False), so that the reconciliation reads a plain set
        instead of comparing every report's date with its household's (DESIGN §2, §7 scale).
        A member registered later has no report at all, which reads the same."""
        covered = state.get("covered")
        if not covered:
            return
        now = state["now"]
        writer = self._writer(state, NationalReport)
        make = state.setdefault("make_report", importer.instance_factory(NationalReport))
        blank = _report_values({})
        blank.update(listed=False, working=None)
        for part in _slices(sorted(covered), 5000):
            people = list(Person.objects.filter(household_id__in=part, retired_at__isnull=True)
                          .values_list("pk", "household_id", "area_code"))
            stored = {r.person_id: r for r in NationalReport.objects.filter(
                person_id__in=[pk for pk, _h, _a in people])}
            new, changed = [], []
            for pk, household_id, area in people:
                if pk in state["listed"]:  # the file lists them (their report may keep its day)
                    continue
                day = covered[household_id]
                report = stored.get(pk)
                if report is None:
                    new.append(make(person_id=pk, area_code=area, reported_on=day,
                                    created_at=now, updated_at=now, **blank))
                elif report.reported_on < day and (report.listed or state["as_of_given"]):
                    if report.listed:
                        report.outdated_at, report.outdated_reason = None, ""
                    for k, value in blank.items():
                        setattr(report, k, value)
                    report.reported_on, report.area_code = day, area
                    report.version += 1
                    report.updated_at = now
                    changed.append(report)
            writer.create(new, when=now)
            writer.update(changed, REPORT_UPDATE_FIELDS, when=now)

    # --- export -------------------------------------------------------------------------
    def export_ordering(self, queryset):
        return queryset.select_related("household", "household__head",
                                       "national_report").order_by(
            "area_code", "household__number", "relation", "pk")

    def export_rows(self, queryset, *, reveal: bool):
        names = dict(Area.objects.filter(level__in=["county", "township", "village"])
                     .values_list("code", "name"))
        for p in queryset.iterator(chunk_size=2000):
            h = p.household
            head = h.head
            ident = personal.export_value(p, "id_number", reveal=reveal)
            head_id = personal.export_value(head, "id_number", reveal=reveal) if head else ""
            values = {
                "county": names.get(p.area_code[:6], ""),
                "township": names.get(p.area_code[:9], ""), "village": names.get(p.area_code, ""),
                "area_code": p.area_code, "household_number": h.number,
                "head_id_number": head_id, "head_name": head.name if head else "",
                "id_number": ident, "gender": p.get_gender_display(),
                "phone": personal.export_value(p, "phone", reveal=reveal),
                "bank_account": personal.export_value(p, "bank_account", reveal=reveal),
            }
            for f in PERSON_FIELDS:
                values[f] = getattr(p, f)
            for f in HOUSEHOLD_FIELDS:
                values[f] = getattr(h, f)
            report = getattr(p, "national_report", None)
            if report is not None and report.listed:
                for f in REPORT_FIELDS:
                    values[f] = getattr(report, f)
                values["reported_on"] = report.reported_on
            yield [col.format(values.get(col.key)) for col in self.columns]

    def can_reveal(self, user) -> bool:
        return personal.can_see_personal(user)


NULLABLE = {"wants_training", "wants_work", "expected_wage"}
UPDATE_FIELDS = [*PERSON_FIELDS, "household_id", "area_code", "name_pinyin", "name_initials",
                 "id_number_enc", "id_number_hash", "id_number_masked", "birth_date", "gender",
                 "phone_enc", "phone_hash", "phone_masked", "bank_account_enc",
                 "bank_account_hash", "bank_account_masked", "complete", "missing", "version",
                 "updated_at"]

REPORT_UPDATE_FIELDS = [*REPORT_FIELDS, "listed", "working", "reported_on", "area_code",
                        "outdated_at", "outdated_reason", "version", "updated_at"]

persons_import = register(PersonImport())
