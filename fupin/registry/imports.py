"""The person roster (贫困劳动力实名制登记表) as an import spec: template, import, export.

One row per person. A household is identified by its 户编号 or, where the roster has none, by
its head's ID number; household attributes (识别年度, 致贫原因 …) come from any of its rows.
The area is a 12-digit village code or the township and village names that real rosters
carry, resolved within the uploader's scope.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.areas.models import Area
from fupin.core import codes, crypto, scoping
from fupin.core.roles import can_write
from fupin.core.tabular import importer, parsers
from fupin.core.tabular.spec import Col, ImportSpec, Outcome, ParsedRow, register

from .identity import IdNumberError, parse_id_number
from .models import Household, Person
from .selectors import can_see_personal
from .services import HEAD, person_prepare

HOUSEHOLD_FIELDS = ["identified_year", "household_kind", "poverty_status", "exit_year",
                    "poverty_cause"]
PERSON_FIELDS = ["name", "relation", "education", "schooling", "health", "labour_capacity",
                 "skills", "bank_name", "wants_training", "training_wish", "wants_work",
                 "work_place_wish", "industry_wish", "expected_wage"]
PROTECTED_FIELDS = ["id_number", "phone", "bank_account"]


def _code(name):
    return lambda: codes.labels(name)


COLUMNS = [
    Col("township", "乡镇", synonyms=("乡镇（街道）", "乡(镇)", "乡镇名称", "所在乡镇", "镇乡",
                                       "街道"), help="乡镇（街道）名称；或只填“区划代码”"),
    Col("village", "村", synonyms=("村（社区）", "行政村", "村名", "所在村", "村社区", "社区"),
        help="村（社区）名称"),
    Col("area_code", "区划代码", synonyms=("村代码", "行政区划代码", "村级区划代码"),
        help="12 位村级区划代码；填了它可不填乡镇和村名", width=16),
    Col("household_number", "户编号", synonyms=("户号", "家庭编号", "贫困户编号"), width=18,
        help="可留空：同一户按“户主身份证号”归户，新户自动编号"),
    Col("head_id_number", "户主身份证号", kind="id_number",
        synonyms=("户主身份证号码", "户主证件号码", "户主公民身份号码"), width=22),
    Col("head_name", "户主姓名", synonyms=("户主",), help="仅供核对"),
    Col("name", "姓名", required=True, synonyms=("成员姓名", "劳动力姓名"), max_length=50),
    Col("id_number", "身份证号", kind="id_number", required=True, width=22,
        synonyms=("身份证号码", "公民身份号码", "证件号码", "身份证", "身份证件号码")),
    Col("relation", "与户主关系", required=True, synonyms=("关系",),
        help="户主、配偶、之子、之女……；“子女”按身份证性别归为之子/之女"),
    Col("gender", "性别", help="由身份证号得出；填写时须与身份证一致"),
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
    Col("identified_year", "识别年度", kind="year", synonyms=("识别年份",)),
    Col("household_kind", "贫困户属性", kind="choice", choices=_code("household_kind")),
    Col("poverty_status", "脱贫状态", kind="choice", choices=_code("poverty_status")),
    Col("exit_year", "脱贫年度", kind="year", synonyms=("脱贫年份",)),
    Col("poverty_cause", "主要致贫原因", kind="choice", choices=_code("poverty_cause"),
        synonyms=("致贫原因",)),
    Col("wants_training", "培训意愿", kind="bool", synonyms=("是否有培训意愿", "是否愿意培训")),
    Col("training_wish", "培训意向", kind="choice", choices=_code("training_kind"),
        synonyms=("意向培训类型", "培训类型")),
    Col("wants_work", "就业意愿", kind="bool", synonyms=("是否有就业意愿", "是否愿意务工",
                                                      "务工意愿")),
    Col("work_place_wish", "意向务工地点", kind="choice", choices=_code("work_place"),
        choice_synonyms=codes.SYNONYMS["work_place"], synonyms=("意向就业地点",)),
    Col("industry_wish", "意向行业", synonyms=("意向工种", "意向就业行业"), max_length=100),
    Col("expected_wage", "期望月收入", kind="int", synonyms=("期望月收入（元）", "期望工资")),
]


def name_variants(name: str) -> set[str]:
    """Roster spellings of an official name: 翠屏社区居民委员会 → 翠屏社区;
    某某村民委员会 → 某某村."""
    out = {name}
    for suffix, short in (("村民委员会", "村"), ("居民委员会", ""), ("委员会", ""),
                          ("村委会", "村"), ("居委会", "")):
        if name.endswith(suffix):
            out.add(name[: -len(suffix)] + short)
    for n in list(out):
        for tail in ("街道办事处", "街道", "镇", "乡", "村", "社区"):
            if n.endswith(tail) and len(n) > len(tail) + 1:
                out.add(n[: -len(tail)])
    return out


class VillageIndex:
    """Villages under a scope, found by code or by (township, village) names."""

    def __init__(self, scope: str):
        villages = Area.objects.filter(level="village")
        townships = Area.objects.filter(level="township")
        if scope:
            villages = villages.filter(code__startswith=scope)
            townships = townships.filter(code__startswith=scope)
        self.codes = set(villages.values_list("code", flat=True))
        self.by_names: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.by_village: dict[str, set[str]] = defaultdict(set)
        township_names = dict(townships.values_list("code", "name"))
        for code, name in villages.values_list("code", "name"):
            for v in name_variants(name):
                self.by_village[v].add(code)
                for t in name_variants(township_names.get(code[:9], "")):
                    self.by_names[(t, v)].add(code)

    def resolve(self, *, code: str | None, township: str | None, village: str | None):
        """(code, None) or (None, message)."""
        if code:
            if code in self.codes:
                return code, None
            return None, _("区划代码“%(c)s”不是您管辖范围内的村") % {"c": code}
        if not village:
            return None, _("请填写村名或区划代码")
        found = self.by_names.get((township, village)) if township else None
        if found is None:
            found = self.by_village.get(village, set())
            if township and found:
                found = set()  # the township name did not match any of them
        if len(found) == 1:
            return next(iter(found)), None
        if len(found) > 1:
            return None, _("“%(v)s”有重名，请同时填写乡镇名称或区划代码") % {"v": village}
        where = f"{township} {village}" if township else village
        return None, _("在您的管辖范围内找不到“%(w)s”") % {"w": where}


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
                if self.values[i] is None:
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


class PersonImport(ImportSpec):
    name = "persons"
    title = "贫困劳动力实名制登记表"
    columns = COLUMNS
    model = Person
    instructions = [
        "每行一人。第一行是表头，表头上方可以有标题行；“序号”列会被忽略。",
        "同一户的成员填写相同的“户编号”，或相同的“户主身份证号”；每户有且只有一位户主。",
        "身份证号、联系电话、银行账号列已设为文本格式，请勿改为数字（否则末几位会丢失）。",
        "日期可写 2017-03-05、2017/3/5、2017.3.5 或 2017年3月5日。",
        "带下拉框的列请从下拉选项中选择。",
        "导入时先校验全部行，有任何错误都不会写入；同一文件重复导入不会产生变化。",
    ]

    # --- validation ---------------------------------------------------------------------
    def start(self, *, actor):
        scope = scoping.user_scope_code(actor)
        return {"actor": actor, "villages": VillageIndex(scope or ""), "seen": {},
                "households": {}, "numbers": {}}

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
        # against the database: an ID registered outside the uploader's scope
        hashes = {row.values["_hash"]: row for row in rows if row.values.get("_hash")}
        for _pk, digest, area in Person.objects.filter(id_number_hash__in=list(hashes)) \
                .values_list("pk", "id_number_hash", "area_code"):
            row = hashes[digest]
            if not scoping.in_scope(actor, area):
                row.error(_("身份证号"), _("该身份证号已在其他地区登记，请联系上级经办核实"))
        numbers = {row.values["household_number"]: row for row in rows
                   if row.values.get("household_number")}
        for number, area in Household.objects.filter(number__in=list(numbers)).values_list(
                "number", "area_code"):
            row = numbers[number]
            if not scoping.in_scope(actor, area):
                row.error(_("户编号"), _("户编号“%(n)s”属于您管辖范围以外的地区") % {"n": number})

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
            code=v.get("area_code"), township=v.get("township"), village=v.get("village"))
        if message:
            row.error(_("村"), message)
        v["_area"] = area
        v["_key"] = self._household_key(v, state)

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
        people.create(new, when=now)
        people.update(changed, UPDATE_FIELDS, when=now)
        return outcome

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
        found: dict[str, Household] = {}
        by_number = [k[2:] for k in wanted if k.startswith("N:")]
        by_head = [k[2:] for k in wanted if k.startswith("H:")]
        for h in Household.objects.filter(number__in=by_number):
            found["N:" + h.number] = h
        for digest, h in ((p.id_number_hash, p.household) for p in Person.objects.filter(
                id_number_hash__in=by_head, relation=HEAD).select_related("household")):
            found["H:" + digest] = h
        update, new = [], []
        for key in wanted:
            household = found.get(key)
            if household is None:
                new.append(key)
                continue
            attrs = state["households"][key].attrs()
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

    # --- export -------------------------------------------------------------------------
    def export_ordering(self, queryset):
        return queryset.select_related("household", "household__head").order_by(
            "area_code", "household__number", "relation", "pk")

    def export_rows(self, queryset, *, reveal: bool):
        names = dict(Area.objects.filter(level__in=["township", "village"])
                     .values_list("code", "name"))
        for p in queryset.iterator(chunk_size=2000):
            h = p.household
            head = h.head
            ident = p.reveal("id_number") if reveal else p.id_number_masked
            head_id = (head.reveal("id_number") if reveal else head.id_number_masked) \
                if head else ""
            values = {
                "township": names.get(p.area_code[:9], ""), "village": names.get(p.area_code, ""),
                "area_code": p.area_code, "household_number": h.number,
                "head_id_number": head_id, "head_name": head.name if head else "",
                "id_number": ident, "gender": p.get_gender_display(),
                "phone": p.reveal("phone") if reveal else p.phone_masked,
                "bank_account": p.reveal("bank_account") if reveal else p.bank_account_masked,
            }
            for f in PERSON_FIELDS:
                values[f] = getattr(p, f)
            for f in HOUSEHOLD_FIELDS:
                values[f] = getattr(h, f)
            yield [col.format(values.get(col.key)) for col in self.columns]

    def can_reveal(self, user) -> bool:
        return can_see_personal(user)


NULLABLE = {"wants_training", "wants_work", "expected_wage"}
UPDATE_FIELDS = [*PERSON_FIELDS, "household_id", "area_code", "name_pinyin", "name_initials",
                 "id_number_enc", "id_number_hash", "id_number_masked", "birth_date", "gender",
                 "phone_enc", "phone_hash", "phone_masked", "bank_account_enc",
                 "bank_account_hash", "bank_account_masked", "complete", "missing", "version",
                 "updated_at"]

persons_import = register(PersonImport())
