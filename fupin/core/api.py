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
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from . import notifications, scoping
from .errors import ConcurrentEditError, ServiceError
from .models import Notification
from .resources import resource_for

# Every app registers its viewsets here, in its own api.py (discovered by fupin.api_urls).
router = DefaultRouter()


MAX_PK = 2**63 - 1


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class ScopedReads:
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

    def _expected_version(self, request):
        raw = request.data.get("version", request.headers.get("If-Match", ""))
        raw = str(raw).strip('"')
        if not raw.isdigit():
            raise exceptions.ValidationError(
                {"version": [_("修改时须提供记录的版本号（version 字段或 If-Match 头）。")]})
        return int(raw)

    # hooks: how validated data reaches the services (override for models with more rules)
    def create_record(self, *, actor, data: dict):
        return self.resource.create(actor=actor, data=data)

    def update_record(self, *, actor, instance, data: dict, expected_version: int):
        return self.resource.update(actor=actor, instance=instance, data=data,
                                    expected_version=expected_version)

    # Accepted in a body although read-only: the version an update is based on (the lock).
    accepted_read_only = frozenset({"version"})

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
