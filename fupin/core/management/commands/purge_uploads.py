from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from fupin.core.tabular.jobs import uploads_purge
from fupin.core.workflows.events import evidence_orphans_purge


class Command(BaseCommand):
    help = _("删除导入结束（或上传后未确认）超过保存期限（FUPIN_UPLOAD_RETENTION_DAYS 天）"
             "的上传文件、错误报告和错误明细；导入记录保留；并删除一天前起无操作记录引用的证明材料"
             "文件：fupin purge_uploads")

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None,
                            help=_("保存天数（默认取 FUPIN_UPLOAD_RETENTION_DAYS）"))

    def handle(self, *args, days=None, **options):
        counts = uploads_purge(days=days)
        self.stdout.write(_("已清理 %(jobs)s 个导入任务的文件（其中 %(expired)s 个未完成的"
                            "已标记为过期），删除文件 %(files)s 个、无主文件 %(orphans)s 个。")
                          % counts)
        # evidence of steps whose transaction rolled back (core/workflows/events.py)
        self.stdout.write(_("删除无操作记录引用的证明材料文件 %(n)s 个。")
                          % {"n": evidence_orphans_purge()})
