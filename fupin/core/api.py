"""API parts shared by every app: the role permission, keyset pagination, and the scoped
model viewset that reads through the same Resource (and so the same scoping) as the pages."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status, viewsets
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from . import scoping
from .errors import ConcurrentEditError, ServiceError
from .resources import resource_for

# Every app registers its viewsets here, in its own api.py (discovered by fupin.api_urls).
router = DefaultRouter()


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class ScopedModelViewSet(viewsets.ModelViewSet):
    """CRUD over a Resource's model. Reads go through `resource.queryset(user)`; writes go
    through the resource's services. Updates must carry the `version` they were based on
    (body field or If-Match header); a stale one answers 409. DELETE retires."""

    model = None
    select_related: tuple[str, ...] = ()  # relations every row of the answer shows
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

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
        try:
            return scoping.get_visible_or_404(self.get_queryset(), self.request.user,
                                              pk=self.kwargs["pk"])
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

    def _expected_version(self, request):
        raw = request.data.get("version", request.headers.get("If-Match", ""))
        raw = str(raw).strip('"')
        if not raw.isdigit():
            raise exceptions.ValidationError(
                {"version": ["修改时须提供记录的版本号（version 字段或 If-Match 头）。"]})
        return int(raw)

    def filter_queryset(self, queryset):
        area = self.request.query_params.get("area", "").strip()
        if area:
            queryset = self.resource.filter_area(queryset, area)
        return super().filter_queryset(queryset)

    # hooks: how validated data reaches the services (override for models with more rules)
    def create_record(self, *, actor, data: dict):
        return self.resource.create(actor=actor, data=data)

    def update_record(self, *, actor, instance, data: dict, expected_version: int):
        return self.resource.update(actor=actor, instance=instance, data=data,
                                    expected_version=expected_version)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        obj = self._call(self.create_record, actor=request.user,
                         data=dict(serializer.validated_data))
        return Response(self.get_serializer(obj).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        instance = self.get_object()
        serializer = self.get_serializer(instance, data=request.data,
                                         partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        obj = self._call(self.update_record, actor=request.user, instance=instance,
                         data=dict(serializer.validated_data),
                         expected_version=self._expected_version(request))
        return Response(self.get_serializer(obj).data)

    def destroy(self, request, *args, **kwargs):
        instance = self.get_object()
        self._call(self.resource.retire, actor=request.user, instance=instance,
                   reason=str(request.data.get("reason", "")) if hasattr(request, "data") else "")
        return Response(status=status.HTTP_204_NO_CONTENT)
