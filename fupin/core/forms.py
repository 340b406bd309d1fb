"""Form parts shared by every app: Bootstrap styling, the user's scope, the area picker."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from . import places, scoping


class StyledFormMixin:
    """Give every widget its Bootstrap class; invalid fields are marked for the browser."""

    def style_fields(self):
        for name, field in self.fields.items():
            widget = field.widget
            if getattr(widget, "is_area_picker", False):
                continue
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            if self.is_bound and self._errors is not None and name in self._errors:
                css += " is-invalid"
            widget.attrs["class"] = css

    def full_clean(self):
        super().full_clean()
        self.style_fields()


class AreaField(forms.CharField):
    """An area code chosen with the cascading picker, validated against the user's scope."""

    default_error_messages = {
        "out_of_scope": _("所选区划不在您的管辖范围内。"),
        "unknown": _("区划代码不存在。"),
        "level": _("请选择到村（社区）一级。"),
    }

    def __init__(self, *, user=None, village_only: bool = True, **kwargs):
        self.user = user
        self.village_only = village_only
        kwargs.setdefault("label", _("所属区划"))
        kwargs.setdefault("widget", places.picker(root=scoping.user_scope_code(user) or "",
                                                  leaf_level="village"))
        super().__init__(max_length=12, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        if not places.exists(value):
            raise forms.ValidationError(self.error_messages["unknown"], code="unknown")
        if self.village_only and len(value) != 12:
            raise forms.ValidationError(self.error_messages["level"], code="level")
        if self.user is not None and not scoping.in_scope(self.user, value):
            raise forms.ValidationError(self.error_messages["out_of_scope"],
                                        code="out_of_scope")
        return value


class ScopedModelForm(StyledFormMixin, forms.ModelForm):
    """A ModelForm for an AreaScopedModel. It validates shape only; the view hands the
    cleaned data to the resource's service, which saves."""

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        if "area_code" in self.fields:
            old = self.fields["area_code"]
            self.fields["area_code"] = AreaField(user=user, required=old.required)
            if self.instance and self.instance.pk:
                self.initial["area_code"] = self.instance.area_code
        self.style_fields()

    def service_data(self) -> dict:
        """The cleaned values the service takes (the model's own fields)."""
        names = set(self._meta.fields or []) | {"area_code"}
        return {k: v for k, v in self.cleaned_data.items() if k in names}

    def _post_clean(self):
        # Model validation runs in the service (full_clean on the instance it saves);
        # the form must not touch self.instance, which is the unlocked copy.
        pass
