from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from fupin.areas.services import AreaFileError, areas_load


class Command(BaseCommand):
    help = _("载入区划代码文件（code,name,level,parent_code）。"
             "重复载入不产生变化；有错误则全部不写入。")

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        if not file.exists():
            raise CommandError(_("文件不存在：%(file)s") % {"file": file})
        try:
            text = file.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise CommandError(_("文件不是 UTF-8 编码")) from exc
        try:
            result = areas_load(text=text)
        except AreaFileError as exc:
            message = _("载入失败，未写入任何数据：\n%(errors)s") % {"errors": exc}
            raise CommandError(message) from exc
        self.stdout.write(_("新增 %(created)s，更新 %(updated)s，未变 %(unchanged)s") % {
            "created": result.created, "updated": result.updated, "unchanged": result.unchanged})
