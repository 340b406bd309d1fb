"""Pages of the figures part: the monthly ranking of consultations answered (排名)."""

from __future__ import annotations

import datetime
import io

import xlsxwriter
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _

from fupin.core import scoping
from fupin.core.models import AccessLog
from fupin.core.services import access_log_record

from .. import ranking as rk

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def parse_month(value: str | None) -> tuple[int, int] | None:
    """"2017-06" (or "2017-6", "2017年6月") → (2017, 6); None when it is not a month."""
    text = (value or "").strip().replace("年", "-").replace("月", "").replace("/", "-")
    try:
        year, month = (int(part) for part in text.split("-"))
        datetime.date(year, month, 1)
    except (ValueError, OverflowError):
        return None
    return (year, month) if 2000 <= year <= 2100 else None


def month_error() -> str:
    return _("月份格式不正确，请按“2017-06”填写，年份在 2000 至 2100 之间。")


def _chart(table) -> dict:
    rows = table["rows"]
    return {"names": [r["name"] for r in rows],
            "valid": [r["values"][rk.RANK_KEY] for r in rows],
            "rate": [float(r["values"]["techaid_solved_rate"] or 0) for r in rows],
            "labels": {"valid": _("有效答复"), "rate": _("解决率")}}


@login_required
def ranking(request):
    area = scoping.requested_area(request.user, request.GET.get("area"))
    error = ""
    asked = request.GET.get("month")
    month = parse_month(asked) if asked else None
    if asked and month is None:
        error = month_error()
    year, month = month or rk.latest_month(request.user)
    table = rk.ranking(user=request.user, area=area, year=year, month=month)
    if request.GET.get("format") == "xlsx" and not error:
        return _xlsx(request, table)
    return render(request, "techaid/figures/ranking.html",
                  {"table": table, "chart": _chart(table), "error": error,
                   "month_value": f"{year:04d}-{month:02d}"})


def _xlsx(request, table) -> HttpResponse:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet(_("会诊排名"))
    bold = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    sheet.write_string(0, 0, _("%(area)s %(year)s 年 %(month)s 月科技扶贫会诊排名") % {
        "area": table["area_name"], "year": table["year"], "month": table["month"]}, bold)
    sheet.write_string(1, 0, _("有效答复：本月首次答复、未停用、且提出人未确认为“未解决”的会诊"))
    headers = [_("排名"), _("区划代码"), _("区划")] + [
        f"{i.name}（{i.unit}）" for i in table["indicators"]]
    sheet.write_row(3, 0, headers, bold)
    r = 4
    for row in table["rows"]:
        sheet.write_number(r, 0, row["rank"])
        sheet.write_string(r, 1, row["code"])
        sheet.write_string(r, 2, row["name"])
        for c, i in enumerate(table["indicators"], start=3):
            value = row["values"].get(i.key)
            if value is not None:
                sheet.write_number(r, c, float(value))
        r += 1
    sheet.write_string(r, 2, _("合计"), bold)
    for c, i in enumerate(table["indicators"], start=3):
        value = table["total"].get(i.key)
        if value is not None:
            sheet.write_number(r, c, float(value))
    sheet.set_column(0, 0, 6)
    sheet.set_column(1, 1, 14)
    sheet.set_column(2, 2, 24)
    sheet.set_column(3, len(headers), 12)
    sheet.freeze_panes(4, 3)
    book.close()
    access_log_record(actor=request.user, action=AccessLog.Action.EXPORT, model="techaid_ranking",
                      rows=len(table["rows"]), detail=request.GET.urlencode(), request=request)
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    name = f"ranking-{table['area'] or 'all'}-{table['year']}-{table['month']:02d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


urlpatterns = [path("ranking/", ranking, name="ranking")]
