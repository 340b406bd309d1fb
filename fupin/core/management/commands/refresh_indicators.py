from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.core.indicators import Period, figures_refresh


class Command(BaseCommand):
    help = _("重新计算有变化地区的指标数（当年指标随日期变化，宜每日凌晨运行）："
             "fupin refresh_indicators [--area CODE] [--year YYYY]")

    def add_arguments(self, parser):
        parser.add_argument("--area", default="", help=_("区划代码（只计算其下地区）；默认全部"))
        parser.add_argument("--year", type=int, action="append",
                            help=_("年度，可重复；默认当年"))
        parser.add_argument("--all", dest="everything", action="store_true",
                            help=_("不论有无变化，全部重新计算（修复绕过正常写入的数据之后）"))

    def handle(self, *args, area, year, everything, **options):
        if area and not area.isdigit():
            raise CommandError(_("区划代码应为数字"))
        for y in year or [timezone.localdate().year]:
            if not 2000 <= y <= 2100:
                raise CommandError(_("年度应在 2000 至 2100 之间"))
            n = len(figures_refresh(area=area, period=Period(y), everything=everything).stale)
            self.stdout.write(_("%(year)s 年：重新计算了 %(n)s 个地区的指标") % {"year": y, "n": n})
        if not year:
            # this month's figures (to today) move with the calendar too: the workbench
            # compares them with last month's (core/workbench.py)
            today = timezone.localdate()
            period = Period(today.year, month=today.month)
            n = len(figures_refresh(area=area, period=period, everything=everything).stale)
            self.stdout.write(_("%(year)s 年 %(month)s 月：重新计算了 %(n)s 个地区的指标")
                              % {"year": today.year, "month": today.month, "n": n})
