from rest_framework import mixins, serializers, viewsets

from fupin.core import scoping
from fupin.core.api import router

from .models import Area


class AreaSerializer(serializers.ModelSerializer):
    # the top of the tree (the province) has no parent: null
    parent_code = serializers.CharField(source="parent_id", read_only=True, allow_null=True)

    class Meta:
        model = Area
        # a village's poverty status (贫困村, DESIGN §5), changed through its page or import
        fields = ["code", "name", "level", "parent_code", "poor_village",
                  "poor_identified_year", "poor_exit_year"]
        read_only_fields = fields


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
            if self.request.query_params.get("poor_village") in ("1", "true"):
                scope = scoping.user_scope_code(self.request.user) or ""
                qs = Area.objects.filter(level="village", poor_village=True)
                return qs.filter(code__startswith=parent or scope) if (parent or scope) \
                    else qs.none()
            return Area.objects.filter(parent_id=parent) if parent else Area.objects.filter(
                parent__isnull=True)
        return Area.objects.all()


router.register("areas", AreaViewSet, basename="area")
