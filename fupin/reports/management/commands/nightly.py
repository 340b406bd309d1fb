from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _


class Command(BaseCommand):
    help = _("每日凌晨的例行计算：先按记录重新计算人员就业状态（到期的工作自然结束），"
             "再重新计算回访计划（类别与下次应回访日期），再重新计算当年指标（当年指标截至今天），"
             "最后删除超过保存期限的导入文件、已读消息和未领取的初始密码："
             "fupin nightly")

    def handle(self, *args, **options):
        call_command("refresh_status", stdout=self.stdout)
        call_command("refresh_plans", stdout=self.stdout)
        call_command("refresh_indicators", stdout=self.stdout)
        call_command("followup_reminders", stdout=self.stdout)
        call_command("techaid_overdue", stdout=self.stdout)
        call_command("purge_uploads", stdout=self.stdout)
        call_command("purge_notifications", stdout=self.stdout)
        call_command("purge_credentials", stdout=self.stdout)
