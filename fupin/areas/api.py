from rest_framework import mixins, serializers, viewsets

from fupin.core.api import router

from .models import Area


class AreaSerializer(serializers.ModelSerializer):
    # the top of the tree (the province) has no parent: null
    parent_code = serializers.CharField(source="parent_id", read_only=True, allow_null=True)

    class Meta:
        model = Area
        fields = ["code", "name", "level", "parent_code"]


class AreaViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Areas are public reference data: any signed-in user may read the tree.
    `?parent=CODE` lists the children of CODE; without it, the top level."""

    serializer_class = AreaSerializer
    queryset = Area.objects.all()
    filter_backends: list = []
    pagination_class = None
    read_only = True
    lookup_value_regex = r"[0-9]+"  # area codes are digits; anything else is 404

    def get_queryset(self):
        parent = self.request.query_params.get("parent")
        if self.action == "list":
            return Area.objects.filter(parent_id=parent) if parent else Area.objects.filter(
                parent__isnull=True)
        return Area.objects.all()


router.register("areas", AreaViewSet, basename="area")
