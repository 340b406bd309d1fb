"""API parts shared by every app: the role permission, keyset pagination, and the scoped
model viewset that reads through the same Resource (and so the same scoping) as the pages."""

from __future__ import annotations

from collections.abc import Mapping

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from . import notifications, scoping
from .drf import SafeJSONParser
from .errors import ConcurrentEditError, ServiceError
from .models import Notification
from .resources import resource_for

# Every app registers its viewsets here, in its own api.py (discovered by fupin.api_urls).
router = DefaultRouter()


MAX_PK = 2**63 - 1


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class ServiceWrites:
    """How a viewset's writes reach the services: service errors as 400 (409 for a lost
    update), a body naming only writable fields, the record's version required on a change.
    Shared by the scoped viewsets and the few unscoped catalogues (an app's industries)."""

    # Accepted in a body although read-only: the version an update is based on (the lock).
    accepted_read_only = frozenset({"version"})

    def _call(self, fn, **kwargs):
        try:
            return fn(**kwargs)
        except ConcurrentEditError as exc:
            raise Conflict(exc.message) from exc
        except ServiceError as exc:
            raise exceptions.ValidationError(
                {exc.field or "non_field_errors": [exc.message]}) from exc
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(getattr(exc, "message_dict", None)
                                             or {"non_field_errors": exc.messages}) from exc

    def _expected_version(self, request):
        raw = request.data.get("version", request.headers.get("If-Match", ""))
        raw = str(raw).strip('"')
        if not raw.isdigit():
            raise exceptions.ValidationError(
                {"version": [_("修改时须提供记录的版本号（version 字段或 If-Match 头）。")]})
        return int(raw)

    def refuse_fields(self, serializer, data) -> None:
        """A body may only name fields the client can write. A read-only field (an
        enrolment's person after creation, a record's area_code) or an unknown name (a typo)
        is refused with a 400 naming it, rather than silently ignored: the client would
        otherwise believe it had changed something that did not change."""
        if not isinstance(data, Mapping):
            return  # the serializer answers a body that is not an object
        errors = {}
        for name in data:
            if name in self.accepted_read_only:
                continue
            field = serializer.fields.get(name)
            if field is None:
                errors[name] = [_("没有这个字段。")]
            elif field.read_only:
                errors[name] = [_("该字段只读，不能提交。")]
        if errors:
            raise exceptions.ValidationError(errors)


class ScopedReads(ServiceWrites):
    """What every scoped viewset shares: reads through `resource.queryset(user)`, integer
    ids, out of scope = 404, service errors as 400/409."""

    model = None
    select_related: tuple[str, ...] = ()  # relations every row of the answer shows
    # Ids are integers: /persons/abc/ does not match the route and answers 404, not 500.
    lookup_value_regex = r"[0-9]+"

    @property
    def resource(self):
        return resource_for(self.model)

    def get_queryset(self):
        qs = self.resource.queryset(self.request.user)
        if self.select_related:
            qs = qs.select_related(*self.select_related)
        if self.action == "list":
            qs = qs.active()
        return qs

    @property
    def queryset(self):  # for RolePermission and schema generation
        return self.model.objects.none()

    def get_object(self):
        pk = int(self.kwargs["pk"])
        if pk > MAX_PK:  # beyond any id the database holds (and beyond its integer type)
            raise exceptions.NotFound()
        try:
            return scoping.get_visible_or_404(self.get_queryset(), self.request.user, pk=pk)
        except Http404 as exc:
            raise exceptions.NotFound() from exc

    def filter_queryset(self, queryset):
        area = self.request.query_params.get("area", "").strip()
        if area:
            queryset = self.resource.filter_area(queryset, area)
        return super().filter_queryset(queryset)


class ScopedReadOnlyViewSet(ScopedReads, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                            viewsets.GenericViewSet):
    """List and detail only: for records that services write elsewhere (the national
    system's reports, written by the person import) and that the API reads and acts on
    through the viewset's own actions."""


