"""/api/v1/followups/plans/: the visit plans, read-only (derived by plans.py)."""

from __future__ import annotations

from rest_framework import serializers

from fupin.core import scoping
from fupin.core.api import ScopedReadOnlyViewSet, router
from fupin.core.drf import RolePermission

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


class ReadOnlyScope(RolePermission):
    """Signed in with a scope; a write is not a matter of role (nobody writes a plan): the
    viewset has no write action, so it answers 405."""

    def has_permission(self, request, view):
        return scoping.user_scope_code(request.user) is not None


class PlanViewSet(ScopedReadOnlyViewSet):
    permission_classes = [ReadOnlyScope]
    model = VisitPlan
    serializer_class = PlanSerializer
    filterset_class = PlanFilter
    select_related = ("person",)


router.register("followups/plans", PlanViewSet, basename="visitplan")
