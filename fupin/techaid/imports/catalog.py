"""Spreadsheets of the catalog part (core/tabular): 户产业, 专家, 专家服务组, 产业技术员, 贫困村.

Every spec checks all rows first (nothing is written if any row fails), reaches only records
the uploader may see, writes each row through the catalog services (history by the uploader)
and is idempotent: a row that matches a record with the same values changes nothing, so a
re-imported export is unchanged.

How a row finds its record:
- 户产业: the household (户编号, or 户主身份证号) + the industry;
- 专家: within the county, the name + phone (when the row has a phone), else name + 单位;
- 专家服务组: the county + the industry (one group per industry and county);
- 产业技术员: within the township/village, the name + phone, else name + 单位;
- 贫困村: the village (村代码, or 乡镇 + 村名).
"""

from __future__ import annotations

from functools import cache
from types import MappingProxyType

from django.utils import translation
from django.utils.translation import gettext as _

from fupin.areas.lookup import COUNTY_SYNONYMS, township_index, village_index
from fupin.areas.models import Area, Level
from fupin.core import crypto, personal, scoping
from fupin.core.roles import can_write
from fupin.core.tabular.importer import changed_since_check
from fupin.core.tabular.spec import Col, ImportSpec, Outcome, register

from .. import catalog as services
from ..models import (
    Expert,
    ExpertGroup,
    GroupMember,
    HouseholdIndustry,
    Industry,
    Technician,
    Title,
)

SEPARATORS = ("、", "，", ",", "；", ";", "/", " ")


@cache
def _title_labels():
    with translation.override("zh-hans"):
        return MappingProxyType({v: str(label) for v, label in Title.choices})


def title_labels():
    return _title_labels()


def split_names(text) -> list[str]:
    """“茶叶、核桃” → ["茶叶", "核桃"] (、，,；; / and spaces separate)."""
    text = str(text or "")
    for sep in SEPARATORS[1:]:
        text = text.replace(sep, SEPARATORS[0])
    return list(dict.fromkeys(p.strip() for p in text.split(SEPARATORS[0]) if p.strip()))


def _industry_index() -> dict[str, Industry]:
    return {i.name: i for i in Industry.objects.all()}


def _industries_of(row, col: Col, index: dict, names: list[str]):
    found, missing, retired = [], [], []
    for name in names:
        industry = index.get(name)
        if industry is None:
            missing.append(name)
        elif industry.retired_at is not None:
            retired.append(name)
        else:
            found.append(industry)
    if missing:
        row.error(col.label, _("产业目录中没有“%(n)s”（请先在“产业”中添加）")
                  % {"n": "、".join(missing)})
    if retired:
        row.error(col.label, _("产业“%(n)s”已停用") % {"n": "、".join(retired)})
    return found


def _area_names() -> dict[str, str]:
    return dict(Area.objects.filter(level__in=[Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE])
                .values_list("code", "name"))


class CatalogImport(ImportSpec):
    """What the catalog's specs share: the role refusal, duplicates within the file."""

    def start(self, *, actor):
        return {"actor": actor, "can_write": can_write(actor, self.model), "keys": {}}

    def refuse_all(self, rows, state) -> bool:
        if state["can_write"]:
            return False
        for row in rows:
            row.error("", _("您的角色无权导入此类数据"))
        return True

    def duplicate(self, row, key, state, what) -> bool:
        first = state["keys"].setdefault(key, row.line)
        if first != row.line:
            row.error("", _("与第 %(line)s 行重复（%(what)s相同）") % {"line": first, "what": what})
            return True
        return False

    def can_reveal(self, user) -> bool:
        return personal.can_see_personal(user)

    def counties(self, state) -> dict:
        """{name and short name: code} of the counties in the uploader's scope."""
        if "counties" not in state:
            scope = scoping.user_scope_code(state["actor"]) or ""
            index = {}
            qs = Area.objects.filter(level=Level.COUNTY)
            if scope:
                qs = qs.filter(code__startswith=scope[:6]) if len(scope) >= 6 else \
                    qs.filter(code__startswith=scope)
            for code, name in qs.values_list("code", "name"):
                index.setdefault(code, code)
                index.setdefault(name, code)
                short = name.rstrip("县区市")
                if short and short != name:
                    index.setdefault(short, code)
            state["counties"] = index
        return state["counties"]

    def resolve_county(self, row, state, *, code, name) -> str | None:
        actor = state["actor"]
        scope = scoping.user_scope_code(actor) or ""
        label = self.column("county").label
        value = (code or name or "").strip()
        if not value:
            if len(scope) == 6:
                return scope
            row.error(label, _("请填写区县（或 6 位区县代码）"))
            return None
        county = self.counties(state).get(value)
        if county is None or not scoping.in_scope(actor, county):
            row.error(label, _("区县“%(v)s”不存在或不在您的管辖范围内") % {"v": value})
            return None
        return county


