from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from fupin.accounts.demo import DEMO_PASSWORD, demo_users
from fupin.areas.selectors import area_full_name
from fupin.areas.services import areas_load
from fupin.core import demo


class Command(BaseCommand):
    help = _("载入广元市区划和演示用户（每个角色一个）。重复运行不产生变化。")

    def add_arguments(self, parser):
        parser.add_argument("--password", default=DEMO_PASSWORD,
                            help=_("演示用户的密码（默认 %(default)s）"))
        parser.add_argument("--scale", type=float, default=1.0,
                            help=_("演示数据的规模（1 = 广元 2017 年的规模；测试用 0.01）"))

    def handle(self, *args, password: str, **options):
        from importlib.resources import files

        text = files("fupin.areas").joinpath("data/guangyuan-2023.csv").read_text("utf-8-sig")
        with transaction.atomic():
            result = areas_load(text=text)
            self.stdout.write(_("区划：新增 %(created)s，更新 %(updated)s，未变 %(unchanged)s") % {
                "created": result.created, "updated": result.updated,
                "unchanged": result.unchanged})
            try:
                users = demo_users(password=password)
            except ValidationError as exc:
                raise CommandError(_("密码不符合要求：") + "；".join(exc.messages)) from exc
            for step in demo.steps():
                self.stdout.write(step.run(password=password, options=options))
        self.stdout.write("")
        self.stdout.write(_("演示用户（密码：%(password)s）：") % {"password": password})
        for user in users:
            self.stdout.write(f"  {user.username:<16} {user.get_role_display():<8} "
                              f"{user.scope_code:<12} {area_full_name(user.scope_code)}")
