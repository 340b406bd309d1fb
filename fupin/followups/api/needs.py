"""/api/v1/followups/needs/: the needs list, with its workflow's transitions."""

from rest_framework import serializers

from fupin.core.api import ScopedModelViewSet, TransitionsMixin, router

from ..models import Need
from ..resources.needs import NeedFilter


class NeedSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True)

    class Meta:
        model = Need
        fields = ["id", "area_code", "person", "person_name", "visit", "kind", "note",
                  "raised_on", "status", "met_by", "resolution", "closed_on",
                  "met_record_type", "met_record_id", "version", "retired_at"]
        read_only_fields = fields


class NeedViewSet(TransitionsMixin, ScopedModelViewSet):
    model = Need
    serializer_class = NeedSerializer
    filterset_class = NeedFilter
    http_method_names = ["get", "post", "head", "options"]

    def create(self, request, *args, **kwargs):
        from rest_framework.exceptions import MethodNotAllowed

        raise MethodNotAllowed("POST")  # needs are raised at visits or on the page

    def get_queryset(self):
        return super().get_queryset().select_related("person")


router.register("followups/needs", NeedViewSet, basename="followups-need")