COUNTY_COLS = [
    Col("county", "区县", synonyms=COUNTY_SYNONYMS, max_length=50,
        help="区县名称；区县经办导入本县的可不填"),
    Col("area_code", "区划代码", synonyms=("区县代码",), width=16,
        help="6 位区县代码；填了它可不填区县名称"),
]


# --- 户产业 ---------------------------------------------------------------------------------------

class HouseholdIndustryImport(CatalogImport):
    name = "household_industries"
    title = "户产业"
    model = HouseholdIndustry
    columns = [
        Col("household_number", "户编号", synonyms=("贫困户编号", "户号"), max_length=30,
            help="户编号与户主身份证号至少填一项"),
        Col("head_id_number", "户主身份证号", kind="id_number", width=22,
            synonyms=("户主身份证号码", "户主证件号码")),
        Col("head_name", "户主姓名", synonyms=("户主",), max_length=50, help="用于核对，可不填"),
        Col("industry", "产业", required=True, synonyms=("产业名称", "主要产业"), max_length=50),
        Col("main", "主导产业", kind="bool", synonyms=("是否主导产业",),
            help="是 / 否；不填视为“是”"),
        Col("scale", "规模", max_length=100, synonyms=("产业规模",), help="如 茶园 5 亩"),
        Col("area_code", "区划代码", synonyms=("村代码",), width=16,
            help="导出时填写；导入时不读取（记录随贫困户所在村）"),
    ]
    instructions = [
        "每行是一户的一个产业。户按“户编号”找到，或按“户主身份证号”找到；须在您的管辖范围内。",
        "产业须已在产业目录中（名称一致）。同一户同一产业只登记一次：再次导入只更新主导产业和规模。",
        "导入时先校验全部行，有任何错误都不会写入；同一文件重复导入不会产生变化。",
    ]

    def start(self, *, actor):
        return {**super().start(actor=actor), "industries": _industry_index()}

    def _households(self, rows, state) -> None:
        from fupin.registry.fields import persons_by_id_number
        from fupin.registry.models import Household

        actor = state["actor"]
        numbers = {r.values["household_number"] for r in rows if r.values.get("household_number")}
        by_number = {h.number: h for h in Household.objects.visible_to(actor).active()
                     .filter(number__in=numbers).select_related("head")}
        ids = {r.values["head_id_number"] for r in rows if r.values.get("head_id_number")}
        heads = persons_by_id_number(user=actor, numbers=ids) if ids else {}
        households = {h.pk: h for h in Household.objects.visible_to(actor).active().filter(
            pk__in=[p.household_id for p in heads.values()]).select_related("head")}
        for row in rows:
            v = row.values
            household = None
            if v.get("household_number"):
                household = by_number.get(v["household_number"])
                if household is None:
                    row.error(self.column("household_number").label,
                              _("户编号不存在、已停用或不在您的管辖范围内"))
                    v["_household"] = None
                    continue
            if v.get("head_id_number"):
                person = heads.get(v["head_id_number"])
                by_head = households.get(person.household_id) if person else None
                if by_head is None or by_head.head_id != person.pk:
                    row.error(self.column("head_id_number").label,
                              _("在您的管辖范围内没有以此身份证号为户主的贫困户"))
                    v["_household"] = None
                    continue
                if household is not None and household.pk != by_head.pk:
                    row.error(self.column("head_id_number").label,
                              _("户主身份证号与户编号不是同一户"))
                    v["_household"] = None
                    continue
                household = by_head
            if household is None:
                row.error(self.column("household_number").label,
                          _("请填写户编号或户主身份证号"))
            elif v.get("head_name") and household.head and v["head_name"] != household.head.name:
                row.error(self.column("head_name").label, _("与该户户主姓名“%(n)s”不符")
                          % {"n": household.head.name})
            v["_household"] = household

    def check(self, rows, state) -> None:
        if self.refuse_all(rows, state):
            return
        self._households(rows, state)
        col = self.column("industry")
        for row in rows:
            v = row.values
            found = _industries_of(row, col, state["industries"],
                                   [v["industry"]] if v.get("industry") else [])
            v["_industry"] = found[0] if found else None
            if v["_household"] is not None and v["_industry"] is not None:
                self.duplicate(row, (v["_household"].pk, v["_industry"].pk), state,
                               _("户和产业"))

    def begin_write(self, state) -> None:
        state["industries"] = _industry_index()

    def write(self, rows, state) -> Outcome:
        actor = state["actor"]
        self._households(rows, state)
        outcome = Outcome()
        for row in rows:
            v = row.values
            household, industry = v["_household"], state["industries"].get(v["industry"])
            if household is None or row.errors:
                raise changed_since_check(row.line, _("该户已不在您的管辖范围内或已停用"))
            main = True if v.get("main") is None else v["main"]
            scale = v.get("scale") or ""
            record = HouseholdIndustry.objects.active().filter(household=household,
                                                               industry=industry).first()
            if record is None:
                services.household_industry_create(actor=actor, household=household,
                                                   industry=industry, main=main, scale=scale)
                outcome.created += 1
            elif (record.main, record.scale) == (main, scale):
                outcome.unchanged += 1
            else:
                services.household_industry_update(actor=actor, record=record,
                                                   data={"main": main, "scale": scale},
                                                   expected_version=record.version)
                outcome.updated += 1
        return outcome

    def export_ordering(self, queryset):
        return queryset.select_related("household__head", "industry").order_by(
            "area_code", "household__number", "-main", "pk")

    def export_rows(self, queryset, *, reveal: bool):
        for r in queryset.iterator(chunk_size=2000):
            head = r.household.head
            values = {"household_number": r.household.number,
                      "head_id_number": personal.export_value(head, "id_number", reveal=reveal)
                      if head is not None and reveal else "",
                      "head_name": head.name if head else "", "industry": r.industry.name,
                      "main": r.main, "scale": r.scale, "area_code": r.area_code}
            yield [col.format(values.get(col.key)) for col in self.columns]


