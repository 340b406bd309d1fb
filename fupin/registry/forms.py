from django import forms
from django.utils.translation import gettext_lazy as _

from fupin.core import personal
from fupin.core.forms import ScopedModelForm

from .identity import IdNumberError, parse_id_number
from .models import Household, NationalReport, Person

BOOL_CHOICES = [("", _("未填")), ("true", _("是")), ("false", _("否"))]


def _nullable_bool(value):
    return {"true": True, "false": False}.get(value)


class HouseholdForm(ScopedModelForm):
    class Meta:
        model = Household
        fields = ["area_code", "number", "hamlet", "identified_year", "household_kind",
                  "poverty_status", "exit_year", "poverty_cause", "address"]
        help_texts = {"number": _("留空则自动编号")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["number"].required = False


class PersonForm(ScopedModelForm):
    """Person form. The protected values (ID number, phone, bank account) are never put back
    into the page: on edit they are empty, and empty means "unchanged"."""

    household_number = forms.CharField(label=_("户编号"), max_length=30)
    id_number = forms.CharField(label=_("身份证号"), max_length=30, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    bank_account = forms.CharField(label=_("银行账号"), max_length=40, required=False)
    wants_training = forms.TypedChoiceField(label=_("有培训意愿"), choices=BOOL_CHOICES,
                                            coerce=_nullable_bool, required=False,
                                            empty_value=None)
    wants_work = forms.TypedChoiceField(label=_("有就业意愿"), choices=BOOL_CHOICES,
                                        coerce=_nullable_bool, required=False, empty_value=None)

    PROTECTED = ("id_number", "phone", "bank_account")

    class Meta:
        model = Person
        fields = ["name", "relation", "ethnicity", "education", "schooling", "health",
                  "labour_capacity",
                  "skills", "bank_name", "wants_training", "training_wish", "wants_work",
                  "work_place_wish", "industry_wish", "expected_wage"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        editing = bool(self.instance and self.instance.pk)
        order = ["household_number", "name", "id_number", "phone"]
        self.order_fields(order)
        if editing:
            self.initial["household_number"] = self.instance.household.number
            self.initial["wants_training"] = self._bool_initial(self.instance.wants_training)
            self.initial["wants_work"] = self._bool_initial(self.instance.wants_work)
            for name in self.PROTECTED:
                masked = personal.value_for(self.instance, name, self.user)
                self.fields[name].widget.attrs["placeholder"] = (
                    _("留空则不修改（现为 %(v)s）") % {"v": masked} if masked else "")
        else:
            self.fields["id_number"].required = True
        for name in ("relation", "labour_capacity"):
            self.fields[name].required = True
        self.style_fields()

    @staticmethod
    def _bool_initial(value):
        return {True: "true", False: "false"}.get(value, "")

    def clean_household_number(self):
        number = self.cleaned_data["household_number"].strip()
        household = Household.objects.visible_to(self.user).active().filter(number=number).first()
        if household is None:
            raise forms.ValidationError(_("户编号不存在或不在您的管辖范围内。"))
        self.household = household
        return number

    def clean_id_number(self):
        value = self.cleaned_data.get("id_number", "").strip()
        if not value:
            return ""
        try:
            return parse_id_number(value).number
        except IdNumberError as exc:
            raise forms.ValidationError(exc.message) from exc

    def clean_phone(self):
        from fupin.core.tabular.parsers import CellError, parse_phone

        value = self.cleaned_data.get("phone", "").strip()
        try:
            return parse_phone(value) if value else ""
        except CellError as exc:
            raise forms.ValidationError(exc.message) from exc

    def clean_bank_account(self):
        from fupin.core.tabular.parsers import CellError, parse_bank_account

        value = self.cleaned_data.get("bank_account", "").strip()
        try:
            return parse_bank_account(value) if value else ""
        except CellError as exc:
            raise forms.ValidationError(exc.message) from exc

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k in self._meta.fields}
        data["household"] = self.household
        return data

    def protected_data(self) -> dict:
        # empty on edit = keep the stored value
        return {k: (self.cleaned_data.get(k) or None) for k in self.PROTECTED}


class NationalReportForm(ScopedModelForm):
    """No field is typed: a report is what the national system said (imports write it)."""

    class Meta:
        model = NationalReport
        fields: list = []
