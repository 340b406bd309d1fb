from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmploymentConfig(AppConfig):
    name = "fupin.employment"
    label = "employment"
    verbose_name = _("就业")

    def ready(self):
        from django.urls import reverse_lazy

        from fupin.core.sections import NavEntry, nav, register_member_records

        from . import (
            indicators,  # noqa: F401  (registers them on core.indicators)
            selectors,
            timeline,
        )

        for order, key, label, url, icon in [
            (20, "employments", _("转移就业"), "employment_list", "briefcase"),
            (21, "ventures", _("自主创业"), "venture_list", "shop"),
            (22, "welfare_posts", _("公益性岗位"), "welfarepost_list", "person-badge"),
            (23, "placements", _("岗位安置"), "placement_list", "person-check"),
        ]:
            nav.register(NavEntry(key=key, label=label, icon=icon, order=order,
                                  url=reverse_lazy(f"employment:{url}"), group="employment"))
        nav.register(NavEntry(key="zero_employment", label=_("零就业家庭"), icon="house-x",
                              url=reverse_lazy("employment:zero_employment"), order=24,
                              group="employment"))
        # the person and household pages: jobs, ventures and posts, and the timeline's entries
        register_member_records(
            key="work", title=_("就业记录"), order=45, template="employment/sections/work.html",
            name="work", person=selectors.person_work, household=selectors.household_work,
            timeline_order=30, person_entries=timeline.person_entries,
            household_entries=timeline.household_entries)
        _periods()


def _periods():
    """The home page's cards (core/workbench.py) and the dates the latest period is read
    from (core/periods.py)."""
    from django.urls import reverse

    from fupin.core import periods
    from fupin.core import workbench as wb

    from .models import Employment, Placement, Venture
    from .selectors import posts_vacant

    wb.register(wb.Card(
        key="zero_employment", title=_("零就业贫困家庭"), icon="house-x", order=15,
        roles=wb.STAFF, tone="danger", count=wb.indicator_count("zero_employment"),
        url=lambda user: reverse("employment:zero_employment")))
    wb.register(wb.Card(
        key="posts_vacant", title=_("空缺的公益性岗位"), icon="person-badge", order=40,
        roles=wb.STAFF, tone="warning", count=lambda user: posts_vacant(user=user).count(),
        url=lambda user: reverse("employment:welfarepost_list") + "?vacancy=vacant"))

    for key, model in [("employments", Employment), ("ventures", Venture),
                       ("placements", Placement)]:
        periods.register(periods.DatedSource(key, model.objects.all, "start_date"))
