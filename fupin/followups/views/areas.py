"""The township's per-village and the county's per-township follow-up tables."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path

from fupin.areas.selectors import area_full_name
from fupin.core import scoping

from .. import tables


@login_required
def areas(request):
    area = scoping.requested_area(request.user, request.GET.get("area"))
    rows = tables.table_for(user=request.user, area=area)
    return render(request, "followups/areas.html", {
        "area": area, "area_name": area_full_name(area) if area else "", "rows": rows,
        "drill": len(area) < 9, "window": tables.ON_TIME_WINDOW_DAYS})


urlpatterns = [path("areas/", areas, name="areas")]
