"""Spreadsheets of the pairing part (core/tabular): 技术员结对台账 ("pairings") and
技术服务记录 ("service_visits"). All or nothing per file; a row already recorded changes
nothing on a second import. A household is found by its number (户编号) or its head's ID
number; a technician by name among those in the uploader's scope (with the phone when two
share a name)."""

from __future__ import annotations

from collections import defaultdict

from django.utils.translation import gettext as _

from fupin.core import crypto, scoping
from fupin.core.roles import Role, can_write
from fupin.core.stamps import bulk_create_records
from fupin.core.tabular.importer import changed_since_check
from fupin.core.tabular.spec import Col, ImportSpec, Outcome, register
from fupin.registry.identity import IdNumberError, parse_id_number
from fupin.registry.models import Household, Person

from .. import pairing as rules
from .. import service_visits
from ..models import (
    Adoption,
    HouseholdIndustry,
    Industry,
    Measure,
    MeasureResult,
    Pairing,
    Prescription,
    ServiceVisit,
    Technician,
)

HOUSEHOLD_COLUMNS = [
    Col("area_code", "区划代码", synonyms=("村代码", "所属区划代码"), width=16,
        help="贫困户所在村的代码，导出时填写；导入时不读取（记录随贫困户所在村）"),
    Col("household_number", "户编号", synonyms=("贫困户编号", "户号"), width=18, max_length=30,
        help="户编号与户主身份证号填一项即可"),
    Col("head_id_number", "户主身份证号", kind="id_number", width=22,
        synonyms=("户主身份证号码", "户主证件号码")),
]
TECHNICIAN_COLUMNS = [
    Col("technician", "技术员姓名", required=True, synonyms=("技术员", "产业技术员"),
        max_length=50),
    Col("technician_phone", "技术员电话", kind="phone", synonyms=("技术员联系电话",),
        help="同名技术员时用于区分，可不填"),
]


class Lookups:
    """Households and technicians of the uploader's scope, found in bulk per chunk."""

    @staticmethod
    def households(rows, state) -> None:
        actor, cache = state["actor"], state["households"]
        numbers = {r.values["household_number"] for r in rows if r.values.get("household_number")}
        heads = {}
        for r in rows:
            raw = r.values.get("head_id_number")
            if raw and not r.values.get("household_number"):
                try:
                    heads[crypto.blind_index(parse_id_number(raw).number)] = raw
                except IdNumberError as exc:
                    r.error(_("户主身份证号"), exc.message)
        wanted = {n for n in numbers if ("N", n) not in cache}
        if wanted:
            found = {h.number: h for h in Household.objects.visible_to(actor).active()
                     .filter(number__in=wanted)}
            for n in wanted:
                cache[("N", n)] = found.get(n)
        wanted = {h for h in heads if ("H", h) not in cache}
        if wanted:
            found = {p.id_number_hash: p.household for p in Person.objects.visible_to(actor)
                     .active().filter(id_number_hash__in=wanted, relation="01",
                                      household__retired_at__isnull=True)
                     .select_related("household")}
            for h in wanted:
                cache[("H", h)] = found.get(h)
        for r in rows:
            v = r.values
            if v.get("household_number"):
                v["_household"] = cache.get(("N", v["household_number"]))
            elif v.get("head_id_number"):
                try:
                    key = crypto.blind_index(parse_id_number(v["head_id_number"]).number)
                except IdNumberError:
                    v["_household"] = None
                    continue
                v["_household"] = cache.get(("H", key))
            else:
                v["_household"] = None

    @staticmethod
    def technicians(state) -> dict:
        if state.get("technicians") is None:
            by_name = defaultdict(list)
            for t in Technician.objects.visible_to(state["actor"]).active():
                by_name[t.name].append(t)
            state["technicians"] = by_name
        return state["technicians"]

    @classmethod
    def technician(cls, row, state):
        v = row.values
        candidates = cls.technicians(state).get(v.get("technician") or "", [])
        if v.get("technician_phone"):
            digest = crypto.blind_index(v["technician_phone"])
            candidates = [t for t in candidates if t.phone_hash == digest]
        if not candidates:
            row.error(_("技术员姓名"), _("在您的管辖范围内没有这名技术员（请核对姓名与电话）"))
            return None
        if len(candidates) > 1:
            row.error(_("技术员姓名"), _("有 %(n)s 名同名技术员，请填写技术员电话以区分") % {
                "n": len(candidates)})
            return None
        return candidates[0]

    @staticmethod
    def household_error(row) -> bool:
        v = row.values
        if not v.get("household_number") and not v.get("head_id_number"):
            row.error(_("户编号"), _("户编号与户主身份证号须填一项"))
            return True
        if v.get("_household") is None:
            row.error(_("户编号"), _("在您的管辖范围内没有这个贫困户"))
            return True
        return False


