from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from fupin.core import personal
from fupin.core.tabular.export import write_spec_xlsx
from fupin.core.tabular.spec import all_specs, get_spec


class Command(BaseCommand):
    help = _("导出为可重新导入的 Excel（含明文个人信息，记入访问日志）："
             "fupin export persons --area CODE FILE.xlsx")

    def add_arguments(self, parser):
        parser.add_argument("spec")
        parser.add_argument("file", type=Path)
        parser.add_argument("--area", required=True, help=_("区划代码（导出其下全部记录）"))

    def handle(self, *args, spec, file, area, **options):
        export_spec = get_spec(spec)
        if export_spec is None:
            names = "、".join(s.name for s in all_specs())
            raise CommandError(_("未知的数据类型“%(spec)s”，可用：%(names)s")
                               % {"spec": spec, "names": names})
        if not area.isdigit():
            raise CommandError(_("区划代码应为数字"))
        qs = export_spec.model.objects.active().filter(
            **{f"{export_spec.model.scope_field}__startswith": area})
        qs = export_spec.export_ordering(qs)
        with file.open("wb") as fh:
            count = write_spec_xlsx(fh, spec=export_spec, queryset=qs, reveal=True)
        personal.export_log(actor=None, model=export_spec.model, rows=count, reveal=True,
                            detail=f"command line {area} → {file.name}")
        self.stdout.write(_("已导出 %(n)s 行到 %(file)s") % {"n": count, "file": file})