household_industries_import = register(HouseholdIndustryImport())


# --- 专家 -----------------------------------------------------------------------------------------

class PersonImport(CatalogImport):
    """Experts and technicians: name, organisation, industries, phone (sealed); matched by
    name + phone within their area, or name + organisation."""

    org_field = "institution"

    def start(self, *, actor):
        return {**super().start(actor=actor), "industries": _industry_index()}

    def area_of(self, row, state) -> str | None:
        raise NotImplementedError

    def existing(self, area: str, v: dict):
        if not v.get("name"):
            return None
        qs = self.model.objects.active().filter(area_code=area, name=v["name"])
        if v.get("phone"):
            hit = qs.filter(phone_hash=crypto.blind_index(v["phone"])).first()
            if hit is not None:
                return hit
        org = v.get(self.org_field) or ""
        return qs.filter(**{self.org_field: org}).first()

    def derive(self, rows, state) -> None:
        for row in rows:
            row.values["_area"] = self.area_of(row, state)

    def check(self, rows, state) -> None:
        if self.refuse_all(rows, state):
            return
        col = self.column("industries")
        for row in rows:
            v = row.values
            v["_industries"] = _industries_of(row, col, state["industries"],
                                              split_names(v.get("industries")))
            if v["_area"] and v.get("name"):
                key = (v["_area"], v["name"], v.get("phone") or v.get(self.org_field) or "")
                self.duplicate(row, key, state, _("姓名和联系电话（或单位）"))
            self.check_row(row, state)

    def check_row(self, row, state) -> None:
        pass

    def begin_write(self, state) -> None:
        state["industries"] = _industry_index()

    def data_of(self, v: dict) -> dict:
        raise NotImplementedError

    def write(self, rows, state) -> Outcome:
        actor = state["actor"]
        outcome = Outcome()
        for row in rows:
            v = row.values
            area = v["_area"]
            if area is None or not scoping.in_scope(actor, area):
                raise changed_since_check(row.line, _("区划已不在您的管辖范围内"))
            industries = [state["industries"][n] for n in split_names(v.get("industries"))]
            data = {**self.data_of(v), "area_code": area}
            phone = v.get("phone") or None
            record = self.existing(area, v)
            if record is None:
                self.create(actor=actor, data=data, industries=industries, phone=phone or "")
                outcome.created += 1
                continue
            version = record.version
            updated = self.update(actor=actor, record=record, data=data, industries=industries,
                                  phone=phone)
            if updated.version != version:
                outcome.updated += 1
            else:
                outcome.unchanged += 1
        return outcome

    def person_values(self, obj, reveal: bool, names: dict) -> dict:
        return {"name": obj.name,
                "industries": "、".join(i.name for i in obj.industries.all()),
                "phone": personal.export_value(obj, "phone", reveal=reveal)
                if reveal else "", "area_code": obj.area_code}


