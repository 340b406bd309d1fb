"""The plans list (回访计划): derived, so read-only (plans.py writes it)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from fupin.core.resources import Column, DerivedResource

from ..filters import PlanFilter
from ..models import VisitPlan


class PlanResource(DerivedResource):
    model = VisitPlan
    filterset_class = PlanFilter
    read_only = True
    icon = "calendar-check"
    columns = [Column("person__name", _("姓名"), link=True), Column("category"),
               Column("reason"), Column("due_on"), Column("last_visit_on")]
    detail_fields = ["category", "reason", "interval_days", "since", "last_visit_on",
                     "due_on"]

    def list_queryset(self, user):
        return self.queryset(user).select_related("person").order_by("due_on", "pk")

    edit_refusal = _("回访计划按人员的就业记录自动计算，不能手工修改。")
    retire_refusal = _("回访计划随人员是否为劳动力自动停用或恢复，不能手工停用。")


plans = PlanResource()
