"""POST /api/v1/followups/visits/ — the phone's visits (JSON, or multipart `payload` +
`photo`): 201 new, 200 when the client_key was already recorded, 409 on a stale change."""

from __future__ import annotations

import json

from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from fupin.core.api import ScopedModelViewSet, router
from fupin.core.drf import SafeJSONParser, json_refusal
from fupin.core.errors import ServiceError
from fupin.registry.models import Person

from .. import visits as services
from ..models import Visit
from ..resources.visits import VisitFilter


class VisitSerializer(serializers.ModelSerializer):
    has_photo = serializers.SerializerMethodField()

    class Meta:
        model = Visit
        fields = ["id", "person", "visited_on", "method", "findings", "visitor", "category",
                  "due_on", "on_time", "changes", "client_key", "has_photo", "version"]
        read_only_fields = ["id", "person", "visitor", "category", "due_on", "on_time",
                            "changes", "client_key", "has_photo", "version"]

    def get_has_photo(self, obj) -> bool:
        return bool(obj.photo)


def _bad(message):
    return Response({"detail": str(message)}, status=status.HTTP_400_BAD_REQUEST)


class VisitViewSet(ScopedModelViewSet):
    model = Visit
    serializer_class = VisitSerializer
    filterset_class = VisitFilter
    select_related = ("person",)
    parser_classes = [SafeJSONParser, MultiPartParser]

    def create(self, request, *args, **kwargs):
        photo = None
        if hasattr(request.data, "getlist"):  # multipart: `payload` (JSON text) + `photo`
            raw = request.data.get("payload", "")
            try:
                body = json.loads(raw) if raw else {}
            except ValueError:
                return _bad(_("payload 不是有效的 JSON。"))
            photo = request.FILES.get("photo")
        else:
            body = request.data
        if not isinstance(body, dict):
            return _bad(_("请求内容应为 JSON 对象。"))
        refusal = json_refusal(body)
        if refusal:
            return _bad(refusal)
        pk = body.get("person")
        if not isinstance(pk, int) or isinstance(pk, bool):
            return _bad(_("请指定被回访的人员。"))
        changes, needs = body.get("changes") or [], body.get("needs") or []
        if not isinstance(changes, list) or not isinstance(needs, list):
            return _bad(_("changes 与 needs 应为列表。"))
        if not Person.objects.visible_to(request.user).filter(pk=pk).exists():
            raise exceptions.NotFound(_("在您的管辖范围内没有这个人员。"))
        try:
            visit, created = services.visit_record(
                actor=request.user, person=pk, data=body, changes=changes, needs=needs,
                photo=photo, client_key=body.get("client_key"))
        except services.Conflict as exc:
            return Response({"detail": exc.message, "code": "conflict",
                             "conflicts": exc.conflicts}, status=status.HTTP_409_CONFLICT)
        except ServiceError as exc:
            return Response({"detail": exc.message, "field": exc.field},
                            status=status.HTTP_400_BAD_REQUEST)
        return Response(VisitSerializer(visit).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


router.register("followups/visits", VisitViewSet, basename="visit")
