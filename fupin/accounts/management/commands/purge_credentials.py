from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from fupin.accounts.services import credential_sheets_purge


class Command(BaseCommand):
    help = _("删除超过领取期限（FUPIN_CREDENTIALS_DAYS）仍未下载的导入账户初始密码："
             "fupin purge_credentials")

    def handle(self, *args, **options):
        n = credential_sheets_purge()
        self.stdout.write(_("已清除 %(n)s 份过期的初始密码单。") % {"n": n})
