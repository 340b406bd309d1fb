from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

from fupin.core import demo


class Command(BaseCommand):
    help = _("载入广元市区划和演示用户（每个角色一个）。重复运行不产生变化。")

    def add_arguments(self, parser):
        parser.add_argument("--password", default=demo.DEMO_PASSWORD,
                            help=_("演示用户的密码（默认 %(default)s）"))
        parser.add_argument("--scale", type=float, default=1.0,
                            help=_("演示数据的规模（1 = 广元 2017 年的规模；测试用 0.01）"))

    def handle(self, *args, password: str, **options):
        # the steps the apps register (areas, users, the registry, the five lists…), in one
        # transaction: a refused password leaves nothing behind
        steps = demo.steps()
        with transaction.atomic():
            for step in steps:
                line = step.run(password=password, options=options)
                if line:
                    self.stdout.write(line)
        for step in steps:
            if step.summary is not None:
                self.stdout.write("")
                self.stdout.write(step.summary(password=password))
