"""/api/v1/followups/plans/: the visit plans, read-only (derived by plans.py)."""

from __future__ import annotations

from rest_framework import serializers

from fupin.core.api import ScopedReadOnlyViewSet, router

from ..filters import PlanFilter
from ..models import VisitPlan


class PlanSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True)
    category_label = serializers.CharField(source="get_category_display", read_only=True)
    reason_label = serializers.CharField(source="get_reason_display", read_only=True)

    class Meta:
        model = VisitPlan
        fields = ["id", "person", "person_name", "area_code", "category", "category_label",
                  "reason", "reason_label", "interval_days", "since", "last_visit_on",
                  "due_on", "version", "retired_at"]
        read_only_fields = fields


class PlanViewSet(ScopedReadOnlyViewSet):
    model = VisitPlan
    serializer_class = PlanSerializer
    filterset_class = PlanFilter
    select_related = ("person",)


router.register("followups/plans", PlanViewSet, basename="visitplan")
