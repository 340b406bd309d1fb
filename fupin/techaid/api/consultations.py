"""/api/v1/techaid/…: the consultations part's viewsets (registered on core.api.router).

- techaid/consultations: list, detail, raise (JSON, or multipart with `photos` files),
  correct, retire; the workflow at …/<id>/transitions/; one more photo at …/<id>/photos/.
- techaid/consultation-messages: the threads of the consultations the user sees (?consultation=),
  post (JSON, or multipart with `photos`).
- techaid/onsite-visits: read; complete at …/<id>/complete/.
"""

from __future__ import annotations

import django_filters
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from fupin.core.api import (
    MAX_PK,
    ScopedModelViewSet,
    ScopedReadOnlyViewSet,
    ScopeRequired,
    TransitionsMixin,
    router,
)
from fupin.core.drf import SafeJSONParser
from fupin.core.errors import ServiceError

from .. import consultations as services
from ..models import Consultation, Industry, Message, OnsiteVisit
from ..resources.consultations import ConsultationFilter, OnsiteVisitFilter


class ConsultationSerializer(serializers.ModelSerializer):
    """Raised with its village (area_code), household (optional), industry, problem and
    urgency; the status, routing, answer and confirmation move only through the
    transitions."""

    industry = serializers.PrimaryKeyRelatedField(
        queryset=Industry.objects.filter(retired_at__isnull=True))
    household = serializers.PrimaryKeyRelatedField(queryset=Consultation.objects.none(),
                                                   required=False, allow_null=True)
    overdue = serializers.SerializerMethodField(help_text="是否超时")
    photos = serializers.SerializerMethodField(help_text="现场照片的地址")

    class Meta:
        model = Consultation
        fields = ["id", "number", "area_code", "household", "industry", "title",
                  "description", "urgency", "status", "raised_at", "raised_by", "group",
                  "expert", "routed_at", "answer_due_at", "solve_due_at", "first_answer_at",
                  "answered_by", "diagnosis", "advice", "outcome", "closed_at", "rating",
                  "overdue", "photos", "version", "retired_at"]
        read_only_fields = ["number", "status", "raised_at", "raised_by", "group", "expert",
                            "routed_at", "answer_due_at", "solve_due_at", "first_answer_at",
                            "answered_by", "diagnosis", "advice", "outcome", "closed_at",
                            "rating", "version", "retired_at"]

    def __init__(self, *args, **kwargs):
        from fupin.registry.models import Household

        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if self.instance is not None and not isinstance(self.instance, list | tuple) \
                and getattr(self.instance, "pk", None):
            self.fields["area_code"].read_only = True
            self.fields["household"].read_only = True
        elif request is not None:
            self.fields["household"].queryset = Household.objects.visible_to(
                request.user).active()

    def get_overdue(self, obj) -> bool:
        return obj.overdue

    def get_photos(self, obj) -> list[str]:
        return [reverse("techaid:consultation_photo", args=[p.pk])
                for p in obj.photos.all() if p.message_id is None]


class ConsultationViewSet(TransitionsMixin, ScopedModelViewSet):
    model = Consultation
    serializer_class = ConsultationSerializer
    filterset_class = ConsultationFilter
    parser_classes = [SafeJSONParser, MultiPartParser]

    def get_queryset(self):
        return super().get_queryset().select_related("industry").prefetch_related("photos")

    def create(self, request, *args, **kwargs):
        if not hasattr(request.data, "getlist"):
            return super().create(request, *args, **kwargs)
        # multipart: the fields as form values, `photos` as files
        body = {k: v for k, v in request.data.items() if k != "photos"}
        serializer = self.get_serializer(data=body)
        self.refuse_fields(serializer, body)
        serializer.is_valid(raise_exception=True)
        obj = self._call(services.consultation_raise, actor=request.user,
                         data=dict(serializer.validated_data),
                         photos=request.FILES.getlist("photos"))
        return Response(self.get_serializer(obj).data, status=status.HTTP_201_CREATED)

    def create_record(self, *, actor, data):
        return services.consultation_raise(actor=actor, data=data)

    @extend_schema(request={"multipart/form-data": inline_serializer(
        "ConsultationPhotoUpload", {"photo": serializers.ImageField()})},
        responses=ConsultationSerializer, summary="上传一张现场照片")
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser],
            filter_backends=[])
    def photos(self, request, pk=None):
        obj = self.get_object()
        self._call(services.photo_add, actor=request.user, consultation=obj,
                   upload=request.FILES.get("photo"))
        obj.refresh_from_db()
        return Response(self.get_serializer(obj).data, status=status.HTTP_201_CREATED)


router.register("techaid/consultations", ConsultationViewSet, basename="consultation")


