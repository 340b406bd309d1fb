"""/api/v1/techaid/…: the pairing part's viewsets (registered on core.api.router).

- techaid/pairings: create through pairing_services (the technician's industry, the load
  limit, the scope, one active pairing per household and industry), PATCH the start date and
  note, DELETE retires; POST …/{id}/end/ {ended_on, reason} and …/{id}/change/
  {technician, on, reason}.
- techaid/service-visits: a visit with its nested measure results
  ([{measure, adoption, carried_out_on, effect}]); JSON, or multipart `payload` + `photo`.
"""

from __future__ import annotations

import json

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from fupin.core.api import ScopedModelViewSet, router
from fupin.core.drf import SafeJSONParser, json_refusal
from fupin.registry.models import Household

from .. import pairing_services, service_visits
from ..models import Adoption, Industry, Measure, MeasureResult, Pairing, ServiceVisit, Technician
from ..resources.pairing import PairingFilter, ServiceVisitFilter


class PairingSerializer(serializers.ModelSerializer):
    household = serializers.PrimaryKeyRelatedField(queryset=Household.objects.all())
    industry = serializers.PrimaryKeyRelatedField(queryset=Industry.objects.all())
    technician = serializers.PrimaryKeyRelatedField(queryset=Technician.objects.all())
    technician_name = serializers.CharField(source="technician.name", read_only=True)
    industry_name = serializers.CharField(source="industry.name", read_only=True)

    class Meta:
        model = Pairing
        fields = ["id", "area_code", "household", "industry", "industry_name", "technician",
                  "technician_name", "started_on", "ended_on", "note", "version",
                  "retired_at"]
        read_only_fields = ["area_code", "ended_on", "version", "retired_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance is not None and not isinstance(self.instance, list | tuple) \
                and getattr(self.instance, "pk", None):
            for name in ("household", "industry", "technician"):
                self.fields[name].read_only = True


class PairingViewSet(ScopedModelViewSet):
    model = Pairing
    serializer_class = PairingSerializer
    filterset_class = PairingFilter
    select_related = ("technician", "industry")

    @extend_schema(request=inline_serializer("PairingEnd", {
        "ended_on": serializers.DateField(), "reason": serializers.CharField()}),
        responses=PairingSerializer, summary="结束结对")
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        pairing = self.get_object()
        body = request.data if isinstance(request.data, dict) else {}
        obj = self._call(pairing_services.pairing_end, actor=request.user, pairing=pairing,
                         ended_on=body.get("ended_on"), reason=body.get("reason"))
        return Response(PairingSerializer(obj).data)

    @extend_schema(request=inline_serializer("PairingChange", {
        "technician": serializers.IntegerField(), "on": serializers.DateField(),
        "reason": serializers.CharField()}), responses=PairingSerializer,
        summary="更换技术员（原结对结束，新结对同日开始）")
    @action(detail=True, methods=["post"])
    def change(self, request, pk=None):
        pairing = self.get_object()
        body = request.data if isinstance(request.data, dict) else {}
        obj = self._call(pairing_services.pairing_change, actor=request.user, pairing=pairing,
                         technician=body.get("technician"), on=body.get("on"),
                         reason=body.get("reason"))
        return Response(PairingSerializer(obj).data, status=status.HTTP_201_CREATED)


router.register("techaid/pairings", PairingViewSet, basename="pairing")


class MeasureResultSerializer(serializers.ModelSerializer):
    measure = serializers.PrimaryKeyRelatedField(queryset=Measure.objects.all())
    measure_name = serializers.CharField(source="measure.name", read_only=True)
    adoption = serializers.ChoiceField(choices=Adoption.choices)

    class Meta:
        model = MeasureResult
        fields = ["measure", "measure_name", "carried_out_on", "adoption", "effect"]


class ServiceVisitSerializer(serializers.ModelSerializer):
    household = serializers.PrimaryKeyRelatedField(queryset=Household.objects.all())
    technician = serializers.PrimaryKeyRelatedField(queryset=Technician.objects.all(),
                                                    required=False, allow_null=True)
    results = MeasureResultSerializer(many=True, required=False)
    has_photo = serializers.SerializerMethodField()

    class Meta:
        model = ServiceVisit
        fields = ["id", "area_code", "household", "technician", "visited_on", "notes",
                  "results", "has_photo", "version", "retired_at"]
        read_only_fields = ["area_code", "has_photo", "version", "retired_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance is not None and not isinstance(self.instance, list | tuple) \
                and getattr(self.instance, "pk", None):
            for name in ("household", "technician"):
                self.fields[name].read_only = True

    def get_has_photo(self, obj) -> bool:
        return bool(obj.photo)


class ServiceVisitViewSet(ScopedModelViewSet):
    model = ServiceVisit
    serializer_class = ServiceVisitSerializer
    filterset_class = ServiceVisitFilter
    select_related = ("technician",)
    parser_classes = [SafeJSONParser, MultiPartParser]

    def get_queryset(self):
        return super().get_queryset().prefetch_related("results__measure")

    def create(self, request, *args, **kwargs):
        if hasattr(request.data, "getlist"):  # multipart: `payload` (JSON text) + `photo`
            raw = request.data.get("payload", "")
            try:
                body = json.loads(raw) if raw else {}
            except ValueError:
                return Response({"detail": _("payload 不是有效的 JSON。")},
                                status=status.HTTP_400_BAD_REQUEST)
            if not isinstance(body, dict):
                return Response({"detail": _("请求内容应为 JSON 对象。")},
                                status=status.HTTP_400_BAD_REQUEST)
            refusal = json_refusal(body)
            if refusal:
                return Response({"detail": str(refusal)}, status=status.HTTP_400_BAD_REQUEST)
            self._photo = request.FILES.get("photo")
        else:
            body, self._photo = request.data, None
        serializer = self.get_serializer(data=body)
        self.refuse_fields(serializer, body)
        serializer.is_valid(raise_exception=True)
        obj = self._call(self.create_record, actor=request.user,
                         data=dict(serializer.validated_data))
        return Response(self.get_serializer(obj).data, status=status.HTTP_201_CREATED)

    def create_record(self, *, actor, data):
        data = dict(data)
        household = data.pop("household")
        results = [dict(r) for r in data.pop("results", [])]
        return service_visits.visit_record(actor=actor, household=household, data=data,
                                           results=results, photo=getattr(self, "_photo", None))

    def update_record(self, *, actor, instance, data, expected_version):
        data = dict(data)
        results = [dict(r) for r in data.pop("results", [])]
        return service_visits.visit_update(actor=actor, visit=instance, data=data,
                                           expected_version=expected_version, results=results)


router.register("techaid/service-visits", ServiceVisitViewSet, basename="servicevisit")
