from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import APIView

from fupin.core import scoping

from .selectors import indicator_table


def _number(value):
    """Counts as integers, amounts and percentages as numbers; None stays null."""
    if value is None or isinstance(value, int):
        return value
    return int(value) if value == int(value) else float(value)


def table_json(table) -> dict:
    """One shape for the API and `fupin report indicators --format json`."""
    def values(vals):
        return {i.key: _number(vals.get(i.key)) for i in table["indicators"]}

    return {
        "area": table["area"], "area_name": table["area_name"], "year": table["year"],
        "as_of": table["as_of"].isoformat(),
        "indicators": [{"key": i.key, "name": str(i.name), "unit": str(i.unit),
                        "group": str(i.group)} for i in table["indicators"]],
        "values": values(table["total"]),
        "children": [{"area": r["code"], "name": r["name"], "values": values(r["values"])}
                     for r in table["rows"]],
    }


class IndicatorsView(APIView):
    """The indicators of an area and a year, with one row per child area."""

    schema_errors = ("404",)  # an area outside the scope (core/schema.py)

    @extend_schema(parameters=[OpenApiParameter("area", str), OpenApiParameter("year", int)],
                   responses=OpenApiTypes.OBJECT)
    def get(self, request):
        area = scoping.requested_area(request.user, request.query_params.get("area"))
        try:
            year = int(request.query_params.get("year", ""))
        except ValueError:
            year = None
        if year is None or not 2000 <= year <= 2100:
            message = _("请提供 2000 至 2100 之间的年度，如 2017。")
            raise exceptions.ValidationError({"year": [message]})
        return Response(table_json(indicator_table(user=request.user, area=area, year=year)))