class ExpertImport(PersonImport):
    name = "experts"
    title = "专家名单"
    model = Expert
    columns = [
        Col("name", "姓名", required=True, max_length=50, synonyms=("专家姓名",)),
        Col("institution", "单位", required=True, max_length=100,
            synonyms=("所在单位", "工作单位")),
        Col("title", "职称", kind="choice", choices=title_labels,
            choice_synonyms={"研究员": "正高级", "教授": "正高级", "推广研究员": "正高级",
                             "副研究员": "副高级", "副教授": "副高级", "高级农艺师": "副高级",
                             "高级畜牧师": "副高级", "农艺师": "中级", "畜牧师": "中级",
                             "助理研究员": "中级", "讲师": "中级", "助理农艺师": "初级",
                             "技术员": "初级"}),
        Col("specialities", "专业特长", max_length=200, synonyms=("专业", "特长")),
        Col("industries", "服务产业", max_length=300, synonyms=("产业",),
            help="产业名称，多个用“、”分隔，须已在产业目录中"),
        Col("phone", "联系电话", kind="phone", synonyms=("手机号", "电话", "手机"), width=16),
        Col("research_institute", "科研院所", kind="bool", synonyms=("科研院所专家",),
            help="是 / 否"),
        *COUNTY_COLS,
        Col("username", "用户账号", max_length=150, synonyms=("用户名",),
            help="可不填；专家角色、同一区县的用户名"),
    ]
    instructions = [
        "每行一位专家，属于一个区县（区县经办导入本县专家时可不填区县）。",
        "在同一区县内，按“姓名 + 联系电话”找到已有专家；没有联系电话时按“姓名 + 单位”找到；"
        "找不到则新增。",
        "服务产业须已在产业目录中，多个用“、”分隔。联系电话按个人信息加密保存。",
        "导入时先校验全部行，有任何错误都不会写入；同一文件重复导入不会产生变化。",
    ]

    def area_of(self, row, state):
        v = row.values
        return self.resolve_county(row, state, code=v.get("area_code"), name=v.get("county"))

    def check_row(self, row, state) -> None:
        from django.contrib.auth import get_user_model

        v = row.values
        v["_user"] = None
        if v.get("username"):
            user = get_user_model().objects.filter(username=v["username"]).first()
            if user is None:
                row.error(self.column("username").label, _("没有这个用户名"))
                return
            v["_user"] = user
            if v["_area"]:
                probe = self.existing(v["_area"], v)
                try:
                    services._check_user(user, role="expert", area_code=v["_area"], model=Expert,
                                         pk=probe.pk if probe else None, what=_("专家"))
                except services.ServiceError as exc:
                    row.error(self.column("username").label, exc.message.rstrip("。"))

    def data_of(self, v):
        data = {"name": v["name"], "institution": v.get("institution") or "",
                "title": v.get("title") or "", "specialities": v.get("specialities") or "",
                "research_institute": bool(v.get("research_institute"))}
        if v.get("username"):
            data["user"] = v.get("_user")
        return data

    def create(self, *, actor, data, industries, phone):
        return services.expert_create(actor=actor, data=data, industries=industries,
                                      phone=phone)

    def update(self, *, actor, record, data, industries, phone):
        return services.expert_update(actor=actor, expert=record, data=data,
                                      industries=industries, phone=phone,
                                      expected_version=record.version)

    def export_ordering(self, queryset):
        return queryset.select_related("user").prefetch_related("industries").order_by(
            "area_code", "name", "pk")

    def export_rows(self, queryset, *, reveal: bool):
        names = _area_names()
        for e in queryset:
            values = {**self.person_values(e, reveal, names), "institution": e.institution,
                      "title": e.title, "specialities": e.specialities,
                      "research_institute": e.research_institute,
                      "county": names.get(e.area_code[:6], ""),
                      "username": e.user.username if e.user else ""}
            yield [col.format(values.get(col.key)) for col in self.columns]


