from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "fupin.core"
    label = "core"
    verbose_name = _("平台核心")

    def ready(self):
        from django.urls import reverse_lazy

        from . import stamps  # noqa: F401  (connects the stamp on every recorded change)
        from .sections import NavEntry, nav

        nav.register(NavEntry(key="home", label=_("首页"), url=reverse_lazy("core:home"),
                              icon="house", order=0))
