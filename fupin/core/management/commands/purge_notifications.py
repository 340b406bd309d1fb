from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from fupin.core.notifications import notifications_purge


class Command(BaseCommand):
    help = _("删除已读超过保存期限（FUPIN_NOTIFICATION_RETENTION_DAYS 天）的消息；未读消息保留："
             "fupin purge_notifications")

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None,
                            help=_("保存天数（默认取 FUPIN_NOTIFICATION_RETENTION_DAYS）"))

    def handle(self, *args, days=None, **options):
        deleted = notifications_purge(days=days)
        self.stdout.write(_("已删除已读消息 %(n)s 条。") % {"n": deleted})