class PairingImport(ImportSpec):
    name = "pairings"
    title = "技术员结对台账"
    model = Pairing
    columns = [
        *HOUSEHOLD_COLUMNS,
        Col("industry", "产业", required=True, synonyms=("产业名称", "结对产业"), max_length=50),
        *TECHNICIAN_COLUMNS,
        Col("started_on", "结对日期", kind="date", required=True, synonyms=("结对时间",)),
        Col("ended_on", "结束日期", kind="date", help="结对仍在进行时不填"),
        Col("note", "说明", max_length=200),
    ]
    instructions = [
        "每行一户一个产业的结对。贫困户按户编号或户主身份证号找到；产业须在产业目录中；"
        "技术员按姓名找到（同名时填写电话）。",
        "技术员须服务该产业、与该户在同一区县，该户须登记了该产业；每户每个产业同时只能有一名"
        "结对技术员；技术员的结对户数不能超过其上限（默认 30 户）。",
        "同一户、同一产业、同一技术员、同一结对日期的行是同一个结对：再次导入不会重复。",
        "导入时先校验全部行，有任何错误都不会写入。",
    ]

    def start(self, *, actor):
        return {"actor": actor, "can_write": can_write(actor, Pairing), "households": {},
                "technicians": None, "industries": {i.name: i for i in Industry.objects.all()},
                "seen": {}, "granted": defaultdict(int), "loads": None}

    def _resolve(self, rows, state) -> None:
        Lookups.households(rows, state)
        for row in rows:
            v = row.values
            v["_industry"] = state["industries"].get(v.get("industry") or "")
            v["_technician"] = Lookups.technician(row, state) if v.get("technician") else None

    def check(self, rows, state) -> None:
        if not state["can_write"]:
            for row in rows:
                row.error("", _("您的角色无权导入此类数据"))
            return
        self._resolve(rows, state)
        households = [r.values["_household"] for r in rows if r.values.get("_household")]
        hids = [h.pk for h in households]
        lives_on = set(HouseholdIndustry.objects.filter(
            household_id__in=hids, retired_at__isnull=True)
            .values_list("household_id", "industry_id"))
        active = {(p.household_id, p.industry_id): p for p in Pairing.objects.filter(
            household_id__in=hids, retired_at__isnull=True, ended_on__isnull=True)}
        existing = self._existing(rows)
        if state["loads"] is None:
            state["loads"] = rules.active_loads()
            state["default"] = rules.policy_load_limit()
        for row in rows:
            v = row.values
            if Lookups.household_error(row):
                continue
            household, industry, tech = v["_household"], v["_industry"], v["_technician"]
            if industry is None:
                row.error(self.column("industry").label, _("产业目录中没有这个产业"))
                continue
            if tech is None:
                continue
            if not scoping.in_scope(state["actor"], household.area_code):
                row.error(self.column("household_number").label, _("该户不在您的管辖范围内"))
                continue
            key = (household.pk, industry.pk)
            first = state["seen"].setdefault(key, row.line)
            if first != row.line:
                row.error("", _("与第 %(line)s 行重复（同一户同一产业）") % {"line": first})
                continue
            if v.get("ended_on") and v.get("started_on") and v["ended_on"] < v["started_on"]:
                row.error(self.column("ended_on").label, _("结束日期不能早于结对日期"))
                continue
            if (household.pk, industry.pk, tech.pk, v.get("started_on")) in existing:
                continue  # already recorded: unchanged
            if household.area_code[:6] != tech.area_code[:6]:
                row.error(self.column("technician").label, _("技术员不在该户所在区县"))
                continue
            if (tech.pk, industry.pk) not in self._serves(state):
                row.error(self.column("technician").label,
                          _("技术员 %(t)s 不服务%(i)s产业") % {"t": tech.name, "i": industry.name})
                continue
            if key not in lives_on:
                row.error(self.column("industry").label, _("该户没有登记%(i)s产业") % {
                    "i": industry.name})
                continue
            if v.get("ended_on"):
                continue  # a past pairing: no load, no overlap with the current one
            if key in active:
                row.error(self.column("industry").label,
                          _("该户的%(i)s产业已有结对技术员 %(t)s") % {
                              "i": industry.name, "t": active[key].technician.name})
                continue
            load = state["loads"].get(tech.pk, 0) + state["granted"][tech.pk]
            limit = tech.load_limit or state["default"]
            if load >= limit:
                row.error(self.column("technician").label,
                          _("技术员 %(t)s 的结对户数将超过上限 %(limit)s 户") % {
                              "t": tech.name, "limit": limit})
                continue
            state["granted"][tech.pk] += 1

    @staticmethod
    def _serves(state) -> set:
        """(technician, industry) of every technician in scope: one query per import."""
        if state.get("serves") is None:
            ids = [t.pk for ts in Lookups.technicians(state).values() for t in ts]
            state["serves"] = set(Technician.industries.through.objects.filter(
                technician_id__in=ids).values_list("technician_id", "industry_id"))
        return state["serves"]

    @staticmethod
    def _existing(rows) -> set:
        hids = {r.values["_household"].pk for r in rows if r.values.get("_household")}
        return set(Pairing.objects.filter(household_id__in=hids, retired_at__isnull=True)
                   .values_list("household_id", "industry_id", "technician_id", "started_on"))

    def begin_write(self, state) -> None:
        state["households"] = {}
        state["technicians"] = None

    def write(self, rows, state) -> Outcome:
        self._resolve(rows, state)
        existing = self._existing(rows)
        outcome, new = Outcome(), []
        for row in rows:
            v = row.values
            household, industry, tech = v["_household"], v["_industry"], v["_technician"]
            if household is None or industry is None or tech is None:
                raise changed_since_check(row.line, _("贫困户或技术员已不在您的管辖范围内"))
            if (household.pk, industry.pk, tech.pk, v["started_on"]) in existing:
                outcome.unchanged += 1
                continue
            new.append(Pairing(household=household, industry=industry, technician=tech,
                               area_code=household.area_code, started_on=v["started_on"],
                               ended_on=v.get("ended_on"), note=v.get("note") or ""))
            outcome.created += 1
        if new:
            bulk_create_records(new, Pairing, batch_size=500, default_user=state["actor"])
        return outcome

    def export_ordering(self, queryset):
        return queryset.select_related("household", "industry", "technician").order_by(
            "area_code", "household_id", "industry_id", "started_on", "pk")

    def export_rows(self, queryset, *, reveal: bool):
        for p in queryset.iterator(chunk_size=2000):
            values = {"area_code": p.area_code, "household_number": p.household.number,
                      "head_id_number": "",
                      "industry": p.industry.name, "technician": p.technician.name,
                      "technician_phone": "", "started_on": p.started_on,
                      "ended_on": p.ended_on, "note": p.note}
            yield [c.format(values.get(c.key)) for c in self.columns]


