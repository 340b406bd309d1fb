"""/api/v1/techaid/missions/ and /api/v1/techaid/prescriptions/ (with nested measures and
the workflow's transitions: …/transitions/issue/)."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from fupin.core.api import ScopedModelViewSet, TransitionsMixin, router
from fupin.core.bounds import validate_date, validate_year

from ..models import Expert, Industry, Measure, Mission, MissionMember, Prescription
from ..resources.prescriptions import MissionFilter, PrescriptionFilter


class MemberSerializer(serializers.ModelSerializer):
    technician_name = serializers.CharField(source="technician.name", read_only=True)
    industry_name = serializers.CharField(source="industry.name", read_only=True,
                                          default="")

    class Meta:
        model = MissionMember
        fields = ["id", "technician", "technician_name", "industry", "industry_name",
                  "joined_on", "left_on"]
        read_only_fields = fields


class MissionSerializer(serializers.ModelSerializer):
    """A village's mission: the village (a poor village, fixed after creation), name, leader
    (a research-institute expert of the county) and formation date. Members are read here
    and changed on the mission's page (services mission_member_add / _remove)."""

    leader = serializers.PrimaryKeyRelatedField(queryset=Expert.objects.none())
    leader_name = serializers.CharField(source="leader.name", read_only=True)
    formed_on = serializers.DateField(validators=[validate_date])
    members = serializers.SerializerMethodField()

    class Meta:
        model = Mission
        fields = ["id", "area_code", "name", "leader", "leader_name", "formed_on", "members",
                  "version", "retired_at"]
        read_only_fields = ["version", "retired_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["leader"].queryset = Expert.objects.visible_to(request.user).active()
        if self.instance is not None and not isinstance(self.instance, list | tuple) \
                and getattr(self.instance, "pk", None):
            self.fields["area_code"].read_only = True

    def get_members(self, obj) -> list[dict]:
        members = getattr(obj, "active_members", None)
        if members is None:
            members = obj.members.filter(left_on__isnull=True).select_related(
                "technician", "industry").order_by("joined_on", "pk")
        return MemberSerializer(members, many=True).data


class MissionViewSet(ScopedModelViewSet):
    model = Mission
    serializer_class = MissionSerializer
    filterset_class = MissionFilter
    select_related = ("leader",)

    def get_queryset(self):
        members = MissionMember.objects.filter(left_on__isnull=True).select_related(
            "technician", "industry").order_by("joined_on", "pk")
        return super().get_queryset().prefetch_related(
            Prefetch("members", queryset=members, to_attr="active_members"))


class MeasureSerializer(serializers.ModelSerializer):
    class Meta:
        model = Measure
        fields = ["order", "name", "timing", "inputs", "expected_effect"]
        read_only_fields = ["order"]


class PrescriptionSerializer(serializers.ModelSerializer):
    """A prescription and its measures (in order; a write replaces them, while a draft).
    Its mission is the village's; number, status, issued_on and signed_by are set by the
    services and the "issue" step (…/transitions/issue/)."""

    industry = serializers.PrimaryKeyRelatedField(
        queryset=Industry.objects.filter(retired_at__isnull=True))
    year = serializers.IntegerField(validators=[validate_year])
    measures = MeasureSerializer(many=True, required=False)
    mission_name = serializers.CharField(source="mission.name", read_only=True)
    industry_name = serializers.CharField(source="industry.name", read_only=True)

    class Meta:
        model = Prescription
        fields = ["id", "number", "area_code", "mission", "mission_name", "industry",
                  "industry_name", "year", "problems", "diagnosis", "status", "issued_on",
                  "signed_by", "measures", "version", "retired_at"]
        read_only_fields = ["number", "mission", "status", "issued_on", "signed_by",
                            "version", "retired_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance is not None and not isinstance(self.instance, list | tuple) \
                and getattr(self.instance, "pk", None):
            self.fields["area_code"].read_only = True

    def to_representation(self, obj):
        data = super().to_representation(obj)
        data["measures"] = MeasureSerializer(obj.measures.order_by("order", "pk"),
                                             many=True).data
        return data

    def validate_measures(self, value):
        if len(value) > 50:
            raise serializers.ValidationError(_("技术措施最多 50 条。"))
        return value


class PrescriptionViewSet(TransitionsMixin, ScopedModelViewSet):
    model = Prescription
    serializer_class = PrescriptionSerializer
    filterset_class = PrescriptionFilter
    select_related = ("industry", "mission")


router.register("techaid/missions", MissionViewSet, basename="mission")
router.register("techaid/prescriptions", PrescriptionViewSet, basename="prescription")
