"""The employment lists in the API (/api/v1/employments/, ventures/, welfare-posts/,
placements/). Reads go through the same Resource (and scoping) as the pages; writes go through
the same services. A person is given by `person` (their id) or `person_id_number`; ID numbers
only ever come back masked (as core/personal.py shows them to the user)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import serializers

from fupin.core.api import ScopedModelViewSet, router
from fupin.core.personal import PersonalDataSerializerMixin
from fupin.registry.fields import persons_by_id_number
from fupin.registry.identity import IdNumberError, parse_id_number
from fupin.registry.models import Person

from .filters import EmploymentFilter, PlacementFilter, VentureFilter, WelfarePostFilter
from .models import Employment, Placement, Venture, WelfarePost

RECORD_READ_ONLY = ["area_code", "version", "retired_at"]


class PersonRecordSerializer(PersonalDataSerializerMixin, serializers.ModelSerializer):
    person = serializers.PrimaryKeyRelatedField(queryset=Person.objects.none(), required=False)
    person_id_number = serializers.CharField(write_only=True, required=False,
                                             help_text="人员的 18 位身份证号（可代替 person）")
    person_name = serializers.CharField(source="person.name", read_only=True)
    person_id_number_masked = serializers.CharField(source="person.id_number_masked",
                                                    read_only=True)
    PERSON_FIELDS = ["person", "person_id_number", "person_name", "person_id_number_masked"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["person"].queryset = Person.objects.visible_to(request.user)

    def validate(self, attrs):
        number = attrs.pop("person_id_number", None)
        if number:
            request = self.context.get("request")
            try:
                number = parse_id_number(number).number
            except IdNumberError as exc:
                raise serializers.ValidationError({"person_id_number": [exc.message]}) from exc
            found = persons_by_id_number(user=request.user, numbers=[number]).get(number)
            if found is None:
                raise serializers.ValidationError(
                    {"person_id_number": [_("在您的管辖范围内没有登记这个身份证号。")]})
            attrs["person"] = found
        if self.instance is None and attrs.get("person") is None:
            raise serializers.ValidationError(
                {"person": [_("请提供人员：person（人员编号）或 person_id_number（身份证号）。")]})
        return attrs


class EmploymentSerializer(PersonRecordSerializer):
    class Meta:
        model = Employment
        fields = ["id", *PersonRecordSerializer.PERSON_FIELDS, "area_code", "employer", "place",
                  "industry", "start_date", "end_date", "monthly_income", "channel",
                  "contract", "full_time", "version", "retired_at"]
        read_only_fields = RECORD_READ_ONLY
        validators: list = []  # the services check the matching keys, with Chinese reasons


class VentureSerializer(PersonRecordSerializer):
    class Meta:
        model = Venture
        fields = ["id", *PersonRecordSerializer.PERSON_FIELDS, "area_code", "business",
                  "industry", "start_date", "end_date", "college_student", "loan_amount",
                  "loan_bank", "loan_start", "loan_end", "interest_subsidy", "employees",
                  "poor_employees", "version", "retired_at"]
        read_only_fields = RECORD_READ_ONLY
        validators: list = []  # the services check the matching keys, with Chinese reasons


class WelfarePostSerializer(serializers.ModelSerializer):
    class Meta:
        model = WelfarePost
        fields = ["id", "area_code", "name", "kind", "monthly_pay", "established", "version",
                  "retired_at"]
        read_only_fields = ["version", "retired_at"]
        validators: list = []


class PlacementSerializer(PersonRecordSerializer):
    post = serializers.PrimaryKeyRelatedField(queryset=WelfarePost.objects.none())
    post_name = serializers.CharField(source="post.name", read_only=True)

    class Meta:
        model = Placement
        fields = ["id", "post", "post_name", *PersonRecordSerializer.PERSON_FIELDS,
                  "area_code", "start_date", "end_date", "version", "retired_at"]
        read_only_fields = RECORD_READ_ONLY
        validators: list = []  # the services check the matching keys, with Chinese reasons

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["post"].queryset = WelfarePost.objects.visible_to(request.user)


class EmploymentViewSet(ScopedModelViewSet):
    model = Employment
    serializer_class = EmploymentSerializer
    filterset_class = EmploymentFilter
    select_related = ("person",)


class VentureViewSet(ScopedModelViewSet):
    model = Venture
    serializer_class = VentureSerializer
    filterset_class = VentureFilter
    select_related = ("person",)


class WelfarePostViewSet(ScopedModelViewSet):
    model = WelfarePost
    serializer_class = WelfarePostSerializer
    filterset_class = WelfarePostFilter


class PlacementViewSet(ScopedModelViewSet):
    model = Placement
    serializer_class = PlacementSerializer
    filterset_class = PlacementFilter
    select_related = ("person", "post")


router.register("employments", EmploymentViewSet, basename="employment")
router.register("ventures", VentureViewSet, basename="venture")
router.register("welfare-posts", WelfarePostViewSet, basename="welfarepost")
router.register("placements", PlacementViewSet, basename="placement")