experts_import = register(ExpertImport())


# --- 产业技术员 -----------------------------------------------------------------------------------

class TechnicianImport(PersonImport):
    name = "technicians"
    title = "产业技术员名单"
    model = Technician
    org_field = "organisation"
    columns = [
        Col("name", "姓名", required=True, max_length=50, synonyms=("技术员姓名",)),
        Col("organisation", "单位", max_length=100, synonyms=("所在单位", "工作单位")),
        Col("industries", "服务产业", max_length=300, synonyms=("产业",),
            help="产业名称，多个用“、”分隔，须已在产业目录中"),
        Col("load_limit", "服务户数上限", kind="int", value_range=(1, 500),
            synonyms=("服务户数",), help="不填则按科技扶贫设置的默认值（30 户）"),
        Col("phone", "联系电话", kind="phone", synonyms=("手机号", "电话", "手机"), width=16),
        Col("county", "区县", synonyms=COUNTY_SYNONYMS, max_length=50, help="可不填"),
        Col("township", "乡镇", synonyms=("乡镇（街道）", "所在乡镇", "街道"), max_length=50),
        Col("village", "村", synonyms=("村（社区）", "所在村"), max_length=50,
            help="技术员驻村时填写，否则留空"),
        Col("area_code", "区划代码", synonyms=("乡镇代码", "村代码"), width=16,
            help="9 位乡镇或 12 位村代码；填了它可不填乡镇和村名"),
        Col("username", "用户账号", max_length=150, synonyms=("用户名",),
            help="可不填；技术员角色、同一乡镇的用户名"),
    ]
    instructions = [
        "每行一位产业技术员，属于一个乡镇（或驻一个村）：填区划代码，或乡镇名（和村名）。",
        "在同一乡镇（村）内，按“姓名 + 联系电话”找到已有技术员；没有联系电话时按“姓名 + 单位”找到；"
        "找不到则新增。",
        "服务产业须已在产业目录中，多个用“、”分隔。联系电话按个人信息加密保存。",
        "导入时先校验全部行，有任何错误都不会写入；同一文件重复导入不会产生变化。",
    ]

    def area_of(self, row, state):
        v = row.values
        scope = scoping.user_scope_code(state["actor"]) or ""
        code = v.get("area_code")
        label = self.column("township").label
        if v.get("village") or (code and len(code) == 12):
            if "villages" not in state:
                state["villages"] = village_index(scope)
            index = state["villages"]
            area, message = index.resolve(code=code, county=v.get("county"),
                                          township=v.get("township"), village=v.get("village"))
        else:
            if "townships" not in state:
                state["townships"] = township_index(scope)
            index = state["townships"]
            area, message = index.resolve(code=code, county=v.get("county"),
                                          township=v.get("township"))
        if message:
            row.error(label, message)
        return area

    def check_row(self, row, state) -> None:
        from django.contrib.auth import get_user_model

        v = row.values
        v["_user"] = None
        if v.get("username"):
            user = get_user_model().objects.filter(username=v["username"]).first()
            if user is None:
                row.error(self.column("username").label, _("没有这个用户名"))
                return
            v["_user"] = user
            if v["_area"]:
                probe = self.existing(v["_area"], v)
                try:
                    services._check_user(user, role="technician", area_code=v["_area"],
                                         model=Technician, pk=probe.pk if probe else None,
                                         what=_("产业技术员"))
                except services.ServiceError as exc:
                    row.error(self.column("username").label, exc.message.rstrip("。"))

    def data_of(self, v):
        data = {"name": v["name"], "organisation": v.get("organisation") or "",
                "load_limit": v.get("load_limit")}
        if v.get("username"):
            data["user"] = v.get("_user")
        return data

    def create(self, *, actor, data, industries, phone):
        return services.technician_create(actor=actor, data=data, industries=industries,
                                          phone=phone)

    def update(self, *, actor, record, data, industries, phone):
        return services.technician_update(actor=actor, technician=record, data=data,
                                          industries=industries, phone=phone,
                                          expected_version=record.version)

    def export_ordering(self, queryset):
        return queryset.select_related("user").prefetch_related("industries").order_by(
            "area_code", "name", "pk")

    def export_rows(self, queryset, *, reveal: bool):
        names = _area_names()
        for t in queryset:
            village = len(t.area_code) == 12
            values = {**self.person_values(t, reveal, names), "organisation": t.organisation,
                      "load_limit": t.load_limit, "county": names.get(t.area_code[:6], ""),
                      "township": names.get(t.area_code[:9], ""),
                      "village": names.get(t.area_code, "") if village else "",
                      "username": t.user.username if t.user else ""}
            yield [col.format(values.get(col.key)) for col in self.columns]


