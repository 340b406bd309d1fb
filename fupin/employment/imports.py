"""The employment lists as spreadsheets (DESIGN §2 lists 3–5, §7): one ImportSpec each for
转移就业, 自主创业, 公益性岗位 and 岗位安置. The shared framework (core/tabular) reads, maps,
reports and runs them; each spec here says its columns, its rules across rows (the same rules
as the services, over the whole file and the database together), how a row finds the record it
updates, and how an export writes the same columns back — so an export re-imports losslessly
and re-importing a file changes nothing.

A row names its person by ID number (姓名 only checks it); the record lives in the person's
village. Writes are bulk, with history by the uploader; at the end the employment status of
every person whose records changed is derived again, in the same transaction."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from functools import cache
from types import MappingProxyType
from typing import NamedTuple

from django.db.models import Min, Q
from django.utils import translation
from django.utils.translation import gettext as _

from fupin.areas.models import Area
from fupin.core import codes, scoping
from fupin.core.roles import can_write
from fupin.core.tabular.importer import upsert_records
from fupin.core.tabular.spec import Col, ImportSpec, Outcome, ParsedRow, register
from fupin.registry.fields import persons_by_id_number
from fupin.registry.identity import IdNumberError, parse_id_number
from fupin.registry.imports import VillageIndex
from fupin.registry.selectors import can_see_personal

from . import rules
from .models import Channel, Employment, Placement, Venture, WelfarePost
from .status import person_status_refresh

MAX_INT = 2_147_483_647
MAX_AMOUNT = Decimal("9999999999.99")


def _code(name):
    return lambda: codes.labels(name)


@cache
def _channel_labels():
    with translation.override("zh-hans"):
        return MappingProxyType({value: str(label) for value, label in Channel.choices})


def channel_labels():
    return _channel_labels()


CHANNEL_SYNONYMS = {"现场招聘会": "招聘会", "招聘会推荐": "招聘会", "职介": "职业介绍",
                    "职业中介": "职业介绍", "人力资源市场": "职业介绍", "劳务公司": "劳务输出",
                    "有组织劳务输出": "劳务输出", "亲友": "亲友介绍", "熟人介绍": "亲友介绍",
                    "自主就业": "自主务工", "自谋职业": "自主务工", "自找": "自主务工"}
POST_KIND_SYNONYMS = {"保洁": "保洁员", "护林": "护林员", "治安": "治安巡逻员",
                      "治安员": "治安巡逻员", "巡逻员": "治安巡逻员", "水管": "水管员",
                      "道路维护": "道路维护员", "道路养护员": "道路维护员",
                      "就业服务协理员": "村级就业服务协理员", "协理员": "村级就业服务协理员"}

PERSON_COLUMNS = [
    Col("id_number", "身份证号", kind="id_number", required=True, width=22,
        synonyms=("身份证号码", "公民身份号码", "证件号码", "身份证", "身份证件号码")),
    Col("name", "姓名", synonyms=("人员姓名", "劳动力姓名"), max_length=50,
        help="用于核对：须与实名制登记的姓名一致"),
    Col("area_code", "区划代码", synonyms=("村代码", "所属区划代码"), width=16,
        help="人员所在村的代码，导出时填写；导入时不读取（记录随人员所在村）"),
]


class PersonRef(NamedTuple):
    pk: int
    name: str
    area_code: str


class PostRef(NamedTuple):
    pk: int
    name: str
    area_code: str
    established: object
    visible: bool = True  # False: a post of another village, reached through a placement


def _check_number(row: ParsedRow, col: Col, value, *, maximum) -> None:
    if value is None:
        return
    if value < 0:
        row.error(col.label, _("不能为负数"))
    elif value > maximum:
        row.error(col.label, _("数值过大，请核对"))
    elif isinstance(value, Decimal) and value.as_tuple().exponent < -2:
        row.error(col.label, _("最多保留两位小数"))


class RecordImport(ImportSpec):
    """What the four lists share: rows written in bulk with history, matched to existing
    records by a key so that re-importing changes nothing; numbers checked for range."""

    record_fields: list[str] = []  # model fields that come from the columns
    blank: dict = {}  # the value a blank cell stands for (default: "")

    def start(self, *, actor):
        return {"actor": actor, "can_write": can_write(actor, self.model), "keys": {},
                "touched": set()}

    def values_of(self, v: dict) -> dict:
        """Model values of the columns present in the file (a blank cell → its default)."""
        return {f: (self.blank.get(f, "") if v[f] is None else v[f])
                for f in self.record_fields if f in v}

    def refuse_all(self, rows, state) -> bool:
        if state["can_write"]:
            return False
        for row in rows:
            row.error("", _("您的角色无权导入此类数据"))
        return True

    def check_numbers(self, row: ParsedRow) -> None:
        for col in self.columns:
            if col.kind == "int":
                _check_number(row, col, row.values.get(col.key), maximum=MAX_INT)
            elif col.kind == "decimal":
                _check_number(row, col, row.values.get(col.key), maximum=MAX_AMOUNT)

    def report(self, row: ParsedRow, errors: rules.Errors) -> None:
        for field, message in errors:
            row.error(self.column(field).label, message.rstrip("。"))

    def duplicate(self, row: ParsedRow, key, state, what: str) -> bool:
        first = state["keys"].setdefault(key, row.line)
        if first != row.line:
            row.error("", _("与第 %(line)s 行重复（%(what)s相同）") % {"line": first, "what": what})
            return True
        return False

    def existing(self, keys: list, state) -> dict:
        """{key: record} of the active records these keys name."""
        raise NotImplementedError

    def keyed_data(self, row: ParsedRow, state) -> tuple:
        """(key, model values) of a valid row: the key finds the record it updates."""
        raise NotImplementedError

    def write(self, rows: list[ParsedRow], state) -> Outcome:
        keyed = [self.keyed_data(row, state) for row in rows]
        found = self.existing([key for key, _data in keyed], state)
        outcome, written = upsert_records(
            self.model, [(found.get(key), data) for key, data in keyed], actor=state["actor"])
        self.written(written, state)
        return outcome

    def written(self, records: list, state) -> None:
        """Note what the last chunk wrote (for finalize)."""


class PersonRecordImport(RecordImport):
    """A list of records about people: a row's person is found by ID number within the
    uploader's scope; after the write, every person whose records changed has their
    employment status derived again (DESIGN §2: derived, never typed)."""

    key_fields: tuple[str, ...] = ()
    key_words: str = ""

    def start(self, *, actor):
        return {**super().start(actor=actor), "persons": {}}

    def derive(self, rows: list[ParsedRow], state) -> None:
        label = self.column("id_number").label
        for row in rows:
            v = row.values
            if v.get("id_number"):
                try:
                    v["id_number"] = parse_id_number(v["id_number"]).number
                except IdNumberError as exc:
                    row.error(label, exc.message)
                    v["id_number"] = None

    def persons(self, rows: list[ParsedRow], state) -> None:
        cache_ = state["persons"]
        wanted = {r.values["id_number"] for r in rows if r.values.get("id_number")} - set(cache_)
        if wanted:
            found = persons_by_id_number(user=state["actor"], numbers=wanted)
            for number in wanted:
                p = found.get(number)
                cache_[number] = PersonRef(p.pk, p.name, p.area_code) if p else None

    def check(self, rows: list[ParsedRow], state) -> None:
        if self.refuse_all(rows, state):
            return
        self.persons(rows, state)
        id_label, name_label = self.column("id_number").label, self.column("name").label
        for row in rows:
            v = row.values
            person = state["persons"].get(v.get("id_number")) if v.get("id_number") else None
            v["_person"] = person
            if v.get("id_number") and person is None:
                row.error(id_label, _("在您的管辖范围内没有登记这个身份证号（请先在实名制登记中"
                                      "登记此人）"))
            elif person is not None and v.get("name") and v["name"] != person.name:
                row.error(name_label, _("与身份证号登记的姓名“%(name)s”不符")
                          % {"name": person.name})
            self.check_numbers(row)
            self.check_row(row, state)

    def check_row(self, row: ParsedRow, state) -> None:
        """Rules of one row, and duplicates within the file."""
        v = row.values
        data = self.values_of(v)
        self.report(row, self.rules(data))
        if v["_person"] is not None and all(v.get(f) is not None for f in self.key_fields):
            self.duplicate(row, self.key_of({"person_id": v["_person"].pk, **data}), state,
                           self.key_words)

    def rules(self, data: dict) -> rules.Errors:
        return []

    def key_of(self, data: dict):
        return (data["person_id"], *(data.get(f) for f in self.key_fields))

    def keyed_data(self, row: ParsedRow, state) -> tuple:
        person = state["persons"][row.values["id_number"]]
        data = {**self.values_of(row.values), "person_id": person.pk,
                "area_code": person.area_code}
        return self.key_of(data), data

    def write(self, rows: list[ParsedRow], state) -> Outcome:
        self.persons(rows, state)
        return super().write(rows, state)

    def existing(self, keys: list, state) -> dict:
        people = {k[0] for k in keys}
        out = {}
        for record in self.model.objects.active().filter(person_id__in=people):
            out.setdefault(self.key_of({f: getattr(record, f)
                                        for f in ("person_id", *self.key_fields)}), record)
        return out

    def written(self, records: list, state) -> None:
        state["touched"].update(r.person_id for r in records)

    def finalize(self, state) -> None:
        if state["touched"]:
            person_status_refresh(person_ids=sorted(state["touched"]), actor=state["actor"])

    # --- export -------------------------------------------------------------------------
    def export_ordering(self, queryset):
        return queryset.select_related("person").order_by("area_code", "person_id",
                                                          "start_date", "pk")

    def can_reveal(self, user) -> bool:
        return can_see_personal(user)

    def export_values(self, record) -> dict:
        return {f: getattr(record, f) for f in self.record_fields}

    def export_rows(self, queryset, *, reveal: bool):
        for record in queryset.iterator(chunk_size=2000):
            person = record.person
            values = {"id_number": person.reveal("id_number") if reveal
                      else person.id_number_masked,
                      "name": person.name, "area_code": record.area_code,
                      **self.export_values(record)}
            yield [col.format(values.get(col.key)) for col in self.columns]


# --- 转移就业 ------------------------------------------------------------------------------

class EmploymentImport(PersonRecordImport):
    name = "employments"
    title = "转移就业花名册"
    model = Employment
    columns = [
        *PERSON_COLUMNS,
        Col("employer", "用人单位", required=True, max_length=200, width=24,
            synonyms=("就业单位", "务工单位", "工作单位", "单位名称")),
        Col("place", "务工地点", kind="choice", required=True, choices=_code("work_place"),
            choice_synonyms=codes.SYNONYMS["work_place"], synonyms=("就业地点", "务工地域")),
        Col("industry", "行业", max_length=100, synonyms=("从事行业", "所属行业", "工种")),
        Col("start_date", "开始日期", kind="date", required=True,
            synonyms=("就业日期", "就业时间", "务工时间", "入职日期", "开始时间")),
        Col("end_date", "结束日期", kind="date", synonyms=("离职日期", "结束时间"),
            help="仍在岗则留空"),
        Col("monthly_income", "月收入", kind="int",
            synonyms=("月收入（元）", "月工资", "月均收入", "月均工资")),
        Col("channel", "就业渠道", kind="choice", choices=channel_labels,
            choice_synonyms=CHANNEL_SYNONYMS, synonyms=("就业途径", "务工渠道")),
        Col("contract", "是否签订劳动合同", kind="bool",
            synonyms=("签订劳动合同", "劳动合同", "是否签订合同"), help="留空按“否”"),
        Col("full_time", "是否全职", kind="bool", synonyms=("全职",), help="留空按“是”"),
    ]
    record_fields = ["employer", "place", "industry", "start_date", "end_date",
                     "monthly_income", "channel", "contract", "full_time"]
    blank = {"end_date": None, "start_date": None, "monthly_income": None, "contract": False,
             "full_time": True}
    key_fields = ("employer", "start_date")
    key_words = "身份证号、用人单位、开始日期"
    instructions = [
        "每行一段务工经历。人员须已在实名制登记中登记，按身份证号找到；姓名用于核对。",
        "同一人、同一用人单位、同一开始日期的行是同一条记录：再次导入会更新它，不会重复。",
        "仍在岗的结束日期留空。日期可写 2017-03-05、2017/3/5、2017.3.5 或 2017年3月5日。",
        "导入后自动重新计算这些人员的就业状态（务工地点、稳定就业、记录冲突）。",
        "导入时先校验全部行，有任何错误都不会写入；同一文件重复导入不会产生变化。",
    ]

    def rules(self, data):
        return rules.employment_errors(data)


# --- 自主创业 ------------------------------------------------------------------------------

class VentureImport(PersonRecordImport):
    name = "ventures"
    title = "自主创业花名册"
    model = Venture
    columns = [
        *PERSON_COLUMNS,
        Col("business", "项目名称", required=True, max_length=200, width=24,
            synonyms=("项目（经营实体）名称", "经营实体名称", "经营实体", "创业项目", "企业名称")),
        Col("industry", "行业", max_length=100, synonyms=("所属行业", "创业行业")),
        Col("start_date", "创业日期", kind="date", required=True,
            synonyms=("创业时间", "开业日期", "成立日期")),
        Col("end_date", "停业日期", kind="date", synonyms=("歇业日期", "停业时间"),
            help="仍在经营则留空"),
        Col("college_student", "贫困家庭大学生创业", kind="bool",
            synonyms=("是否大学生创业", "大学生创业"), help="留空按“否”"),
        Col("employees", "带动就业人数", kind="int", synonyms=("带动就业", "吸纳就业人数")),
        Col("poor_employees", "其中贫困劳动力", kind="int",
            synonyms=("其中贫困劳动力人数", "带动贫困劳动力", "吸纳贫困劳动力人数")),
        Col("loan_amount", "创业担保贷款（元）", kind="decimal",
            synonyms=("创业担保贷款", "贷款金额", "贷款金额（元）")),
        Col("loan_bank", "贷款银行", max_length=100, synonyms=("放贷银行", "经办银行")),
        Col("loan_start", "贷款发放日期", kind="date", synonyms=("放款日期", "贷款日期")),
        Col("loan_end", "贷款到期日期", kind="date", synonyms=("到期日期",)),
        Col("interest_subsidy", "贴息金额（元）", kind="decimal",
            synonyms=("贴息金额", "财政贴息")),
    ]
    record_fields = ["business", "industry", "start_date", "end_date", "college_student",
                     "employees", "poor_employees", "loan_amount", "loan_bank", "loan_start",
                     "loan_end", "interest_subsidy"]
    blank = {"start_date": None, "end_date": None, "college_student": False, "employees": 0,
             "poor_employees": 0, "loan_amount": None, "loan_start": None, "loan_end": None,
             "interest_subsidy": None}
    key_fields = ("business", "start_date")
    key_words = "身份证号、项目名称、创业日期"
    instructions = [
        "每行一个创业项目。人员须已在实名制登记中登记，按身份证号找到；姓名用于核对。",
        "同一人、同一项目名称、同一创业日期的行是同一条记录：再次导入会更新它，不会重复。",
        "“其中贫困劳动力”不能多于“带动就业人数”；贷款到期日期不能早于发放日期。",
        "金额填数字（元），不要写“万”。日期可写 2017-03-05、2017/3/5 或 2017年3月5日。",
        "导入时先校验全部行，有任何错误都不会写入；同一文件重复导入不会产生变化。",
    ]

    def rules(self, data):
        return rules.venture_errors(data)


# --- 公益性岗位 ----------------------------------------------------------------------------

def _villages(state) -> VillageIndex:
    if "villages" not in state:
        state["villages"] = VillageIndex(scoping.user_scope_code(state["actor"]) or "")
    return state["villages"]


def _resolve_village(state, *, code=None, township=None, village=None):
    """(village code, None) or (None, message), within the uploader's scope."""
    if village and village.isdigit():
        code, village = village, None
    return _villages(state).resolve(code=code, township=township, village=village)


