"""Forms of the training list. They check shape only; the services apply the rules."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fupin.areas.widgets import AreaPickerWidget
from fupin.core import scoping
from fupin.core.forms import AreaField, ScopedModelForm, StyledFormMixin
from fupin.registry.fields import PersonField

from . import rules
from .models import Course, Enrolment


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TownshipField(AreaField):
    """The organising township, chosen with the area picker stopped at township level."""

    default_error_messages = {
        "level": _("培训班由乡镇组织：请选择到乡镇（街道）一级。"),
    }

    def __init__(self, *, user=None, **kwargs):
        kwargs.setdefault("label", _("组织乡镇"))
        kwargs.setdefault("widget", AreaPickerWidget(root=scoping.user_scope_code(user) or "",
                                                     leaf_level="township"))
        super().__init__(user=user, village_only=False, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value and rules.township_code_error(value):
            raise forms.ValidationError(self.error_messages["level"], code="level")
        return value


class CourseForm(ScopedModelForm):
    class Meta:
        model = Course
        fields = ["area_code", "name", "kind", "provider", "trainer", "start_date", "end_date",
                  "place", "capacity", "subsidy_per_person"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area_code"] = TownshipField(user=self.user)
        if self.instance and self.instance.pk:
            self.initial["area_code"] = self.instance.area_code
        self.fields["capacity"].min_value = 1
        self.fields["capacity"].widget.attrs["min"] = 1
        self.fields["subsidy_per_person"].min_value = 0
        self.fields["subsidy_per_person"].widget.attrs["min"] = 0
        self.style_fields()

    def clean_capacity(self):
        value = self.cleaned_data.get("capacity")
        if value is not None and value < 1:
            raise forms.ValidationError(_("计划人数至少为 1 人。"))
        return value

    def clean_subsidy_per_person(self):
        value = self.cleaned_data.get("subsidy_per_person")
        if value is not None and value < 0:
            raise forms.ValidationError(_("补贴标准不能为负数。"))
        return value

    def clean(self):
        data = super().clean()
        error = rules.course_date_error(data.get("start_date"), data.get("end_date"))
        if error:
            self.add_error("end_date", error)
        return data


class CourseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.start_date:%Y-%m-%d} ~ {obj.end_date:%Y-%m-%d}，{obj.place}）"


class EnrolmentForm(ScopedModelForm):
    """New enrolment: a course and a person (by ID number). Existing one: its progress."""

    class Meta:
        model = Enrolment
        # the status moves only through the workflow's buttons (models.Enrolment.workflow)
        fields = ["days_attended", "completed_on", "certificate"]
        widgets = {"completed_on": DateInput()}
        help_texts = {
            "completed_on": _("状态为“已结业”时填写"),
            "certificate": _("状态为“已结业”时填写"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.creating = not (self.instance and self.instance.pk)
        if self.creating:
            for name in list(self.fields):
                del self.fields[name]
            self.fields["course"] = CourseChoiceField(
                label=_("培训班"), queryset=open_courses(self.user),
                empty_label=_("请选择培训班"))
            self.fields["person"] = PersonField(user=self.user, label=_("学员身份证号"))
        else:
            self.fields["days_attended"].help_text = _("本班共 %(n)s 天") % {
                "n": rules.course_days(self.instance.course)}
        self.style_fields()

    def service_data(self) -> dict:
        names = ("course", "person") if self.creating else tuple(self._meta.fields)
        return {k: self.cleaned_data.get(k) for k in names}


def open_courses(user):
    """Courses a user can enrol people on: visible, not retired, open for enrolment or
    running, not yet ended."""
    return (Course.objects.visible_to(user).active()
            .filter(end_date__gte=timezone.localdate(),
                    status__in=[rules.OPEN, rules.RUNNING]).order_by("start_date", "name"))


class EnrolPersonForm(StyledFormMixin, forms.Form):
    """The "enrol a person" box on a course's page."""

    person = PersonField(label=_("学员身份证号"))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].user = user
        self.fields["person"].widget.attrs.update({"autocomplete": "off",
                                                   "inputmode": "text",
                                                   "placeholder": _("18 位身份证号")})
        self.style_fields()