technicians_import = register(TechnicianImport())


# --- 专家服务组 -----------------------------------------------------------------------------------

class GroupImport(CatalogImport):
    name = "expert_groups"
    title = "专家服务组"
    model = ExpertGroup
    columns = [
        Col("name", "专家组名称", required=True, max_length=100, synonyms=("专家服务组", "组名")),
        Col("industry", "产业", required=True, max_length=50, synonyms=("服务产业",)),
        Col("chief", "首席专家", max_length=50, synonyms=("组长",)),
        Col("members", "成员", max_length=2000, synonyms=("成员专家", "专家"),
            help="专家姓名，多个用“、”分隔（首席专家可不重复填写）"),
        *COUNTY_COLS,
    ]
    instructions = [
        "每行一个专家服务组：一个区县的一个产业只有一个专家组，按“区县 + 产业”找到已有的组。",
        "首席专家和成员按姓名在本区县的专家中查找，须已在专家名单中、服务产业包含该产业；"
        "名单中的成员加入专家组，不在名单中的现有成员不会被移出（请在专家组页面办理退出）。",
        "导入时先校验全部行，有任何错误都不会写入；同一文件重复导入不会产生变化。",
    ]

    def start(self, *, actor):
        return {**super().start(actor=actor), "industries": _industry_index()}

    def derive(self, rows, state) -> None:
        for row in rows:
            v = row.values
            v["_area"] = self.resolve_county(row, state, code=v.get("area_code"),
                                             name=v.get("county"))

    def _experts(self, state, area: str) -> dict:
        cache_ = state.setdefault("experts", {})
        if area not in cache_:
            index: dict[str, list] = {}
            for e in (Expert.objects.visible_to(state["actor"]).active().filter(area_code=area)
                      .prefetch_related("industries")):
                index.setdefault(e.name, []).append(e)
            cache_[area] = index
        return cache_[area]

    def _expert(self, row, state, area, industry, name, col):
        found = self._experts(state, area).get(name, [])
        if not found:
            row.error(col.label, _("本区县专家名单中没有“%(n)s”") % {"n": name})
            return None
        if len(found) > 1:
            row.error(col.label, _("本区县有 %(k)s 位名为“%(n)s”的专家，请在专家组页面添加")
                      % {"k": len(found), "n": name})
            return None
        expert = found[0]
        if industry is not None and industry not in expert.industries.all():
            row.error(col.label, _("专家“%(n)s”的服务产业不含“%(i)s”")
                      % {"n": name, "i": industry.name})
            return None
        return expert

    def check(self, rows, state) -> None:
        if self.refuse_all(rows, state):
            return
        for row in rows:
            v = row.values
            area = v["_area"]
            found = _industries_of(row, self.column("industry"), state["industries"],
                                   [v["industry"]] if v.get("industry") else [])
            industry = found[0] if found else None
            v["_area"], v["_industry"] = area, industry
            if area is None:
                continue
            if industry is not None:
                self.duplicate(row, (area, industry.pk), state, _("区县和产业"))
            if v.get("chief"):
                self._expert(row, state, area, industry, v["chief"], self.column("chief"))
            for name in split_names(v.get("members")):
                self._expert(row, state, area, industry, name, self.column("members"))
            if industry is not None and v.get("name"):
                clash = (ExpertGroup.objects.active().filter(area_code=area, name=v["name"])
                         .exclude(industry=industry).first())
                if clash is not None:
                    row.error(self.column("name").label, _("本区县已有同名的专家组（%(i)s）")
                              % {"i": clash.industry.name})

    def begin_write(self, state) -> None:
        state["industries"] = _industry_index()
        state["experts"] = {}

    def write(self, rows, state) -> Outcome:
        actor = state["actor"]
        outcome = Outcome()
        for row in rows:
            v = row.values
            area, industry = v["_area"], state["industries"][v["industry"]]
            chief = self._expert(row, state, area, industry, v["chief"], self.column("chief")) \
                if v.get("chief") else None
            members = [self._expert(row, state, area, industry, n, self.column("members"))
                       for n in split_names(v.get("members"))]
            if row.errors or not scoping.in_scope(actor, area):
                raise changed_since_check(row.line, _("专家或区县已不在您的管辖范围内"))
            group = ExpertGroup.objects.active().filter(area_code=area, industry=industry).first()
            if group is None:
                services.group_create(actor=actor, data={
                    "area_code": area, "industry": industry, "name": v["name"], "chief": chief},
                    members=members)
                outcome.created += 1
                continue
            changed = False
            current = set(GroupMember.objects.filter(group=group, left_on__isnull=True)
                          .values_list("expert_id", flat=True))
            for expert in dict.fromkeys([*([chief] if chief else []), *members]):
                if expert.pk not in current:
                    services.group_member_add(actor=actor, group=group, expert=expert)
                    changed = True
            data = {"name": v["name"]}
            if chief is not None:
                data["chief"] = chief
            version = group.version
            group = services.group_update(actor=actor, group=group, data=data,
                                          expected_version=group.version)
            changed = changed or group.version != version
            if changed:
                outcome.updated += 1
            else:
                outcome.unchanged += 1
        return outcome

    def export_ordering(self, queryset):
        return queryset.select_related("industry", "chief").order_by("area_code",
                                                                     "industry__order", "pk")

    def export_rows(self, queryset, *, reveal: bool):
        names = _area_names()
        for g in queryset:
            members = [m.expert.name for m in GroupMember.objects.filter(
                group=g, left_on__isnull=True).select_related("expert").order_by("joined_on",
                                                                                  "pk")
                       if m.expert_id != g.chief_id]
            values = {"name": g.name, "industry": g.industry.name,
                      "chief": g.chief.name if g.chief else "", "members": "、".join(members),
                      "county": names.get(g.area_code[:6], ""), "area_code": g.area_code}
            yield [col.format(values.get(col.key)) for col in self.columns]