class PostImport(RecordImport):
    name = "posts"
    title = "公益性岗位台账"
    model = WelfarePost
    columns = [
        Col("post_id", "岗位编号", kind="int", synonyms=("岗位ID",),
            help="导出的岗位带编号，改后导入即更新该岗位；新岗位留空"),
        Col("name", "岗位名称", required=True, max_length=100, synonyms=("岗位",),
            help="同村多个同类岗位请加编号，如“保洁员2”"),
        Col("kind", "岗位类型", kind="choice", required=True,
            choices=_code("welfare_post_kind"), choice_synonyms=POST_KIND_SYNONYMS,
            synonyms=("岗位类别", "岗位性质")),
        Col("township", "乡镇", synonyms=("乡镇（街道）", "所在乡镇", "街道"),
            help="乡镇（街道）名称；或只填“区划代码”"),
        Col("village", "村", synonyms=("村（社区）", "岗位所在村", "所在村", "行政村")),
        Col("area_code", "区划代码", synonyms=("村代码", "村级区划代码"), width=16,
            help="12 位村级区划代码；填了它可不填乡镇和村名"),
        Col("monthly_pay", "月补贴（元）", kind="int", required=True,
            synonyms=("月补贴", "岗位补贴", "月工资", "补贴标准")),
        Col("established", "开发日期", kind="date", required=True,
            synonyms=("设立日期", "开发时间", "设岗日期")),
    ]
    record_fields = ["name", "kind", "monthly_pay", "established"]
    instructions = [
        "每行一个公益性岗位，设在村（社区）：填 12 位区划代码，或乡镇和村名。",
        "有“岗位编号”的行更新该岗位；没有编号的行按“村 + 岗位名称”找到已有岗位，找不到则新增。",
        "同一个村的岗位名称不能重复（同类岗位请加编号，如“保洁员2”）。",
        "导入时先校验全部行，有任何错误都不会写入；同一文件重复导入不会产生变化。",
    ]

    def derive(self, rows, state) -> None:
        for row in rows:
            v = row.values
            area, message = _resolve_village(state, code=v.get("area_code"),
                                             township=v.get("township"), village=v.get("village"))
            if message:
                row.error(self.column("village").label, message)
            v["_area"] = area

    def check(self, rows, state) -> None:
        if self.refuse_all(rows, state):
            return
        actor = state["actor"]
        ids = {r.values["post_id"] for r in rows if r.values.get("post_id") is not None}
        by_id = {p.pk: p for p in WelfarePost.objects.visible_to(actor).active().filter(
            pk__in=ids)}
        pairs = {(r.values["_area"], r.values.get("name")) for r in rows if r.values["_area"]}
        named = defaultdict(list)
        for p in WelfarePost.objects.active().filter(
                area_code__in={a for a, _n in pairs}, name__in={n for _a, n in pairs}):
            named[(p.area_code, p.name)].append(p)
        first_start = dict(Placement.objects.active().filter(
            post_id__in=[p.pk for ps in named.values() for p in ps] + list(by_id))
            .values("post_id").annotate(first=Min("start_date")).values_list("post_id", "first"))
        for row in rows:
            v = row.values
            self.check_numbers(row)
            post = None
            if v.get("post_id") is not None:
                post = by_id.get(v["post_id"])
                if post is None:
                    row.error(self.column("post_id").label,
                              _("岗位编号 %(id)s 不存在、已停用或不在您的管辖范围内")
                              % {"id": v["post_id"]})
                    continue
            area, name = v["_area"], v.get("name")
            if area and name:
                others = [p for p in named.get((area, name), [])
                          if post is None or p.pk != post.pk]
                if post is None and others:
                    post = others[0]  # the row names an existing post by village and name
                elif others:
                    row.error(self.column("name").label,
                              _("本村已有名为“%(name)s”的岗位（编号 %(id)s）")
                              % {"name": name, "id": others[0].pk})
                if self.duplicate(row, ("name", area, name), state, _("村和岗位名称")):
                    continue
            if post is not None:
                if self.duplicate(row, ("post", post.pk), state, _("岗位")):
                    continue
                first = first_start.get(post.pk)
                established = v.get("established")
                if first is not None and established is not None and first < established:
                    row.error(self.column("established").label,
                              _("该岗位已有 %(day)s 上岗的安置记录，开发日期不能晚于这一天")
                              % {"day": first.isoformat()})

    def keyed_data(self, row, state) -> tuple:
        v = row.values
        key = ("id", v["post_id"]) if v.get("post_id") is not None else \
            ("name", v["_area"], v["name"])
        return key, {**self.values_of(v), "area_code": v["_area"]}

    def existing(self, keys, state) -> dict:
        ids = [k[1] for k in keys if k[0] == "id"]
        names = [k for k in keys if k[0] == "name"]
        out = {("id", p.pk): p for p in WelfarePost.objects.active().filter(pk__in=ids)}
        if names:
            for p in WelfarePost.objects.active().filter(
                    area_code__in={k[1] for k in names}, name__in={k[2] for k in names}):
                out.setdefault(("name", p.area_code, p.name), p)
        return out

    def export_ordering(self, queryset):
        return queryset.order_by("area_code", "name", "pk")

    def export_rows(self, queryset, *, reveal: bool):
        names = dict(Area.objects.filter(level__in=["township", "village"])
                     .values_list("code", "name"))
        for post in queryset.iterator(chunk_size=2000):
            values = {"post_id": post.pk, "township": names.get(post.area_code[:9], ""),
                      "village": names.get(post.area_code, ""), "area_code": post.area_code,
                      **{f: getattr(post, f) for f in self.record_fields}}
            yield [col.format(values.get(col.key)) for col in self.columns]


