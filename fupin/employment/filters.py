"""List filters of the employment lists (pages and API alike). The area filter is the shared
one (`?area=CODE`, applied by the generic views and the API on the scope field)."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fupin.core import codes
from fupin.registry.filters import StyledFilterSet
from fupin.registry.models import Person
from fupin.registry.selectors import person_search

from .models import Channel, Employment, Placement, Venture, WelfarePost
from .selectors import post_held, today

STATE_CHOICES = [("open", _("进行中")), ("ended", _("已结束"))]
YES = [("yes", _("是")), ("no", _("否"))]


class PersonRecordFilter(StyledFilterSet):
    """Filters every list of records about a person shares."""

    q = django_filters.CharFilter(label=_("人员"), method="by_person",
                                  help_text=_("姓名、拼音（如 zs）或身份证号"))
    state = django_filters.ChoiceFilter(label=_("状态"), method="by_state",
                                        choices=STATE_CHOICES)

    def by_person(self, qs, name, value):
        return qs.filter(person__in=person_search(
            Person.objects.all(), value, user=getattr(self.request, "user", None)).values("pk"))

    def by_state(self, qs, name, value):
        ongoing = Q(end_date__isnull=True) | Q(end_date__gte=today())
        return qs.filter(ongoing) if value == "open" else qs.exclude(ongoing)


class EmploymentFilter(PersonRecordFilter):
    place = django_filters.ChoiceFilter(label=_("务工地点"), choices=codes.choices("work_place"))
    channel = django_filters.ChoiceFilter(label=_("就业渠道"), choices=Channel.choices)
    industry = django_filters.CharFilter(label=_("行业"), lookup_expr="contains")

    class Meta:
        model = Employment
        fields = ["q", "state", "place", "channel", "industry"]


class VentureFilter(PersonRecordFilter):
    industry = django_filters.CharFilter(label=_("行业"), lookup_expr="contains")
    loan = django_filters.ChoiceFilter(label=_("创业担保贷款"), method="by_loan",
                                       choices=[("yes", _("有贷款")), ("no", _("无贷款"))])
    college_student = django_filters.ChoiceFilter(label=_("贫困家庭大学生创业"),
                                                  method="by_college", choices=YES)

    class Meta:
        model = Venture
        fields = ["q", "state", "industry", "loan", "college_student"]

    def by_loan(self, qs, name, value):
        has = Q(loan_amount__gt=0)
        return qs.filter(has) if value == "yes" else qs.exclude(has)

    def by_college(self, qs, name, value):
        return qs.filter(college_student=(value == "yes"))


class WelfarePostFilter(StyledFilterSet):
    q = django_filters.CharFilter(label=_("岗位名称"), field_name="name",
                                  lookup_expr="contains")
    kind = django_filters.ChoiceFilter(label=_("岗位类型"),
                                       choices=codes.choices("welfare_post_kind"))
    vacancy = django_filters.ChoiceFilter(label=_("在岗情况"), method="by_vacancy",
                                          choices=[("held", _("有人在岗")),
                                                   ("vacant", _("空缺"))])

    class Meta:
        model = WelfarePost
        fields = ["q", "kind", "vacancy"]

    def by_vacancy(self, qs, name, value):
        held = post_held(user=getattr(self.request, "user", None))
        return qs.filter(held) if value == "held" else qs.exclude(held)


class PlacementFilter(PersonRecordFilter):
    post_name = django_filters.CharFilter(label=_("岗位名称"), field_name="post__name",
                                          lookup_expr="contains")
    kind = django_filters.ChoiceFilter(label=_("岗位类型"), field_name="post__kind",
                                       choices=codes.choices("welfare_post_kind"))

    class Meta:
        model = Placement
        fields = ["q", "state", "post_name", "kind"]
