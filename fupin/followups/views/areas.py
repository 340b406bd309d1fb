"""The township's per-village and the county's per-township follow-up tables, with a chart of
the same rows above the table (on-time rate and overdue count per child area)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _

from fupin.areas.selectors import area_full_name
from fupin.core import scoping

from .. import tables

# the committees' official tails, shortened as people say them (翠屏社区居民委员会 → 翠屏社区),
# so that the axis labels fit a phone
_TAILS = (("村民委员会", "村"), ("居民委员会", ""), ("村委会", "村"), ("居委会", ""))


def _short(name: str) -> str:
    for tail, short in _TAILS:
        if name.endswith(tail) and len(name) > len(tail):
            base = name[: -len(tail)]
            return base if base.endswith(short) else base + short
    return name


def chart_data(rows: list[dict]) -> dict:
    """The chart's series, read from the table's rows (one query set for both): a child area
    without visits in the window has no rate (null, drawn as no bar, as the table's —)."""
    return {
        "names": [r["name"] for r in rows],
        "short_names": [_short(r["name"]) for r in rows],
        "codes": [r["code"] for r in rows],
        "on_time_rate": [r["on_time_rate"] for r in rows],
        "overdue": [r["overdue"] for r in rows],
        "labels": {"on_time_rate": _("按时率（%）"), "overdue": _("逾期（人）"),
                   "rate_axis": _("按时率"), "overdue_axis": _("逾期人数")},
    }


def _chart_title(area: str) -> str:
    if len(area) >= 9:
        return _("各村按时率与逾期人数")
    if len(area) >= 6:
        return _("各乡镇按时率与逾期人数")
    return _("下级区域按时率与逾期人数")


@login_required
def areas(request):
    area = scoping.requested_area(request.user, request.GET.get("area"))
    rows = tables.table_for(user=request.user, area=area)
    return render(request, "followups/areas.html", {
        "area": area, "area_name": area_full_name(area) if area else "", "rows": rows,
        "chart": chart_data(rows), "chart_title": _chart_title(area),
        "drill": len(area) < 9, "window": tables.ON_TIME_WINDOW_DAYS})


urlpatterns = [path("areas/", areas, name="areas")]
