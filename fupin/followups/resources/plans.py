"""The plans list (回访计划): derived, so read-only (plans.py writes it)."""

from __future__ import annotations

from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from fupin.core.errors import ServiceError
from fupin.core.resources import Column, Resource

from ..filters import PlanFilter
from ..models import VisitPlan


class PlanResource(Resource):
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

    def save_form(self, *, actor, form, instance, expected_version):
        raise ServiceError(_t("回访计划按人员的就业记录自动计算，不能手工修改。"))

    def create(self, *, actor, data):
        return self.save_form(actor=actor, form=None, instance=None, expected_version=None)

    def update(self, *, actor, instance, data, expected_version):
        return self.save_form(actor=actor, form=None, instance=instance,
                              expected_version=expected_version)

    def retire(self, *, actor, instance, reason=""):
        raise ServiceError(_t("回访计划随人员是否为劳动力自动停用或恢复，不能手工停用。"))

    def restore(self, *, actor, instance):
        return self.retire(actor=actor, instance=instance)


plans = PlanResource()