# --- 公益性岗位安置 -------------------------------------------------------------------------

class PlacementImport(PersonRecordImport):
    name = "placements"
    title = "公益性岗位安置花名册"
    model = Placement
    columns = [
        *PERSON_COLUMNS,
        Col("post_id", "岗位编号", kind="int", synonyms=("岗位ID",),
            help="公益性岗位台账导出的编号；或不填编号，填岗位名称和岗位所在村"),
        Col("post_name", "岗位名称", max_length=100, synonyms=("岗位", "公益性岗位名称"),
            help="与“岗位所在村”一起找到岗位"),
        Col("post_village", "岗位所在村", synonyms=("岗位所在村代码", "岗位区划代码"),
            help="村名或 12 位村级区划代码"),
        Col("start_date", "上岗日期", kind="date", required=True,
            synonyms=("上岗时间", "安置日期", "开始日期")),
        Col("end_date", "离岗日期", kind="date", synonyms=("离岗时间", "结束日期"),
            help="仍在岗则留空"),
    ]
    record_fields = ["start_date", "end_date"]
    blank = {"start_date": None, "end_date": None}
    key_words = "身份证号、岗位、上岗日期"
    instructions = [
        "每行一次安置。人员须已在实名制登记中登记，按身份证号找到；姓名用于核对。",
        "岗位用“岗位编号”指明，或用“岗位名称”加“岗位所在村”（村名或 12 位区划代码）。",
        "一个岗位同一时间只能安置一人，一人同一时间只能在一个岗位：与库中记录和本文件其他行"
        "的日期都不能重叠。",
        "结束安置：填写离岗日期后重新导入。同一人、同一岗位、同一上岗日期的行是同一条记录。",
        "导入时先校验全部行，有任何错误都不会写入；同一文件重复导入不会产生变化。",
    ]

    def start(self, *, actor):
        return {**super().start(actor=actor), "posts": {}, "spells": []}

    def posts(self, rows, state) -> None:
        """Resolve each row's post (by id, or by name and village) into v["_post"]."""
        actor, cache_ = state["actor"], state["posts"]
        wanted_ids, wanted_names = set(), set()
        for row in rows:
            v = row.values
            if v.get("post_id") is not None:
                wanted_ids.add(v["post_id"])
            elif v.get("post_name") and v.get("post_village"):
                area, message = _resolve_village(state, village=v["post_village"])
                v["_post_area"], v["_post_area_error"] = area, message
                if area:
                    wanted_names.add((area, v["post_name"]))
        wanted_ids -= {k[1] for k in cache_ if k[0] == "id"}
        wanted_names -= {k[1:] for k in cache_ if k[0] == "name"}
        visible = WelfarePost.objects.visible_to(actor).active()
        if wanted_ids:
            for p in visible.filter(pk__in=wanted_ids):
                cache_[("id", p.pk)] = PostRef(p.pk, p.name, p.area_code, p.established)
            # a post of another village on which a person of ours is placed: rows may update
            # those placements (as the services allow), not start new ones
            through = set(Placement.objects.visible_to(actor).active().filter(
                post_id__in=wanted_ids - {k[1] for k in cache_ if k[0] == "id"})
                .values_list("post_id", flat=True))
            for p in WelfarePost.objects.active().filter(pk__in=through):
                cache_[("id", p.pk)] = PostRef(p.pk, p.name, p.area_code, p.established,
                                               visible=False)
        if wanted_names:
            for p in visible.filter(area_code__in={a for a, _n in wanted_names},
                                    name__in={n for _a, n in wanted_names}):
                cache_.setdefault(("name", p.area_code, p.name),
                                  PostRef(p.pk, p.name, p.area_code, p.established))
        for row in rows:
            v = row.values
            if v.get("post_id") is not None:
                v["_post"] = cache_.get(("id", v["post_id"]))
            elif v.get("_post_area"):
                v["_post"] = cache_.get(("name", v["_post_area"], v["post_name"]))
            else:
                v["_post"] = None

    def check_row(self, row, state) -> None:
        v = row.values
        post = v["_post"]
        label = self.column("post_name").label
        if post is None:
            if v.get("post_id") is not None:
                row.error(self.column("post_id").label,
                          _("岗位编号 %(id)s 不存在、已停用或不在您的管辖范围内")
                          % {"id": v["post_id"]})
            elif not v.get("post_name") or not v.get("post_village"):
                row.error(label, _("请填写岗位编号，或填写岗位名称和岗位所在村"))
            elif v.get("_post_area_error"):
                row.error(self.column("post_village").label, v["_post_area_error"])
            else:
                row.error(label, _("在“%(village)s”找不到名为“%(name)s”的在用公益性岗位")
                          % {"village": v["post_village"], "name": v["post_name"]})
            return
        if v.get("post_id") is not None and v.get("post_name") and v["post_name"] != post.name:
            row.error(label, _("岗位编号 %(id)s 是“%(post)s”，与所填岗位名称不符")
                      % {"id": post.pk, "post": post.name})
        data = self.values_of(v)
        self.report(row, rules.placement_errors(data, established=post.established))
        person = v["_person"]
        if person is None or data.get("start_date") is None:
            return
        key = (person.pk, post.pk, data["start_date"])
        if self.duplicate(row, key, state, self.key_words) or row.errors:
            return
        if not post.visible and not Placement.objects.active().filter(
                person_id=person.pk, post_id=post.pk, start_date=data["start_date"]).exists():
            row.error(self.column("post_id").label,
                      _("岗位“%(post)s”不在您的管辖范围内：只能修改已有的安置记录")
                      % {"post": post.name})
            return
        state["spells"].append((row.line, post.pk, person.pk, data["start_date"],
                                data.get("end_date"), person.name, post.name))

    def check(self, rows, state) -> None:
        if state["can_write"]:
            self.posts(rows, state)
        super().check(rows, state)

    def finish(self, state) -> list[tuple[int, str, str]]:
        """DESIGN §2 list 5, over the file and the database together: a post holds one
        person at a time and a person holds one post at a time."""
        spells = state["spells"]
        if not spells:
            return []
        actor = state["actor"]
        posts = {s[1] for s in spells}
        people = {s[2] for s in spells}
        replaced = set(self.existing([(s[2], s[1], s[3]) for s in spells], state).values())
        by_post, by_person = defaultdict(list), defaultdict(list)
        for line, post, person, start, end, person_name, post_name in spells:
            spell = rules.Spell(start, end, line, None, person_name, post_name)
            by_post[post].append(spell)
            by_person[person].append(spell)
        for p in Placement.objects.active().filter(
                Q(post_id__in=posts) | Q(person_id__in=people)).exclude(
                pk__in=[r.pk for r in replaced]).select_related("person", "post"):
            name = p.person.name if scoping.in_scope(actor, p.area_code) else _("其他地区的人员")
            spell = rules.Spell(p.start_date, p.end_date, None, p.pk, name, p.post.name)
            if p.post_id in posts:
                by_post[p.post_id].append(spell)
            if p.person_id in people:
                by_person[p.person_id].append(spell)
        errors, label = [], self.column("start_date").label

        def where(s):
            return _("（第 %(line)s 行）") % {"line": s.line} if s.line else _("（库中已有记录）")

        for group in by_post.values():
            for a, b in rules.clashes(group):
                mine, other = (b, a) if b.line else (a, b)
                if mine.line:
                    errors.append((mine.line, label, rules.post_clash_message(
                        post_name=mine.post_name, holder=other.person_name + where(other),
                        start=other.start, end=other.end).rstrip("。")))
        for group in by_person.values():
            for a, b in rules.clashes(group):
                mine, other = (b, a) if b.line else (a, b)
                if mine.line:
                    errors.append((mine.line, label, rules.person_clash_message(
                        person_name=mine.person_name, post_name=other.post_name,
                        where=where(other), start=other.start, end=other.end).rstrip("。")))
        return sorted(set(errors))

    def key_of(self, data):
        return (data["person_id"], data["post_id"], data["start_date"])

    def keyed_data(self, row, state) -> tuple:
        person = state["persons"][row.values["id_number"]]
        data = {**self.values_of(row.values), "person_id": person.pk,
                "post_id": row.values["_post"].pk, "area_code": person.area_code}
        return self.key_of(data), data

    def write(self, rows, state) -> Outcome:
        self.posts(rows, state)
        return super().write(rows, state)

    def existing(self, keys, state) -> dict:
        out = {}
        for p in Placement.objects.active().filter(person_id__in={k[0] for k in keys},
                                                   post_id__in={k[1] for k in keys}):
            out.setdefault((p.person_id, p.post_id, p.start_date), p)
        return out

    def export_ordering(self, queryset):
        return queryset.select_related("person", "post").order_by(
            "area_code", "person_id", "start_date", "pk")

    def export_values(self, record) -> dict:
        return {"post_id": record.post_id, "post_name": record.post.name,
                "post_village": record.post.area_code, "start_date": record.start_date,
                "end_date": record.end_date}


employments_import = register(EmploymentImport())
ventures_import = register(VentureImport())
posts_import = register(PostImport())
placements_import = register(PlacementImport())
