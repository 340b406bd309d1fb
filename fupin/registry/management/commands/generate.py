from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from fupin.registry.generator import generate


class Command(BaseCommand):
    help = _("生成测试用的登记数据（同一 seed 生成同样的数据）："
             "fupin generate persons --count N --area CODE --seed S")

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["persons"])
        parser.add_argument("--count", type=int, required=True, help=_("人数"))
        parser.add_argument("--area", required=True, help=_("区划代码（在其下各村生成）"))
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--as", dest="username", default="admin")

    def handle(self, *args, kind, count, area, seed, username, **options):
        actor = get_user_model().objects.filter(username=username).first()
        if actor is None:
            raise CommandError(_("用户“%(name)s”不存在（先运行 fupin demo）") % {"name": username})
        try:
            report = generate(actor=actor, area=area, persons=count, seed=seed)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if not report.ok:
            for e in report.errors[:20]:
                self.stderr.write(_("第 %(line)s 行 %(column)s：%(message)s") % {
                    "line": e.line, "column": e.column, "message": e.message})
            raise CommandError(_("生成的数据未通过校验"))
        o = report.outcome
        self.stdout.write(_("%(total)s 人：新增 %(created)s，更新 %(updated)s，未变 %(unchanged)s")
                          % {"total": report.total, **o.as_dict()})