class ScopedModelViewSet(ScopedReads, viewsets.ModelViewSet):
    """CRUD over a Resource's model. Writes go through the resource's services. Updates must
    carry the `version` they were based on (body field or If-Match header); a stale one
    answers 409. DELETE retires."""

    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    # hooks: how validated data reaches the services (override for models with more rules)
    def create_record(self, *, actor, data: dict):
        return self.resource.create(actor=actor, data=data)

    def update_record(self, *, actor, instance, data: dict, expected_version: int):
        return self.resource.update(actor=actor, instance=instance, data=data,
                                    expected_version=expected_version)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        self.refuse_fields(serializer, request.data)
        serializer.is_valid(raise_exception=True)
        obj = self._call(self.create_record, actor=request.user,
                         data=dict(serializer.validated_data))
        return Response(self.get_serializer(obj).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        instance = self.get_object()
        serializer = self.get_serializer(instance, data=request.data,
                                         partial=kwargs.get("partial", False))
        self.refuse_fields(serializer, request.data)
        serializer.is_valid(raise_exception=True)
        obj = self._call(self.update_record, actor=request.user, instance=instance,
                         data=dict(serializer.validated_data),
                         expected_version=self._expected_version(request))
        return Response(self.get_serializer(obj).data)

    def destroy(self, request, *args, **kwargs):
        instance = self.get_object()
        body = request.data if isinstance(request.data, Mapping) else {}  # a list: no reason
        self._call(self.resource.retire, actor=request.user, instance=instance,
                   reason=str(body.get("reason", "")))
        return Response(status=status.HTTP_204_NO_CONTENT)


@csrf_exempt  # as DRF's views: the API authenticates by token, and a 404 changes nothing
def not_found(request, *args, **kwargs):
    """The answer of every /api/ path that no route matches (a non-integer id, a typo): a
    JSON 404 like the API's other answers, not the site's HTML page."""
    return JsonResponse({"detail": _("未找到。")}, status=404)



# --- notifications: each user's own (DESIGN §8) -------------------------------------------

class NotificationSerializer(serializers.ModelSerializer):
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "text", "link", "area_code", "created_at", "read_at", "read"]
        read_only_fields = fields

    def get_read(self, obj) -> bool:
        return obj.read_at is not None


class NotificationFilter(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(field_name="read_at", lookup_expr="isnull",
                                          label=gettext_lazy("只看未读"))

    class Meta:
        model = Notification
        fields = ["unread", "kind"]


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                          viewsets.GenericViewSet):
    """The signed-in user's notifications, newest first (`?unread=true`: unread only); the
    unread count; mark one or all read. Another user's notification answers 404."""

    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter
    queryset = Notification.objects.none()  # for the schema; reads use get_queryset
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self):
        return notifications.notifications_of(self.request.user)

    def get_object(self):
        pk = int(self.kwargs["pk"])
        if pk > MAX_PK:
            raise exceptions.NotFound()
        try:
            return self.get_queryset().get(pk=pk)
        except Notification.DoesNotExist as exc:
            raise exceptions.NotFound() from exc

    @extend_schema(responses=inline_serializer("UnreadCount", {
        "unread": serializers.IntegerField()}))
    @action(detail=False, methods=["get"], url_path="unread-count")
    def unread_count(self, request):
        return Response({"unread": notifications.unread_count(request.user)})

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        obj = self.get_object()
        obj = notifications.notification_mark_read(actor=request.user, notification_id=obj.pk)
        return Response(self.get_serializer(obj).data)

    @extend_schema(request=None, responses=inline_serializer("MarkedRead", {
        "marked": serializers.IntegerField()}))
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked": notifications.notifications_mark_all_read(actor=request.user)})


router.register("notifications", NotificationViewSet, basename="notification")


# --- workflows ---------------------------------------------------------------------------------

class TransitionInputSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="payload 中的键")
    label = serializers.CharField()
    kind = serializers.ChoiceField(choices=["text", "date", "number", "choice"])
    required = serializers.BooleanField()


class TransitionOptionSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="操作名，用于 POST …/transitions/<name>/")
    label = serializers.CharField(help_text="操作的中文名称")
    reason_required = serializers.BooleanField(help_text="须填写理由（reason）")
    evidence_required = serializers.BooleanField(help_text="须上传证明材料（evidence，multipart）")
    inputs = TransitionInputSerializer(many=True, help_text="操作可带的附加数据（payload）")


class TransitionRequestSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, max_value=MAX_PK,
                                       help_text="记录的版本号（防止覆盖他人的修改）")
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500,
                                   help_text="理由；操作要求时必填")
    payload = serializers.DictField(required=False, help_text="操作记录的附加数据")


