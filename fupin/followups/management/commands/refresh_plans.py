from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from fupin.followups.plans import plans_refresh_all


class Command(BaseCommand):
    help = "Re-derive every follow-up visit plan (回访计划) as of today."

    def handle(self, *args, **options):
        written = plans_refresh_all()
        self.stdout.write(_("回访计划已更新：%(n)s 条有变化。") % {"n": written})
