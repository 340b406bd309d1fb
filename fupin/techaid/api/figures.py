"""/api/v1/techaid/ranking/: the monthly ranking (the page's table) as JSON."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, viewsets
from rest_framework.response import Response

from fupin.core import scoping
from fupin.core.api import router

from .. import ranking as rk
from ..views.figures import month_error, parse_month


def _number(value):
    if value is None or isinstance(value, int):
        return value
    return int(value) if value == int(value) else float(value)


class RankingViewSet(viewsets.ViewSet):
    """The child areas of `area` (the caller's scope by default) ranked for `month`
    (YYYY-MM, required) by valid consultations answered, with the solved rate and the median
    time to the first answer."""

    schema_errors = ("404",)  # an area outside the scope (core/schema.py)

    @extend_schema(parameters=[OpenApiParameter("area", str),
                               OpenApiParameter("month", str,
                                                description="YYYY-MM; default: the latest "
                                                            "month with an answer")],
                   responses=OpenApiTypes.OBJECT)
    def list(self, request):
        area = scoping.requested_area(request.user, request.query_params.get("area"))
        raw = request.query_params.get("month")
        month = parse_month(raw) if raw else rk.latest_month(request.user)
        if month is None:
            raise exceptions.ValidationError({"month": [month_error()]})
        table = rk.ranking(user=request.user, area=area, year=month[0], month=month[1])
        keys = [i.key for i in table["indicators"]]
        return Response({
            "area": table["area"], "area_name": table["area_name"],
            "month": f"{table['year']:04d}-{table['month']:02d}",
            "indicators": [{"key": i.key, "name": str(i.name), "unit": str(i.unit)}
                           for i in table["indicators"]],
            "rows": [{"rank": r["rank"], "area": r["code"], "name": r["name"],
                      "values": {k: _number(r["values"].get(k)) for k in keys}}
                     for r in table["rows"]],
            "total": {k: _number(table["total"].get(k)) for k in keys},
        })


router.register("techaid/ranking", RankingViewSet, basename="techaid-ranking")
