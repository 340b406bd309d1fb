"""What the four employment list imports share: the person columns, how a row finds its
person (by ID number, within the uploader's scope) and its record, and the write."""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from types import MappingProxyType
from typing import NamedTuple

from django.utils import translation
from django.utils.translation import gettext as _

from fupin.areas.lookup import COUNTY_SYNONYMS, PlaceIndex, village_index
from fupin.core import codes, personal, scoping
from fupin.core.roles import can_write
from fupin.core.tabular import parsers
from fupin.core.tabular.importer import changed_since_check, upsert_records
from fupin.core.tabular.spec import Col, ImportSpec, Outcome, ParsedRow
from fupin.registry.fields import persons_by_id_number
from fupin.registry.identity import IdNumberError, parse_id_number

from .. import rules
from ..models import Channel
from ..status import person_status_refresh

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

    def refuse_write(self, row: ParsedRow, key, record, state) -> str | None:
        """Under the write transaction: why this row may no longer write (the record it
        names has gone out of reach since validation), or None."""
        return None

    def write(self, rows: list[ParsedRow], state) -> Outcome:
        keyed = [self.keyed_data(row, state) for row in rows]
        found = self.existing([key for key, _data in keyed], state)
        for row, (key, _data) in zip(rows, keyed, strict=True):
            message = self.refuse_write(row, key, found.get(key), state)
            if message:
                raise changed_since_check(row.line, message)
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
        # texts as the parsers clean them: a record typed on a form (某公司（广元）) is the one
        # its exported row (read back as 某公司(广元)) names, not a new one
        return (data["person_id"], *(parsers.clean_text(v) if isinstance(v, str) else v
                                     for v in (data.get(f) for f in self.key_fields)))

    def person_of(self, row: ParsedRow, state) -> PersonRef:
        """The row's person, as found again under the write transaction."""
        person = state["persons"].get(row.values["id_number"])
        if person is None:
            raise changed_since_check(row.line, _(
                "身份证号对应的人员已不在您的管辖范围内或已停用"))
        return person

    def keyed_data(self, row: ParsedRow, state) -> tuple:
        person = self.person_of(row, state)
        data = {**self.values_of(row.values), "person_id": person.pk,
                "area_code": person.area_code}
        return self.key_of(data), data

    def begin_write(self, state) -> None:
        state["persons"] = {}  # found again, visible and active, under the transaction

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
        return personal.can_see_personal(user)

    def export_values(self, record) -> dict:
        return {f: getattr(record, f) for f in self.record_fields}

    def export_rows(self, queryset, *, reveal: bool):
        for record in queryset.iterator(chunk_size=2000):
            person = record.person
            values = {"id_number": personal.export_value(person, "id_number", reveal=reveal),
                      "name": person.name, "area_code": record.area_code,
                      **self.export_values(record)}
            yield [col.format(values.get(col.key)) for col in self.columns]


COUNTY_COLUMN = Col("county", "区县", synonyms=COUNTY_SYNONYMS,
                    help="区县名称，可不填；村名重名时用于区分")


def _villages(state) -> PlaceIndex:
    if "villages" not in state:
        state["villages"] = village_index(scoping.user_scope_code(state["actor"]) or "")
    return state["villages"]


def resolve_village(state, *, code=None, county=None, township=None, village=None):
    """(village code, None) or (None, message), within the uploader's scope (names by the
    shared look-up, areas/lookup.py: full or short, with or without township and county)."""
    return _villages(state).resolve(code=code, county=county, township=township,
                                    village=village)
