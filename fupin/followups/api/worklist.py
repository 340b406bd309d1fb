"""GET /api/v1/followups/worklist/: the village worker's working list as JSON, for the
offline page (its service worker keeps the last answer)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiTypes, extend_schema
from rest_framework import viewsets
from rest_framework.response import Response

from fupin.core.api import router

from ..worklist_data import worklist_payload


class WorklistViewSet(viewsets.ViewSet):
    """The day's working list (overdue, due this week, due this month), most urgent first."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def list(self, request):
        response = Response(worklist_payload(user=request.user))
        # personal data: never kept by shared caches; the page's service worker keeps its own
        response["Cache-Control"] = "private, no-store"
        return response


router.register("followups/worklist", WorklistViewSet, basename="followups-worklist")
