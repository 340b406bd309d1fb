"""/api/v1/techaid/…: the catalog part's viewsets (registered on core.api.router).

- techaid/industries: the catalogue (read: every signed-in user; write: administrators and
  county officers; DELETE retires);
- techaid/household-industries, techaid/experts, techaid/groups, techaid/technicians: scoped
  records through their Resources (writes through catalog.py). Phones are write-only; the
  answer carries `phone_masked` as the reader may see it (core/personal.py).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from rest_framework import exceptions, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from fupin.core import personal
from fupin.core.api import MAX_PK, ScopedModelViewSet, ServiceWrites, router
from fupin.core.drf import RolePermission

from .. import catalog as services
from ..models import Expert, ExpertGroup, GroupMember, HouseholdIndustry, Industry, Technician
from ..resources.catalog import ExpertFilter, GroupFilter, HouseholdIndustryFilter, TechnicianFilter


def _active_industries():
    return Industry.objects.filter(retired_at__isnull=True)


# --- industries -----------------------------------------------------------------------------------

class IndustrySerializer(serializers.ModelSerializer):
    class Meta:
        model = Industry
        fields = ["id", "name", "kind", "order", "version", "retired_at"]
        read_only_fields = ["version", "retired_at"]
        extra_kwargs = {"name": {"validators": []}}  # the service says why, in Chinese


class ManagersWrite(permissions.BasePermission):
    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        return services.can_manage(request.user)


class IndustryViewSet(ServiceWrites, viewsets.ModelViewSet):
    """The catalogue of industries (not area-scoped): everybody signed in reads it."""

    serializer_class = IndustrySerializer
    queryset = Industry.objects.none()
    permission_classes = [RolePermission, ManagersWrite]
    lookup_value_regex = r"[0-9]+"
    filter_backends: list = []
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def get_queryset(self):
        qs = Industry.objects.all()
        if self.action == "list":
            qs = qs.filter(retired_at__isnull=True)
        return qs

    def get_object(self):
        pk = int(self.kwargs["pk"])
        obj = Industry.objects.filter(pk=pk).first() if pk <= MAX_PK else None
        if obj is None:
            raise exceptions.NotFound()
        return obj

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        self.refuse_fields(serializer, request.data)
        serializer.is_valid(raise_exception=True)
        obj = self._call(services.industry_create, actor=request.user,
                         data=dict(serializer.validated_data))
        return Response(self.get_serializer(obj).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        instance = self.get_object()
        serializer = self.get_serializer(instance, data=request.data,
                                         partial=kwargs.get("partial", False))
        self.refuse_fields(serializer, request.data)
        serializer.is_valid(raise_exception=True)
        obj = self._call(services.industry_update, actor=request.user, industry=instance,
                         data=dict(serializer.validated_data),
                         expected_version=self._expected_version(request))
        return Response(self.get_serializer(obj).data)

    def destroy(self, request, *args, **kwargs):
        self._call(services.industry_retire, actor=request.user, industry=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


router.register("techaid/industries", IndustryViewSet, basename="industry")


# --- a household's industries ---------------------------------------------------------------------

class HouseholdIndustrySerializer(serializers.ModelSerializer):
    household = serializers.PrimaryKeyRelatedField(queryset=HouseholdIndustry.objects.none())
    household_number = serializers.CharField(source="household.number", read_only=True)
    industry_name = serializers.CharField(source="industry.name", read_only=True)

    class Meta:
        model = HouseholdIndustry
        fields = ["id", "area_code", "household", "household_number", "industry",
                  "industry_name", "main", "scale", "version", "retired_at"]
        read_only_fields = ["area_code", "version", "retired_at"]

    def __init__(self, *args, **kwargs):
        from fupin.registry.models import Household

        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        self.fields["industry"].queryset = _active_industries()
        if self.instance is not None and getattr(self.instance, "pk", None):
            self.fields["household"].read_only = True
            self.fields["household"].queryset = None
        elif request is not None:
            self.fields["household"].queryset = Household.objects.visible_to(
                request.user).active()


class HouseholdIndustryViewSet(ScopedModelViewSet):
    model = HouseholdIndustry
    serializer_class = HouseholdIndustrySerializer
    filterset_class = HouseholdIndustryFilter
    select_related = ("household", "industry")


router.register("techaid/household-industries", HouseholdIndustryViewSet,
                basename="householdindustry")


# --- experts and technicians ----------------------------------------------------------------------

class _PersonSerializer(personal.PersonalDataSerializerMixin, serializers.ModelSerializer):
    phone = serializers.CharField(write_only=True, required=False, allow_blank=True,
                                  max_length=20, help_text="联系电话（只写；读取见 phone_masked）")
    industries = serializers.PrimaryKeyRelatedField(many=True, required=False,
                                                    queryset=Industry.objects.none())
    user = serializers.PrimaryKeyRelatedField(required=False, allow_null=True,
                                              queryset=get_user_model().objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["industries"].child_relation.queryset = _active_industries()
        self.fields["user"].queryset = get_user_model().objects.filter(
            is_active=True, is_superuser=False)

    def validate_phone(self, value):
        from fupin.core.tabular.parsers import CellError, parse_phone

        value = (value or "").strip()
        try:
            return parse_phone(value) if value else ""
        except CellError as exc:
            raise serializers.ValidationError(exc.message) from exc


class ExpertSerializer(_PersonSerializer):
    class Meta:
        model = Expert
        fields = ["id", "area_code", "name", "institution", "research_institute", "title",
                  "specialities", "industries", "phone", "phone_masked", "user", "version",
                  "retired_at"]
        read_only_fields = ["phone_masked", "version", "retired_at"]


class ExpertViewSet(ScopedModelViewSet):
    model = Expert
    serializer_class = ExpertSerializer
    filterset_class = ExpertFilter

    def get_queryset(self):
        return super().get_queryset().prefetch_related("industries").distinct()


router.register("techaid/experts", ExpertViewSet, basename="expert")


class TechnicianSerializer(_PersonSerializer):
    class Meta:
        model = Technician
        fields = ["id", "area_code", "name", "organisation", "industries", "load_limit",
                  "phone", "phone_masked", "user", "version", "retired_at"]
        read_only_fields = ["phone_masked", "version", "retired_at"]


class TechnicianViewSet(ScopedModelViewSet):
    model = Technician
    serializer_class = TechnicianSerializer
    filterset_class = TechnicianFilter

    def get_queryset(self):
        return super().get_queryset().prefetch_related("industries").distinct()


router.register("techaid/technicians", TechnicianViewSet, basename="technician")


# --- expert groups --------------------------------------------------------------------------------

class MemberSerializer(serializers.ModelSerializer):
    expert_name = serializers.CharField(source="expert.name", read_only=True)

    class Meta:
        model = GroupMember
        fields = ["id", "expert", "expert_name", "joined_on", "left_on"]
        read_only_fields = fields


class GroupSerializer(serializers.ModelSerializer):
    industry_name = serializers.CharField(source="industry.name", read_only=True)
    members = serializers.SerializerMethodField()

    class Meta:
        model = ExpertGroup
        fields = ["id", "area_code", "name", "industry", "industry_name", "chief", "members",
                  "version", "retired_at"]
        read_only_fields = ["members", "version", "retired_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        self.fields["industry"].queryset = _active_industries()
        self.fields["chief"].queryset = (Expert.objects.visible_to(request.user).active()
                                         if request is not None else Expert.objects.none())
        self.fields["name"].required = False
        if self.instance is not None and getattr(self.instance, "pk", None):
            self.fields["area_code"].read_only = True

    def get_members(self, obj) -> list[dict]:
        members = obj.members.filter(left_on__isnull=True).select_related("expert")
        return MemberSerializer(members, many=True).data


class GroupMemberBody(serializers.Serializer):
    expert = serializers.IntegerField(min_value=1, max_value=MAX_PK)


class GroupViewSet(ScopedModelViewSet):
    """Groups; members join and leave through POST …/<id>/members/ and …/<id>/leave/."""

    model = ExpertGroup
    serializer_class = GroupSerializer
    filterset_class = GroupFilter
    select_related = ("industry", "chief")

    def _member_call(self, request, fn):
        group = self.get_object()
        body = GroupMemberBody(data=request.data)
        body.is_valid(raise_exception=True)
        expert = Expert.objects.visible_to(request.user).filter(
            pk=body.validated_data["expert"]).first()
        if expert is None:
            raise exceptions.NotFound(_("在您的管辖范围内没有这位专家。"))
        self._call(fn, actor=request.user, group=group, expert=expert)
        group.refresh_from_db()
        return Response(GroupSerializer(group, context=self.get_serializer_context()).data)

    def get_serializer_class(self):
        if getattr(self, "action", None) in ("add_member", "remove_member"):
            return GroupMemberBody
        return super().get_serializer_class()

    @action(detail=True, methods=["post"], url_path="members")
    def add_member(self, request, pk=None):
        return self._member_call(request, services.group_member_add)

    @action(detail=True, methods=["post"], url_path="leave")
    def remove_member(self, request, pk=None):
        return self._member_call(request, services.group_member_remove)


router.register("techaid/groups", GroupViewSet, basename="expertgroup")
