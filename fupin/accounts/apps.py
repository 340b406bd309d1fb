from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "fupin.accounts"
    label = "accounts"
    verbose_name = _("用户与权限")

    def ready(self):
        from django.urls import reverse_lazy

        from fupin.core import demo
        from fupin.core.roles import can_manage_accounts, can_restore
        from fupin.core.sections import NavEntry, nav

        from . import signals  # noqa: F401  (login/logout/failed-login audit)
        from .demo import demo_step, demo_summary

        demo.register(demo.DemoStep(key="users", order=10, run=demo_step,
                                    summary=demo_summary))

        nav.register(NavEntry(key="users", label=_("用户管理"),
                              url=reverse_lazy("accounts:user_list"), icon="people",
                              order=940, group="system", visible=can_manage_accounts))
        nav.register(NavEntry(key="login_events", label=_("登录日志"),
                              url=reverse_lazy("accounts:login_events"), icon="shield-lock",
                              order=950, visible=can_restore, group="system"))
        nav.register(NavEntry(key="retired", label=_("已停用记录"),
                              url=reverse_lazy("core:retired"), icon="archive",
                              order=960, visible=can_restore, group="system"))
