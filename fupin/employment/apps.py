from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmploymentConfig(AppConfig):
    name = "fupin.employment"
    label = "employment"
    verbose_name = _("就业")

    def ready(self):
        from django.urls import reverse_lazy

        from fupin.core.sections import NavEntry, nav

        for order, key, label, url, icon in [
            (20, "employments", _("转移就业"), "employment_list", "briefcase"),
            (21, "ventures", _("自主创业"), "venture_list", "shop"),
            (22, "welfare_posts", _("公益性岗位"), "welfarepost_list", "person-badge"),
            (23, "placements", _("岗位安置"), "placement_list", "person-check"),
        ]:
            nav.register(NavEntry(key=key, label=label, icon=icon, order=order,
                                  url=reverse_lazy(f"employment:{url}")))
        _periods()


def _periods():
    """The home page's card (core/workbench.py) and the dates the latest period is read
    from (core/periods.py)."""
    from django.urls import reverse

    from fupin.core import periods
    from fupin.core import workbench as wb

    from .models import Employment, Placement, Venture
    from .selectors import posts_vacant

    wb.register(wb.Card(
        key="posts_vacant", title=_("空缺的公益性岗位"), icon="person-badge", order=40,
        roles=wb.STAFF, tone="warning", count=lambda user: posts_vacant(user=user).count(),
        url=lambda user: reverse("employment:welfarepost_list") + "?vacancy=vacant"))

    for key, model in [("employments", Employment), ("ventures", Venture),
                       ("placements", Placement)]:
        periods.register(periods.DatedSource(key, model.objects.all, "start_date"))
