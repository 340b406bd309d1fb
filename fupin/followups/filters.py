"""List filters of the plans list (page and API alike)."""

from __future__ import annotations

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fupin.registry.filters import StyledFilterSet

from .models import Category, VisitPlan

YES = [("yes", _("是")), ("no", _("否"))]


class PlanFilter(StyledFilterSet):
    category = django_filters.ChoiceFilter(label=_("回访类别"), choices=Category.choices)
    overdue = django_filters.ChoiceFilter(label=_("已逾期"), choices=YES, method="by_overdue")

    class Meta:
        model = VisitPlan
        fields = ["category"]

    def by_overdue(self, qs, name, value):
        today = timezone.localdate()
        if value == "yes":
            return qs.filter(due_on__lt=today)
        if value == "no":
            return qs.filter(due_on__gte=today)
        return qs
