import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from fupin.areas.models import Area
from fupin.reports.api import table_json
from fupin.reports.selectors import indicator_table


class Command(BaseCommand):
    help = _("打印指标：fupin report indicators --area 510802 --year 2017 --format json")

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["indicators"])
        parser.add_argument("--area", required=True)
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--format", choices=["json", "table"], default="table")

    def handle(self, *args, what, area, year, format, **options):
        if not 2000 <= year <= 2100:
            raise CommandError(_("年度应在 2000 至 2100 之间"))
        if not Area.objects.filter(pk=area).exists():
            raise CommandError(_("区划代码不存在：%(code)s") % {"code": area})
        data = table_json(indicator_table(user=None, area=area, year=year))
        if format == "json":
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        self.stdout.write(_("%(area)s %(year)s 年") % {"area": data["area_name"], "year": year})
        for i in data["indicators"]:
            value = data["values"][i["key"]]
            shown = "—" if value is None else (f"{value:g}")
            self.stdout.write(f"  {i['name']:<24} {shown:>12} {i['unit']}")
