from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from fupin.techaid import consultations


class Command(BaseCommand):
    help = ("会诊超时提醒：超过答复或解决时限的会诊，每条提醒专家组首席专家一次"
            "（未分诊的提醒县级分诊员）")

    def handle(self, *args, **options):
        sent = consultations.overdue_notify()
        self.stdout.write(_("会诊超时提醒：%(c)s 条会诊，%(n)s 条消息。") % {
            "c": sent["consultations"], "n": sent["notifications"]})
