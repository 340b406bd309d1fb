"""Forms of the employment lists: shape only; the services decide (CONVENTIONS)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fupin.core import personal
from fupin.core.forms import ScopedModelForm
from fupin.registry.fields import PersonField
from fupin.registry.models import Person

from .models import Employment, Placement, Venture, WelfarePost


class DateInput(forms.DateInput):
    """The phone's own date picker."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class PersonPickField(PersonField):
    """A person by ID number; the person already chosen (the record's, or the one the page
    was opened for) shows masked and stays chosen when the masked value comes back."""

    current: Person | None = None

    def prepare_value(self, value):
        if isinstance(value, int) and self.current is not None and value == self.current.pk:
            value = self.current
        return super().prepare_value(value)

    def clean(self, value):
        current = self.current
        if current is not None and isinstance(value, str) and \
                value.strip() == personal.value_for(current, "id_number", self.user):
            return current
        return super().clean(value)


class PersonRecordForm(ScopedModelForm):
    """A record that hangs off a person: the person comes first, picked by ID number; the
    record's area is the person's village (set by the service)."""

    person = PersonPickField(label=_("身份证号"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["person"]
        field.user = self.user
        current = self.instance.person if self.instance and self.instance.pk else \
            self.initial.get("person")
        if isinstance(current, Person):
            field.current = current
            self.initial["person"] = current
            field.help_text = _("%(name)s（%(id)s）；换人请输入其 18 位身份证号") % {
                "name": current.name, "id": personal.value_for(current, "id_number", self.user)}
        for f in self.fields.values():
            if isinstance(f, forms.DateField):
                f.widget = DateInput()
                f.widget.is_required = f.required
        self.order_fields(["person"])
        self.style_fields()


class EmploymentForm(PersonRecordForm):
    class Meta:
        model = Employment
        fields = ["person", "employer", "place", "industry", "start_date", "end_date",
                  "monthly_income", "channel", "contract", "full_time"]
        help_texts = {"end_date": _("仍在岗则留空")}


class VentureForm(PersonRecordForm):
    class Meta:
        model = Venture
        fields = ["person", "business", "industry", "start_date", "end_date",
                  "college_student", "employees", "poor_employees", "loan_amount",
                  "loan_bank", "loan_start", "loan_end", "interest_subsidy"]
        help_texts = {"end_date": _("仍在经营则留空"),
                      "loan_amount": _("没有创业担保贷款则留空")}


class WelfarePostForm(ScopedModelForm):
    class Meta:
        model = WelfarePost
        fields = ["area_code", "name", "kind", "monthly_pay", "established"]
        widgets = {"established": DateInput()}
        help_texts = {"name": _("如“保洁员”；同村多个同类岗位请加编号，如“保洁员2”")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area_code"].label = _("岗位所在村")
        self.fields["area_code"].required = True


class PostChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.area_label}）"


class PlacementForm(PersonRecordForm):
    post = PostChoiceField(label=_("岗位"), queryset=WelfarePost.objects.none())

    class Meta:
        model = Placement
        fields = ["post", "person", "start_date", "end_date"]
        help_texts = {"end_date": _("离岗（结束安置）时填写；仍在岗则留空")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        posts = WelfarePost.objects.visible_to(self.user).active()
        if self.instance and self.instance.pk:
            # its own post stays listed (even retired, or in a village outside the scope:
            # the person's village worker may end the placement)
            posts = posts | WelfarePost.objects.filter(pk=self.instance.post_id)
        self.fields["post"].queryset = posts.order_by("area_code", "name")
        self.order_fields(["post", "person"])
