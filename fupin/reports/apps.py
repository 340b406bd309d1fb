from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "fupin.reports"
    label = "reports"
    verbose_name = _("指标与报表")

    def ready(self):
        from django.urls import reverse_lazy

        from fupin.core import demo
        from fupin.core.sections import NavEntry, Section, nav, person_sections

        from .demo import demo_step
        from .selectors import person_timeline

        nav.register(NavEntry(key="indicators", label=_("指标"), icon="bar-chart",
                              url=reverse_lazy("reports:indicators"), order=70))
        nav.register(NavEntry(key="zero_employment", label=_("零就业家庭"), icon="house-x",
                              url=reverse_lazy("reports:zero_employment"), order=13))
        demo.register(demo.DemoStep(key="five_lists", order=30, run=demo_step))
        from django.urls import reverse

        from fupin.core import workbench as wb

        # the working list's own count (selectors.zero_employment_counts): the indicator
        wb.register(wb.Card(
            key="zero_employment", title=_("零就业贫困家庭"), icon="house-x", order=15,
            roles=wb.STAFF, tone="danger", count=wb.indicator_count("zero_employment"),
            url=lambda user: reverse("reports:zero_employment")))
        person_sections.register(Section(
            key="timeline", title=_("五名单记录"), order=40,
            template="reports/sections/timeline.html",
            context=lambda request, person: {"timeline": person_timeline(person)}))
