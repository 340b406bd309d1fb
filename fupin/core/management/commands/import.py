from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from fupin.core.tabular import importer
from fupin.core.tabular.reader import TabularError
from fupin.core.tabular.spec import all_specs, get_spec


class Command(BaseCommand):
    help = "导入电子表格（全部校验通过才写入）：fupin import persons FILE --as USERNAME"

    def add_arguments(self, parser):
        parser.add_argument("spec", help="数据类型，如 persons")
        parser.add_argument("file", type=Path)
        parser.add_argument("--as", dest="username", required=True,
                            help="以该用户的身份和管辖范围导入")

    def handle(self, *args, spec, file, username, **options):
        self.verbosity = options.get("verbosity", 1)
        self._shown = (None, -1)
        import_spec = get_spec(spec)
        if import_spec is None:
            names = "、".join(s.name for s in all_specs())
            raise CommandError(f"未知的数据类型“{spec}”，可用：{names}")
        actor = get_user_model().objects.filter(username=username, is_active=True).first()
        if actor is None:
            raise CommandError(f"用户“{username}”不存在或已停用")
        if not file.exists():
            raise CommandError(f"文件不存在：{file}")
        try:
            table = importer.load(file.read_bytes(), file.name)
            report = importer.commit(import_spec, table, actor=actor,
                                     progress=self._progress)
        except importer.NeedsMapping as exc:
            missing = "、".join(exc.missing or ["（列重复或无法识别）"])
            raise CommandError(f"表头无法确定，缺少：{missing}") from exc
        except TabularError as exc:
            raise CommandError(exc.message) from exc
        if not report.ok:
            for e in report.errors[:200]:
                self.stderr.write(f"第 {e.line} 行 {e.column}：{e.message}")
            raise CommandError(f"{report.error_rows} 行有错误，未写入任何数据。")
        o = report.outcome
        self.stdout.write(f"导入完成：共 {report.total} 行，新增 {o.created}，更新 {o.updated}，"
                          f"未变 {o.unchanged}")

    def _progress(self, phase, done, total):
        """Long imports show progress: a line every 10 %."""
        step = done * 10 // max(total, 1)
        if self.verbosity < 1 or total < 5000 or self._shown == (phase, step):
            return
        self._shown = (phase, step)
        label = "写入" if phase == "commit" else "校验"
        self.stderr.write(f"{label} {done}/{total}（{step * 10}%）")