ADOPTION_LABELS = {"adopted": "已采用", "partly": "部分采用", "not": "未采用"}


def adoption_labels():
    return ADOPTION_LABELS


class ServiceVisitImport(ImportSpec):
    name = "service_visits"
    title = "技术服务记录"
    model = ServiceVisit
    columns = [
        *HOUSEHOLD_COLUMNS,
        *TECHNICIAN_COLUMNS,
        Col("visited_on", "服务日期", kind="date", required=True, synonyms=("服务时间",)),
        Col("notes", "服务情况", synonyms=("服务内容",), max_length=2000),
        Col("prescription", "处方编号", max_length=30, help="填写措施落实情况时必填"),
        Col("measure_order", "措施序号", kind="int", value_range=(1, 999)),
        Col("adoption", "采用情况", kind="choice", choices=adoption_labels,
            help="已采用、部分采用 或 未采用"),
        Col("carried_out_on", "实施日期", kind="date"),
        Col("effect", "产量 / 效果", synonyms=("产量/效果", "效果"), max_length=300),
    ]
    instructions = [
        "每行一次技术服务（可附一条措施落实情况）；同一户、同一技术员、同一服务日期的多行是同一次"
        "服务的多条措施。",
        "技术员须在服务日期与该户结对；措施按处方编号与措施序号找到，须是该户所在村、结对产业已签发"
        "的处方；填写措施时采用情况必填。",
        "已记录的服务与措施再次导入不会重复；导入时先校验全部行，有任何错误都不会写入。",
    ]

    def start(self, *, actor):
        from ..service_visits import technician_of

        own = None
        if getattr(actor, "role", None) == Role.TECHNICIAN and not actor.is_superuser:
            own = technician_of(actor)
        return {"actor": actor, "can_write": can_write(actor, ServiceVisit), "households": {},
                "technicians": None, "seen": set(), "own": own,
                "technician_role": own is not None or (
                    getattr(actor, "role", None) == Role.TECHNICIAN and not actor.is_superuser)}

    def _resolve(self, rows, state) -> None:
        Lookups.households(rows, state)
        numbers = {r.values["prescription"] for r in rows if r.values.get("prescription")}
        measures = {(m.prescription.number, m.order): m for m in Measure.objects.filter(
            prescription__number__in=numbers).select_related("prescription")}
        for row in rows:
            v = row.values
            v["_technician"] = Lookups.technician(row, state) if v.get("technician") else None
            v["_measure"] = measures.get((v.get("prescription"), v.get("measure_order")))

    def _pairings(self, rows):
        hids = {r.values["_household"].pk for r in rows if r.values.get("_household")}
        out = defaultdict(list)
        for p in Pairing.objects.filter(household_id__in=hids, retired_at__isnull=True):
            out[(p.household_id, p.technician_id)].append(p)
        return out

    def check(self, rows, state) -> None:
        if not state["can_write"]:
            for row in rows:
                row.error("", _("您的角色无权导入此类数据"))
            return
        self._resolve(rows, state)
        pairings = self._pairings(rows)
        for row in rows:
            v = row.values
            if Lookups.household_error(row) or v.get("_technician") is None:
                continue
            household, tech, day = v["_household"], v["_technician"], v.get("visited_on")
            if day is None:
                continue
            if state["technician_role"] and (state["own"] is None or state["own"].pk != tech.pk):
                row.error(self.column("technician").label, _("技术员只能导入本人的服务记录"))
                continue
            on = [p for p in pairings.get((household.pk, tech.pk), ())
                  if p.started_on <= day and (p.ended_on is None or p.ended_on >= day)]
            if not on:
                row.error(self.column("visited_on").label,
                          _("技术员 %(t)s 在该日期未与该户结对") % {"t": tech.name})
                continue
            if not (v.get("prescription") or v.get("measure_order") or v.get("adoption")):
                continue
            measure = v.get("_measure")
            if measure is None:
                row.error(self.column("prescription").label, _("没有这个处方编号和措施序号"))
                continue
            p = measure.prescription
            if p.area_code != household.area_code or p.status != Prescription.Status.ISSUED \
                    or p.industry_id not in {x.industry_id for x in on}:
                row.error(self.column("prescription").label,
                          _("该措施不属于该户所在村、结对产业已签发的处方"))
                continue
            if not v.get("adoption"):
                row.error(self.column("adoption").label, _("填写措施时采用情况必填"))
                continue
            key = (household.pk, tech.pk, day, measure.pk)
            if key in state["seen"]:
                row.error("", _("同一次服务的同一措施重复"))
                continue
            state["seen"].add(key)

    def begin_write(self, state) -> None:
        state["households"] = {}
        state["technicians"] = None

    def write(self, rows, state) -> Outcome:
        self._resolve(rows, state)
        actor, outcome = state["actor"], Outcome()
        hids = {r.values["_household"].pk for r in rows if r.values.get("_household")}
        visits = {(s.household_id, s.technician_id, s.visited_on): s for s in
                  ServiceVisit.objects.filter(household_id__in=hids, retired_at__isnull=True)}
        for row in rows:
            v = row.values
            household, tech = v.get("_household"), v.get("_technician")
            if household is None or tech is None:
                raise changed_since_check(row.line, _("贫困户或技术员已不在您的管辖范围内"))
            key = (household.pk, tech.pk, v["visited_on"])
            visit = visits.get(key)
            changed = False
            if visit is None:
                visit = ServiceVisit(household=household, technician=tech,
                                     area_code=household.area_code, visited_on=v["visited_on"],
                                     notes=v.get("notes") or "", recorded_by=actor)
                visit._history_user = actor
                visit.save()
                visits[key] = visit
                changed = True
            measure = v.get("_measure")
            if measure is not None and not MeasureResult.objects.filter(
                    visit=visit, measure=measure).exists():
                result = MeasureResult(visit=visit, measure=measure, adoption=v["adoption"],
                                       carried_out_on=v.get("carried_out_on"),
                                       effect=v.get("effect") or "")
                result._history_user = actor
                result.save()
                service_visits.results_written(visit)
                changed = True
            if changed:
                outcome.created += 1
            else:
                outcome.unchanged += 1
        return outcome

    def export_ordering(self, queryset):
        return queryset.select_related("household", "technician").order_by(
            "area_code", "household_id", "visited_on", "pk")

    def export_rows(self, queryset, *, reveal: bool):
        for visit in queryset.iterator(chunk_size=1000):
            base = {"area_code": visit.area_code, "household_number": visit.household.number,
                    "head_id_number": "",
                    "technician": visit.technician.name, "technician_phone": "",
                    "visited_on": visit.visited_on, "notes": visit.notes}
            results = list(visit.results.select_related("measure__prescription")
                           .order_by("measure__prescription_id", "measure__order"))
            for result in results or [None]:
                values = dict(base)
                if result is not None:
                    values.update(prescription=result.measure.prescription.number,
                                  measure_order=result.measure.order,
                                  adoption=result.adoption,
                                  carried_out_on=result.carried_out_on, effect=result.effect)
                yield [c.format(values.get(c.key)) for c in self.columns]


pairings_import = register(PairingImport())
service_visits_import = register(ServiceVisitImport())

__all__ = ["Adoption", "pairings_import", "service_visits_import"]