class MessageSerializer(serializers.ModelSerializer):
    consultation = serializers.PrimaryKeyRelatedField(queryset=Consultation.objects.none())
    author_name = serializers.SerializerMethodField()
    photos = serializers.SerializerMethodField(help_text="照片的地址")

    class Meta:
        model = Message
        fields = ["id", "consultation", "author", "author_name", "text", "posted_at", "photos"]
        read_only_fields = ["author", "posted_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["consultation"].queryset = Consultation.objects.visible_to(
                request.user).active()

    def get_author_name(self, obj) -> str:
        return str(getattr(obj.author, "display_name", "") or obj.author.get_username())

    def get_photos(self, obj) -> list[str]:
        return [reverse("techaid:consultation_photo", args=[p.pk]) for p in obj.photos.all()]


class MessageFilter(django_filters.FilterSet):
    consultation = django_filters.NumberFilter(field_name="consultation_id")

    class Meta:
        model = Message
        fields = ["consultation"]


class MessageViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                     viewsets.GenericViewSet):
    """The threads of the consultations the user sees; a post by a participant (not once
    the consultation is closed). Posts are kept, never edited or deleted."""

    serializer_class = MessageSerializer
    filterset_class = MessageFilter
    queryset = Message.objects.none()
    lookup_value_regex = r"[0-9]+"
    parser_classes = [SafeJSONParser, MultiPartParser]

    def get_permissions(self):
        from rest_framework.permissions import IsAuthenticated

        return [IsAuthenticated(), ScopeRequired()]

    def get_queryset(self):
        visible = Consultation.objects.visible_to(self.request.user).values("pk")
        return (Message.objects.filter(consultation__in=visible)
                .select_related("author").prefetch_related("photos").order_by("-pk"))

    def get_object(self):
        pk = int(self.kwargs["pk"])
        if pk > MAX_PK:
            raise exceptions.NotFound()
        obj = self.get_queryset().filter(pk=pk).first()
        if obj is None:
            raise exceptions.NotFound()
        return obj

    def create(self, request, *args, **kwargs):
        multipart = hasattr(request.data, "getlist")
        body = ({k: v for k, v in request.data.items() if k != "photos"} if multipart
                else request.data)
        if not isinstance(body, dict):
            raise exceptions.ValidationError({"non_field_errors": [_("请求内容须为对象。")]})
        unknown = sorted(set(body) - {"consultation", "text"})
        if unknown:
            raise exceptions.ValidationError({k: [_("没有这个字段。")] for k in unknown})
        serializer = self.get_serializer(data=body)
        serializer.is_valid(raise_exception=True)
        try:
            message = services.message_post(
                actor=request.user, consultation=serializer.validated_data["consultation"],
                text=serializer.validated_data.get("text", ""),
                photos=request.FILES.getlist("photos") if multipart else ())
        except ServiceError as exc:
            raise exceptions.ValidationError(
                {exc.field or "non_field_errors": [exc.message]}) from exc
        return Response(self.get_serializer(message).data, status=status.HTTP_201_CREATED)


router.register("techaid/consultation-messages", MessageViewSet,
                basename="consultation-message")


class OnsiteVisitSerializer(serializers.ModelSerializer):
    class Meta:
        model = OnsiteVisit
        fields = ["id", "area_code", "consultation", "expert", "technician", "planned_on",
                  "status", "done_on", "findings", "version", "retired_at"]
        read_only_fields = fields


class OnsiteCompleteSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, max_value=MAX_PK)
    findings = serializers.CharField(max_length=5000)
    done_on = serializers.DateField()


class OnsiteVisitViewSet(ScopedReadOnlyViewSet):
    """On-site visits are made by the consultation's 需面诊 step; completed here."""

    model = OnsiteVisit
    serializer_class = OnsiteVisitSerializer
    filterset_class = OnsiteVisitFilter

    def get_permissions(self):
        from rest_framework.permissions import IsAuthenticated

        return [IsAuthenticated(), ScopeRequired()]

    @extend_schema(request=OnsiteCompleteSerializer, responses=OnsiteVisitSerializer,
                   summary="填写面诊结果")
    @action(detail=True, methods=["post"], parser_classes=[SafeJSONParser],
            filter_backends=[])
    def complete(self, request, pk=None):
        obj = self.get_object()
        data = OnsiteCompleteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        obj = self._call(services.onsite_complete, actor=request.user, visit=obj,
                         findings=data.validated_data["findings"],
                         done_on=data.validated_data["done_on"],
                         expected_version=data.validated_data["version"])
        return Response(self.get_serializer(obj).data)


router.register("techaid/onsite-visits", OnsiteVisitViewSet, basename="onsitevisit")
