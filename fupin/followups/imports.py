"""回访台账 (a village's ledger of past visits) through the shared tabular framework: the
person found by ID number in the uploader's scope; a row is the visit of (person, date,
method), so re-importing changes nothing; needs become Need rows; plans follow at the end."""

from __future__ import annotations

from functools import cache
from types import MappingProxyType

from django.utils import translation

from fupin.core import services as core
from fupin.core.tabular.spec import Col, register
from fupin.employment.imports.base import PERSON_COLUMNS, PersonRecordImport

from . import plans
from .models import Method, Need, NeedKind, Visit


def _labels(choices):
    @cache
    def labels():
        with translation.override("zh-hans"):
            return MappingProxyType({value: str(label) for value, label in choices})
    return labels


method_labels = _labels(Method.choices)
need_labels = _labels(NeedKind.choices)


class VisitImport(PersonRecordImport):
    name = "visits"
    title = "回访台账"
    model = Visit
    columns = [
        Col("county", "区县", synonyms=("县区",), help="可不填"),
        Col("township", "乡镇", synonyms=("乡镇（街道）",), help="可不填"),
        Col("village", "村", synonyms=("村（社区）", "行政村"), help="可不填"),
        *PERSON_COLUMNS,
        Col("visited_on", "回访日期", kind="date", required=True, synonyms=("回访时间",)),
        Col("method", "回访方式", kind="choice", required=True, choices=method_labels),
        Col("findings", "回访情况", synonyms=("回访内容", "情况说明"), prose=True),
        Col("visitor", "回访人", max_length=50, synonyms=("回访人员",)),
        Col("need_kind", "需求类型", kind="choice", choices=need_labels),
        Col("need_note", "需求说明", max_length=300, prose=True),
    ]
    record_fields = ["visited_on", "method", "findings", "visitor"]
    blank = {"visited_on": None}
    key_fields = ("visited_on", "method")
    key_words = "身份证号、回访日期、回访方式"
    instructions = [
        "每行一次回访。人员须已在实名制登记中登记，按身份证号找到；姓名用于核对。",
        "同一人、同一回访日期、同一回访方式的行是同一次回访：再次导入不会重复。",
        "需求类型可不填；填写时为 资金、技术、市场、用地、用工、培训、岗位、其他 之一。",
        "导入时先校验全部行，有任何错误都不会写入；导入后自动更新这些人员的回访计划。",
    ]

    def start(self, *, actor):
        return {**super().start(actor=actor), "last": {}}

    def check_row(self, row, state) -> None:
        super().check_row(row, state)
        from django.utils import timezone
        from django.utils.translation import gettext as _

        day = row.values.get("visited_on")
        if day is not None and day > timezone.localdate():
            row.error(self.column("visited_on").label, _("回访日期不能晚于今天"))

    def write(self, rows, state):
        # a visit already recorded (same person, date, method) is left as it is
        self.persons(rows, state)
        keyed = [(row, self.keyed_data(row, state)[0]) for row in rows]
        found = self.existing([key for _row, key in keyed], state)
        fresh = [row for row, key in keyed if key not in found]
        outcome = super().write(fresh, state)
        outcome.unchanged += len(rows) - len(fresh)
        visits = {(v.person_id, v.visited_on, v.method): v for v in Visit.objects.active()
                  .filter(person_id__in={self.person_of(r, state).pk for r in rows})}
        for row in rows:
            v = row.values
            person = self.person_of(row, state)
            visit = visits.get((person.pk, v["visited_on"], v["method"]))
            last = state["last"].get(person.pk)
            state["last"][person.pk] = max(filter(None, [last, v["visited_on"]]))
            if visit is None or not v.get("need_kind"):
                continue
            if not Need.objects.filter(visit=visit, kind=v["need_kind"]).exists():
                core.record_create(actor=state["actor"], model=Need, data={
                    "person_id": person.pk, "area_code": person.area_code, "visit": visit,
                    "kind": v["need_kind"], "note": v.get("need_note") or "",
                    "raised_on": v["visited_on"], "raised_by": state["actor"]})
        return outcome

    def finalize(self, state) -> None:
        from fupin.registry.models import Person

        for person in Person.objects.filter(pk__in=state["last"]):
            plans.plan_visited(person=person, visited_on=state["last"][person.pk],
                               actor=state["actor"])

    def export_ordering(self, queryset):
        return queryset.select_related("person").order_by("area_code", "person_id",
                                                          "visited_on", "pk")

    def export_values(self, record) -> dict:
        need = record.needs.order_by("pk").first()
        return {**super().export_values(record), "need_kind": need.kind if need else None,
                "need_note": need.note if need else ""}


visits_import = register(VisitImport())