class PayloadTextField(serializers.JSONField):
    """The payload of a multipart request: the JSON text of an object, parsed here (binary),
    refused as SafeJSONParser refuses a JSON body: bad JSON, too deep, NUL characters."""

    default_error_messages = {"invalid": gettext_lazy("附加数据须为 JSON 对象的文本。")}

    def __init__(self, **kwargs):
        super().__init__(binary=True, **kwargs)

    def to_internal_value(self, data):
        from .drf import SafeJSONParser, json_refusal

        try:
            value = super().to_internal_value(data)
        except RecursionError as exc:
            raise serializers.ValidationError(SafeJSONParser.depth_message()) from exc
        refusal = json_refusal(value)
        if refusal:
            raise serializers.ValidationError(refusal)
        return value


class TransitionUploadSerializer(TransitionRequestSerializer):
    payload = PayloadTextField(required=False, help_text="附加数据（JSON 对象的文本）")
    evidence = serializers.FileField(required=False, help_text="证明材料")


class TransitionsMixin:
    """Adds a record's workflow to a ScopedModelViewSet (core/workflows/):

    - GET  …/<id>/transitions/        the transitions this user may take now;
    - POST …/<id>/transitions/<name>/ take one: {"version": n, "reason": "…", "payload": {…}}
      (multipart/form-data with an `evidence` file where the step needs one). Answers the
      record; 400 with the Chinese refusal, 403 for a role that may not, 404 out of scope,
      409 when `version` is stale."""

    def get_permissions(self):
        # the transition table names its own roles (which need not be the model's writers);
        # the service checks them, scope and the rest
        if getattr(self, "action", None) == "run_transition":
            return [permissions.IsAuthenticated(), ScopeRequired()]
        return super().get_permissions()

    @extend_schema(request=None, responses=TransitionOptionSerializer(many=True),
                   summary="当前可办理的操作")
    @action(detail=True, methods=["get"], url_path="transitions", pagination_class=None,
            filter_backends=[])
    def transitions(self, request, pk=None):
        from .workflows import available_transitions

        obj = self.get_object()
        options = available_transitions(actor=request.user, obj=obj)
        return Response(TransitionOptionSerializer(options, many=True).data)

    @extend_schema(request={"application/json": TransitionRequestSerializer,
                            "multipart/form-data": TransitionUploadSerializer},
                   summary="办理一项操作（状态流转）",
                   parameters=[OpenApiParameter("name", str, OpenApiParameter.PATH,
                                                pattern=r"^[a-z_]+$",
                                                description="操作名（见 …/transitions/）")])
    @action(detail=True, methods=["post"], url_path=r"transitions/(?P<name>[a-z_]{1,40})",
            parser_classes=[SafeJSONParser, MultiPartParser], filter_backends=[])
    def run_transition(self, request, pk=None, name=None):
        from .workflows import RESERVED, transition, workflow_for

        obj = self.get_object()
        flow = workflow_for(self.model)
        if flow is None or flow.get(name) is None:
            raise exceptions.NotFound(_("没有这个操作。"))
        if not isinstance(request.data, Mapping):
            raise exceptions.ValidationError({"non_field_errors": [_("请求内容须为对象。")]})
        multipart = request.content_type.startswith("multipart/")
        body = dict(request.data.items()) if multipart else dict(request.data)
        if_match = request.headers.get("If-Match", "").strip('"')
        if "version" not in body and if_match.isdigit():
            body["version"] = if_match
        serializer = (TransitionUploadSerializer if multipart
                      else TransitionRequestSerializer)(data=body)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        payload = data.get("payload") or {}
        if not isinstance(payload, Mapping):
            raise exceptions.ValidationError({"payload": [_("附加数据须为 JSON 对象。")]})
        reserved = sorted(RESERVED & set(payload))
        if reserved:
            raise exceptions.ValidationError({"payload": [
                _("附加数据不能使用字段名：%(names)s。") % {"names": "、".join(reserved)}]})
        saved = self._call(lambda: transition(
            actor=request.user, obj=obj, name=name, reason=data.get("reason", ""),
            evidence=data.get("evidence"), expected_version=data["version"], **dict(payload)))
        return Response(self.get_serializer(saved).data)


class ScopeRequired(permissions.BasePermission):
    def has_permission(self, request, view):
        return scoping.user_scope_code(request.user) is not None
