from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from fupin.accounts.demo import DEMO_PASSWORD, demo_users
from fupin.areas.selectors import area_full_name
from fupin.areas.services import areas_load
from fupin.core import demo


class Command(BaseCommand):
    help = "载入广元市区划和演示用户（每个角色一个）。重复运行不产生变化。"

    def add_arguments(self, parser):
        parser.add_argument("--password", default=DEMO_PASSWORD,
                            help="演示用户的密码（默认 %(default)s）")
        parser.add_argument("--scale", type=float, default=1.0,
                            help="演示数据的规模（1 = 广元 2017 年的规模；测试用 0.01）")

    def handle(self, *args, password: str, **options):
        from importlib.resources import files

        text = files("fupin.areas").joinpath("data/guangyuan-2023.csv").read_text("utf-8-sig")
        with transaction.atomic():
            result = areas_load(text=text)
            self.stdout.write(f"区划：新增 {result.created}，更新 {result.updated}，"
                              f"未变 {result.unchanged}")
            try:
                users = demo_users(password=password)
            except ValidationError as exc:
                raise CommandError("密码不符合要求：" + "；".join(exc.messages)) from exc
            for step in demo.steps():
                self.stdout.write(step.run(password=password, options=options))
        self.stdout.write("")
        self.stdout.write(f"演示用户（密码：{password}）：")
        for user in users:
            self.stdout.write(f"  {user.username:<16} {user.get_role_display():<8} "
                              f"{user.scope_code:<12} {area_full_name(user.scope_code)}")
