import django_filters
from django.utils.translation import gettext_lazy as _

from fupin.core import codes

from .models import EmploymentStatus, Household, Person
from .rules import labourer_q
from .selectors import person_search


class StyledFilterSet(django_filters.FilterSet):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            css = "form-select" if hasattr(field, "choices") else "form-control"
            field.widget.attrs["class"] = css


class PersonFilter(StyledFilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="search",
                                  help_text=_("姓名、拼音（如 zs）、身份证号或手机号"))
    labour_capacity = django_filters.ChoiceFilter(label=_("劳动技能"),
                                                  choices=codes.choices("labour_capacity"))
    employment_status = django_filters.ChoiceFilter(label=_("就业状态"),
                                                    choices=EmploymentStatus.choices)
    complete = django_filters.ChoiceFilter(label=_("登记完整性"), method="by_complete",
                                           choices=[("yes", _("完整")), ("no", _("不完整"))])
    labourer = django_filters.ChoiceFilter(label=_("劳动力"), method="by_labourer",
                                           choices=[("yes", _("仅劳动力"))])

    class Meta:
        model = Person
        fields = ["q", "labour_capacity", "employment_status", "complete", "labourer"]

    def search(self, qs, name, value):
        return person_search(qs, value, user=getattr(self.request, "user", None))

    def by_complete(self, qs, name, value):
        return qs.filter(complete=(value == "yes"))

    def by_labourer(self, qs, name, value):
        return qs.filter(labourer_q()) if value == "yes" else qs


class HouseholdFilter(StyledFilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="search",
                                  help_text=_("户编号或户主姓名、拼音"))
    poverty_status = django_filters.ChoiceFilter(label=_("脱贫状态"),
                                                 choices=codes.choices("poverty_status"))
    household_kind = django_filters.ChoiceFilter(label=_("贫困户属性"),
                                                 choices=codes.choices("household_kind"))

    class Meta:
        model = Household
        fields = ["q", "poverty_status", "household_kind"]

    def search(self, qs, name, value):
        value = value.strip()
        if value.isdigit():
            return qs.filter(number__startswith=value)
        heads = person_search(Person.objects.all(), value,
                              user=getattr(self.request, "user", None)).values("pk")
        return qs.filter(head__in=heads)
