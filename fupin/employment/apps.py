from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmploymentConfig(AppConfig):
    name = "fupin.employment"
    label = "employment"
    verbose_name = _("就业")

    def ready(self):
        from django.urls import reverse_lazy

        from fupin.core.sections import NavEntry, nav

        from . import indicators  # noqa: F401  (registers them on core.indicators)

        for order, key, label, url, icon in [
            (20, "employments", _("转移就业"), "employment_list", "briefcase"),
            (21, "ventures", _("自主创业"), "venture_list", "shop"),
            (22, "welfare_posts", _("公益性岗位"), "welfarepost_list", "person-badge"),
            (23, "placements", _("岗位安置"), "placement_list", "person-check"),
        ]:
            nav.register(NavEntry(key=key, label=label, icon=icon, order=order,
                                  url=reverse_lazy(f"employment:{url}")))
