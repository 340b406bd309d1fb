from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from fupin.core.api import ScopedModelViewSet, ScopedReadOnlyViewSet, router
from fupin.core.errors import ServiceError
from fupin.core.personal import PersonalDataSerializerMixin

from . import services
from .filters import HouseholdFilter, PersonFilter
from .identity import IdNumberError, parse_id_number
from .models import PROTECTED, Household, NationalReport, Person


class HouseholdSerializer(serializers.ModelSerializer):
    head_name = serializers.CharField(source="head.name", read_only=True, default="")
    number = serializers.CharField(required=False, allow_blank=True, max_length=30)

    class Meta:
        model = Household
        fields = ["id", "number", "area_code", "head", "head_name", "hamlet", "identified_year",
                  "household_kind", "poverty_status", "exit_year", "poverty_cause", "address",
                  "national_size", "income_per_capita", "national_reported_on",
                  "version", "retired_at"]
        # what the national system says of the household comes only from its files
        read_only_fields = ["head", "national_size", "income_per_capita",
                            "national_reported_on", "version", "retired_at"]
        extra_kwargs = {"number": {"validators": []}}


class PersonSerializer(PersonalDataSerializerMixin, serializers.ModelSerializer):
    """Protected values are masked on the way out, as core/personal.py shows them to the
    user (staff reveal one through /reveal/, which is logged); the birth date only for roles
    that may see personal data, the age (周岁) for everyone. Written in clear, stored
    encrypted."""

    household = serializers.PrimaryKeyRelatedField(queryset=Household.objects.none())
    id_number = serializers.CharField(write_only=True, required=False)
    phone = serializers.CharField(write_only=True, required=False, allow_blank=True)
    bank_account = serializers.CharField(write_only=True, required=False, allow_blank=True)
    age = serializers.IntegerField(read_only=True, help_text="周岁")

    class Meta:
        model = Person
        fields = ["id", "household", "area_code", "name", "id_number", "id_number_masked",
                  "birth_date", "age", "gender", "relation", "ethnicity", "national_number",
                  "education", "schooling", "health",
                  "labour_capacity", "skills", "phone", "phone_masked", "bank_name",
                  "bank_account", "bank_account_masked", "wants_training", "training_wish",
                  "wants_work", "work_place_wish", "industry_wish", "expected_wage",
                  "employment_status", "work_place", "employer", "complete", "missing",
                  "version", "retired_at"]
        read_only_fields = ["area_code", "id_number_masked", "birth_date", "gender",
                            "phone_masked", "bank_account_masked", "complete", "missing",
                            "version", "retired_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["household"].queryset = Household.objects.visible_to(
                request.user).active()

    def validate_id_number(self, value):
        try:
            return parse_id_number(value).number
        except IdNumberError as exc:
            raise serializers.ValidationError(exc.message) from exc


def _split(data: dict) -> tuple[dict, dict]:
    protected = {k: data.pop(k) for k in list(data) if k in PROTECTED}
    return data, protected


class HouseholdViewSet(ScopedModelViewSet):
    model = Household
    serializer_class = HouseholdSerializer
    filterset_class = HouseholdFilter


class PersonViewSet(ScopedModelViewSet):
    model = Person
    serializer_class = PersonSerializer
    filterset_class = PersonFilter
    select_related = ("household",)

    def create_record(self, *, actor, data):
        data, protected = _split(data)
        if not protected.get("id_number"):
            raise ServiceError("请填写身份证号。", field="id_number")
        household = data.pop("household")
        return services.person_register(actor=actor, household=household, data=data,
                                        protected=protected)

    def update_record(self, *, actor, instance, data, expected_version):
        data, protected = _split(data)
        return services.person_update(actor=actor, person=instance, data=data,
                                      protected=protected, expected_version=expected_version)

    @extend_schema(request=inline_serializer("RevealRequest", {
        "field": serializers.ChoiceField(choices=list(PROTECTED))}),
        responses=inline_serializer("Revealed", {"value": serializers.CharField()}))
    @action(detail=True, methods=["post"])
    def reveal(self, request, pk=None):
        """One protected value in clear, for roles that may see it; logged."""
        person = self.get_object()
        field = request.data.get("field", "") if isinstance(request.data, dict) else ""
        try:
            value = services.person_reveal(actor=request.user, person=person, field=field,
                                           request=request._request)
        except ServiceError as exc:
            raise exceptions.PermissionDenied(exc.message) from exc
        except Http404 as exc:
            raise exceptions.NotFound() from exc
        return Response({"value": value})


class NationalReportSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True)
    national_number = serializers.CharField(source="person.national_number", read_only=True)

    class Meta:
        model = NationalReport
        fields = ["id", "person", "person_name", "national_number", "area_code", "reported_on",
                  "listed", "work_status", "work_months", "work_location", "employer_name",
                  "post_kind", "post_months", "job_channel", "working", "outdated_at",
                  "outdated_reason", "version", "retired_at"]
        read_only_fields = fields


class NationalReportViewSet(ScopedReadOnlyViewSet):
    """/api/v1/national-reports/: what the national system reports of each person (written by
    the person import; read-only here), `POST …/{id}/outdated/` marks one outdated, and
    `GET …/mismatches/?area=CODE` gives the reconciliation counts of an area and its
    children (DESIGN §2)."""

    model = NationalReport
    serializer_class = NationalReportSerializer
    select_related = ("person",)

    @extend_schema(request=inline_serializer("OutdatedRequest", {
        "reason": serializers.CharField(required=False, allow_blank=True)}))
    @action(detail=True, methods=["post"])
    def outdated(self, request, pk=None):
        report = self.get_object()
        body = request.data if isinstance(request.data, dict) else {}
        unknown = sorted(set(body) - {"reason"})
        if unknown or not isinstance(request.data, dict):
            raise exceptions.ValidationError({name: [_("没有这个字段。")] for name in unknown}
                                             or {"non_field_errors": [_("请求体应为对象。")]})
        report = self._call(services.national_report_mark_outdated, actor=request.user,
                            person=report.person, reason=str(body.get("reason", "")))
        return Response(self.get_serializer(report).data)

    @extend_schema(responses=inline_serializer("Mismatches", {
        "area": serializers.CharField(), "total": serializers.DictField(),
        "children": serializers.ListField(child=serializers.DictField())}))
    @action(detail=False, methods=["get"])
    def mismatches(self, request):
        from fupin.core import scoping

        from .reconciliation import mismatch_counts

        area = scoping.requested_area(request.user, request.query_params.get("area"))
        total, children = mismatch_counts(user=request.user, area=area)
        return Response({"area": area, "total": total, "children": children})


router.register("households", HouseholdViewSet, basename="household")
router.register("persons", PersonViewSet, basename="person")
router.register("national-reports", NationalReportViewSet, basename="nationalreport")
