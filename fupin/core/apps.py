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

        nav.register(NavEntry(key="home", label=_("工作台"), url=reverse_lazy("core:home"),
                              icon="house", order=0))
        _workbench()


def _workbench():
    """Every user's first card: the messages they have not read (core/notifications.py)."""
    from django.urls import reverse

    from . import notifications
    from . import workbench as wb

    wb.register(wb.Card(
        key="notifications_unread", title=_("未读消息"), icon="bell", order=5, tone="warning",
        count=notifications.unread_count,
        url=lambda user: reverse("core:notifications") + "?unread=1"))
