"""/api/v1/followups/needs/: the needs list, with its workflow's transitions (…/transitions/)."""

from rest_framework import serializers

from fupin.core.api import ScopedModelViewSet, TransitionsMixin, router
from fupin.registry.models import Person

from ..models import Need
from ..resources.needs import NeedFilter


class NeedSerializer(serializers.ModelSerializer):
    """A need raised by hand: person (among those the user sees, fixed after), kind, note,
    date. The status and how it was met move only through the transitions."""

    person = serializers.PrimaryKeyRelatedField(queryset=Person.objects.none())
    person_name = serializers.CharField(source="person.name", read_only=True)

    class Meta:
        model = Need
        fields = ["id", "area_code", "person", "person_name", "visit", "kind", "note",
                  "raised_on", "status", "met_by", "resolution", "closed_on",
                  "met_record_type", "met_record_id", "version", "retired_at"]
        read_only_fields = ["area_code", "visit", "status", "met_by", "resolution",
                            "closed_on", "met_record_type", "met_record_id", "version",
                            "retired_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if self.instance is not None and not isinstance(self.instance, list | tuple) \
                and getattr(self.instance, "pk", None):
            self.fields["person"].read_only = True
        elif request is not None:
            self.fields["person"].queryset = Person.objects.visible_to(request.user).active()


class NeedViewSet(TransitionsMixin, ScopedModelViewSet):
    model = Need
    serializer_class = NeedSerializer
    filterset_class = NeedFilter

    def get_queryset(self):
        return super().get_queryset().select_related("person")


router.register("followups/needs", NeedViewSet, basename="need")
