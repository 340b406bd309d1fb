import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fupin.core import codes
from fupin.core.filters import YearFilter

from .models import Course, Enrolment


class StyledFilterSet(django_filters.FilterSet):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            css = "form-select" if hasattr(field, "choices") else "form-control"
            field.widget.attrs["class"] = css


PHASES = [("upcoming", _("未开班")), ("running", _("培训中")), ("ended", _("已结业")),
          ("open", _("可报名"))]


class CourseFilter(StyledFilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="search",
                                  help_text=_("培训班名称、培训机构或地点"))
    kind = django_filters.ChoiceFilter(label=_("培训类型"), choices=codes.choices("training_kind"))
    phase = django_filters.ChoiceFilter(label=_("进度"), choices=PHASES, method="by_phase")
    year = YearFilter(label=_("开班年度"), field_name="start_date__year")

    class Meta:
        model = Course
        fields = ["q", "kind", "phase", "year"]

    def search(self, qs, name, value):
        from django.db.models import Q

        value = value.strip()
        if not value:
            return qs
        return qs.filter(Q(name__contains=value) | Q(provider__contains=value)
                         | Q(place__contains=value))

    def by_phase(self, qs, name, value):
        today = timezone.localdate()
        if value == "upcoming":
            return qs.filter(start_date__gt=today)
        if value == "running":
            return qs.filter(start_date__lte=today, end_date__gte=today)
        if value == "ended":
            return qs.filter(end_date__lt=today)
        if value == "open":  # the workbench's card: one rule, training/selectors.py
            from .selectors import courses_open_for_enrolment

            user = getattr(self.request, "user", None)
            return qs.filter(pk__in=courses_open_for_enrolment(user=user).values("pk"))
        return qs


def _visible_courses(request):
    if request is None:
        return Course.objects.none()
    return Course.objects.visible_to(request.user).order_by("-start_date", "name")


class EnrolmentFilter(StyledFilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="search",
                                  help_text=_("学员姓名、拼音或身份证号"))
    course = django_filters.ModelChoiceFilter(label=_("培训班"), queryset=_visible_courses)
    # not "status": the generic list uses ?status=retired for retired records
    state = django_filters.ChoiceFilter(label=_("参训状态"), field_name="status",
                                        choices=Enrolment.Status.choices)

    class Meta:
        model = Enrolment
        fields = ["q", "course", "state"]

    def search(self, qs, name, value):
        from fupin.registry.models import Person
        from fupin.registry.selectors import person_search

        if not value.strip():
            return qs
        return qs.filter(person__in=person_search(
            Person.objects.all(), value, user=getattr(self.request, "user", None)).values("pk"))


class EnrolmentApiFilter(EnrolmentFilter):
    status = django_filters.ChoiceFilter(label=_("参训状态"), choices=Enrolment.Status.choices)

    class Meta:
        model = Enrolment
        fields = ["q", "course", "state", "status"]
