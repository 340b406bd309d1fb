from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from fupin.areas.services import AreaFileError, areas_load


class Command(BaseCommand):
    help = ("载入区划代码文件（code,name,level,parent_code）。"
            "重复载入不产生变化；有错误则全部不写入。")

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        if not file.exists():
            raise CommandError(f"文件不存在：{file}")
        try:
            text = file.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise CommandError("文件不是 UTF-8 编码") from exc
        try:
            result = areas_load(text=text)
        except AreaFileError as exc:
            raise CommandError(f"载入失败，未写入任何数据：\n{exc}") from exc
        self.stdout.write(f"新增 {result.created}，更新 {result.updated}，未变 {result.unchanged}")
