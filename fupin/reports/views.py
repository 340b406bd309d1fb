import io

import xlsxwriter
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.core import periods, scoping
from fupin.core.models import AccessLog
from fupin.core.services import access_log_record

from .selectors import indicator_table

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _area_and_year(request, *, latest: bool = False) -> tuple[str, int]:
    """The area and year asked for; without a year, this year, or with `latest` the latest
    year that has records in the user's scope (core/periods.py: the demo's 2017, not an
    empty current year)."""
    area = scoping.requested_area(request.user, request.GET.get("area"))
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = None
    if year is None or not 2000 <= year <= 2100:
        year = periods.latest_year(request.user) if latest else timezone.localdate().year
    return area, year


def _chart_data(table) -> dict:
    """What the ECharts on the page draw: the coverages, and one bar per child area."""
    cover = [i for i in table["indicators"] if i.unit == "%"]
    counts = [i for i in table["indicators"] if i.unit != "%"]
    return {
        "coverage": {"names": [str(i.name) for i in cover],
                     "values": [float(table["total"].get(i.key) or 0) for i in cover]},
        "children": {"names": [r["name"] for r in table["rows"]],
                     "series": {i.key: {"name": str(i.name), "unit": str(i.unit),
                                        "values": [float(r["values"].get(i.key) or 0)
                                                   for r in table["rows"]]}
                                for i in counts + cover}},
    }


@login_required
def indicators_page(request):
    area, year = _area_and_year(request, latest=True)
    table = indicator_table(user=request.user, area=area, year=year)
    if request.GET.get("format") == "xlsx":
        return _xlsx(request, table)
    years = list(range(timezone.localdate().year, 2013, -1))
    return render(request, "reports/indicators.html",
                  {"table": table, "chart": _chart_data(table), "years": years,
                   "chart_keys": [(i.key, i.name) for i in table["indicators"]]})


def _xlsx(request, table) -> HttpResponse:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet(_("指标"))
    bold = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    sheet.write_string(0, 0, _("%(area)s %(year)s 年就业扶贫指标（统计截至 %(day)s）") % {
        "area": table["area_name"], "year": table["year"], "day": table["as_of"].isoformat()},
        bold)
    headers = [_("区划代码"), _("区划")] + [f"{i.name}（{i.unit}）" for i in table["indicators"]]
    sheet.write_row(2, 0, headers, bold)
    rows = [{"code": table["area"], "name": _("合计"), "values": table["total"]}, *table["rows"]]
    for r, row in enumerate(rows, start=3):
        sheet.write_string(r, 0, row["code"])
        sheet.write_string(r, 1, row["name"])
        for c, i in enumerate(table["indicators"], start=2):
            value = row["values"].get(i.key)
            if value is not None:
                sheet.write_number(r, c, float(value))
    sheet.set_column(0, 0, 14)
    sheet.set_column(1, 1, 24)
    sheet.set_column(2, len(headers), 12)
    sheet.freeze_panes(3, 2)
    book.close()
    access_log_record(actor=request.user, action=AccessLog.Action.EXPORT, model="indicators",
                      rows=len(rows), detail=request.GET.urlencode(), request=request)
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    name = f"indicators-{table['area']}-{table['year']}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response