groups_import = register(GroupImport())


# --- 贫困村 ---------------------------------------------------------------------------------------

class PoorVillageImport(CatalogImport):
    """A village's poverty status (area data, areas.services.poor_village_set)."""

    name = "poor_villages"
    title = "贫困村名单"
    model = Area
    columns = [
        Col("county", "区县", synonyms=COUNTY_SYNONYMS, max_length=50, help="可不填"),
        Col("township", "乡镇", synonyms=("乡镇（街道）", "所在乡镇", "街道"), max_length=50),
        Col("village", "村名", synonyms=("村", "村（社区）", "行政村", "贫困村名称"),
            max_length=100),
        Col("area_code", "村代码", synonyms=("区划代码", "村级区划代码"), width=16,
            help="12 位村代码；填了它可不填乡镇和村名"),
        Col("poor_village", "贫困村", kind="bool", synonyms=("是否贫困村",),
            help="是 / 否；不填视为“是”"),
        Col("identified_year", "识别年度", kind="year", synonyms=("贫困村识别年度", "识别年份")),
        Col("exit_year", "退出年度", kind="year",
            synonyms=("贫困村退出年度", "退出年份", "出列年度")),
    ]
    instructions = [
        "每行一个村：填 12 位村代码，或乡镇和村名；须在您的管辖范围内。",
        "贫困村须填识别年度；已退出的填退出年度（不能早于识别年度）。“贫困村”填“否”则取消标记。",
        "导入时先校验全部行，有任何错误都不会写入；同一文件重复导入不会产生变化。",
    ]

    def values(self, v: dict) -> dict:
        poor = True if v.get("poor_village") is None else v["poor_village"]
        return {"poor_village": poor, "identified_year": v.get("identified_year"),
                "exit_year": v.get("exit_year")}

    def derive(self, rows, state) -> None:
        if "villages" not in state:
            state["villages"] = village_index(scoping.user_scope_code(state["actor"]) or "")
        for row in rows:
            v = row.values
            code, message = state["villages"].resolve(
                code=v.get("area_code"), county=v.get("county"), township=v.get("township"),
                village=v.get("village"))
            if message:
                row.error(self.column("village").label, message)
            v["_code"] = code

    def check(self, rows, state) -> None:
        from fupin.areas.services import poor_village_errors

        if self.refuse_all(rows, state):
            return
        labels = {"poor_village": self.column("poor_village").label,
                  "poor_identified_year": self.column("identified_year").label,
                  "poor_exit_year": self.column("exit_year").label}
        for row in rows:
            v = row.values
            code = v["_code"]
            for field, text in poor_village_errors(**{
                    "poor_village": self.values(v)["poor_village"],
                    "identified_year": v.get("identified_year"),
                    "exit_year": v.get("exit_year")}):
                row.error(labels[field], text.rstrip("。"))
            if code:
                self.duplicate(row, code, state, _("村"))

    def write(self, rows, state) -> Outcome:
        from fupin.areas.services import poor_village_set

        outcome = Outcome()
        for row in rows:
            v = row.values
            _area, changed = poor_village_set(actor=state["actor"], code=v["_code"],
                                              **self.values(v))
            if changed:
                outcome.updated += 1
            else:
                outcome.unchanged += 1
        return outcome

    def export_ordering(self, queryset):
        return queryset.filter(level=Level.VILLAGE).order_by("code")

    def export_rows(self, queryset, *, reveal: bool):
        names = _area_names()
        for a in queryset:
            values = {"county": names.get(a.code[:6], ""), "township": names.get(a.code[:9], ""),
                      "village": a.name, "area_code": a.code, "poor_village": a.poor_village,
                      "identified_year": a.poor_identified_year,
                      "exit_year": a.poor_exit_year}
            yield [col.format(values.get(col.key)) for col in self.columns]


poor_villages_import = register(PoorVillageImport())
