from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from fupin.registry.generator import generate


class Command(BaseCommand):
    help = ("生成测试用的登记数据（同一 seed 生成同样的数据）："
            "fupin generate persons --count N --area CODE --seed S")

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["persons"])
        parser.add_argument("--count", type=int, required=True, help="人数")
        parser.add_argument("--area", required=True, help="区划代码（在其下各村生成）")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--as", dest="username", default="admin")

    def handle(self, *args, kind, count, area, seed, username, **options):
        actor = get_user_model().objects.filter(username=username).first()
        if actor is None:
            raise CommandError(f"用户“{username}”不存在（先运行 fupin demo）")
        try:
            report = generate(actor=actor, area=area, persons=count, seed=seed)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if not report.ok:
            for e in report.errors[:20]:
                self.stderr.write(f"第 {e.line} 行 {e.column}：{e.message}")
            raise CommandError("生成的数据未通过校验")
        o = report.outcome
        self.stdout.write(f"{report.total} 人：新增 {o.created}，更新 {o.updated}，"
                          f"未变 {o.unchanged}")
