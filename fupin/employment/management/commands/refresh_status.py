from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from fupin.employment.status import person_status_refresh
from fupin.registry.models import Person


class Command(BaseCommand):
    help = _("按转移就业、自主创业、公益性岗位记录重新计算人员的就业状态（状态随日期变化：到期的"
             "工作自然结束）：fupin refresh_status [--area CODE]")

    def add_arguments(self, parser):
        parser.add_argument("--area", default="", help=_("区划代码（只计算其下人员）；默认全部"))

    def handle(self, *args, area, **options):
        if area and not area.isdigit():
            raise CommandError(_("区划代码应为数字"))
        ids = list(Person.objects.active().filter(area_code__startswith=area)
                   .order_by("pk").values_list("pk", flat=True))
        changed = person_status_refresh(person_ids=ids)
        self.stdout.write(_("已计算 %(n)s 人，%(changed)s 人的就业状态有变化")
                          % {"n": len(ids), "changed": changed})
