from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.core.tabular import importer, parsers
from fupin.core.tabular.reader import TabularError
from fupin.core.tabular.spec import all_specs, get_spec


class Command(BaseCommand):
    help = _("导入电子表格（全部校验通过才写入）：fupin import persons FILE --as USERNAME")

    def add_arguments(self, parser):
        parser.add_argument("spec", help=_("数据类型，如 persons"))
        parser.add_argument("file", type=Path)
        parser.add_argument("--as", dest="username", required=True,
                            help=_("以该用户的身份和管辖范围导入"))
        parser.add_argument("--map", dest="mappings", action="append", default=[],
                            metavar="列名=字段",
                            help=_("指定某列对应的字段（字段写英文名或中文列名；留空表示忽略该列），"
                                   "可重复"))
        parser.add_argument("--report-date", dest="report_date", default="",
                            help=_("文件数据的日期（如国办系统导出的日期 2017-10-31），"
                                   "默认导入当天"))

    def handle(self, *args, spec, file, username, mappings=(), report_date="", **options):
        self.verbosity = options.get("verbosity", 1)
        self._shown = (None, -1)
        import_spec = get_spec(spec)
        if import_spec is None:
            names = "、".join(s.name for s in all_specs())
            raise CommandError(_("未知的数据类型“%(spec)s”，可用：%(names)s")
                               % {"spec": spec, "names": names})
        actor = get_user_model().objects.filter(username=username, is_active=True).first()
        if actor is None:
            raise CommandError(_("用户“%(name)s”不存在或已停用") % {"name": username})
        if not file.exists():
            raise CommandError(_("文件不存在：%(file)s") % {"file": file})
        as_of = self._report_date(import_spec, report_date)
        choices = {}
        for item in mappings:
            column, sep, wanted = item.partition("=")
            if not sep or not column.strip():
                raise CommandError(_("--map 应写成 列名=字段，如 --map 证件号码=身份证号"))
            choices[column.strip()] = wanted.strip()
        try:
            table = importer.load(file.read_bytes(), file.name)
            mapping = importer.mapping_with(import_spec, table, choices) if choices else None
            report = importer.commit(import_spec, table, actor=actor, mapping=mapping,
                                     as_of=as_of, progress=self._progress)
        except importer.NeedsMapping as exc:
            raise CommandError(_("表头无法确定：%(why)s。请用 --map 列名=字段 指定对应关系。")
                               % {"why": exc.describe()}) from exc
        except TabularError as exc:
            raise CommandError(exc.message) from exc
        if report.ignored:
            self.stdout.write(_("未使用、已忽略的列：%(cols)s")
                              % {"cols": "、".join(report.ignored)})
        if not report.ok:
            summary = report.summary()
            if summary:  # each cause that fails many rows once, before the row-by-row list
                self.stderr.write(_("主要错误："))
                for cause in summary[:50]:
                    self.stderr.write(cause.text())
                self.stderr.write(_("逐行错误："))
            for e in report.errors[:200]:
                self.stderr.write(_("第 %(line)s 行 %(column)s：%(message)s") % {
                    "line": e.line, "column": e.column, "message": e.message})
            raise CommandError(_("%(n)s 行有错误，未写入任何数据。") % {"n": report.error_rows})
        o = report.outcome
        self.stdout.write(_("导入完成：共 %(total)s 行，新增 %(created)s，更新 %(updated)s，"
                            "未变 %(unchanged)s") % {"total": report.total, **o.as_dict()})

    @staticmethod
    def _report_date(spec, text: str):
        if not text:
            return None
        if not spec.dated:
            raise CommandError(_("“%(spec)s”的数据不带日期，不接受 --report-date")
                               % {"spec": spec.name})
        try:
            day = parsers.parse_date(text)
        except parsers.CellError as exc:
            raise CommandError(_("--report-date：%(why)s") % {"why": exc.message}) from exc
        if day > timezone.localdate():
            raise CommandError(_("--report-date 不能晚于今天"))
        return day

    def _progress(self, phase, done, total):
        """Long imports show progress: a line every 10 %."""
        step = done * 10 // max(total, 1)
        if self.verbosity < 1 or total < 5000 or self._shown == (phase, step):
            return
        self._shown = (phase, step)
        label = _("写入") if phase == "commit" else _("校验")
        self.stderr.write(_("%(phase)s %(done)s/%(total)s（%(percent)s%%）") % {
            "phase": label, "done": done, "total": total, "percent": step * 10})
