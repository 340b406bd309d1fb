"""Shared parts for lists whose records hang off a person (the five lists): a form field that
finds a registered person by ID number, and a bulk lookup for imports."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fupin.core import crypto, personal

from .identity import IdNumberError, parse_id_number
from .models import Person


class PersonField(forms.CharField):
    """A person chosen by their 18-digit ID number, among the people the user may see.
    Cleans to the Person; the page never needs the clear ID of anyone else."""

    default_error_messages = {
        "unknown": _("在您的管辖范围内没有登记这个身份证号。"),
    }

    def __init__(self, *, user=None, **kwargs):
        self.user = user
        kwargs.setdefault("label", _("身份证号"))
        kwargs.setdefault("help_text", _("输入已登记人员的 18 位身份证号"))
        super().__init__(max_length=30, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, Person):
            return personal.value_for(value, "id_number", self.user)
        return value

    def clean(self, value):
        if isinstance(value, Person):
            return value
        value = super().clean(value)
        if not value:
            return None
        try:
            number = parse_id_number(value).number
        except IdNumberError as exc:
            raise forms.ValidationError(exc.message) from exc
        person = (Person.objects.visible_to(self.user).active()
                  .filter(id_number_hash=crypto.blind_index(number)).first())
        if person is None:
            raise forms.ValidationError(self.error_messages["unknown"], code="unknown")
        return person


def persons_by_id_number(*, user, numbers) -> dict[str, Person]:
    """{clear ID number: Person} for the given numbers that the user may see (one query)."""
    by_hash = {crypto.blind_index(n): n for n in numbers if n}
    found = Person.objects.visible_to(user).active().filter(id_number_hash__in=list(by_hash))
    return {by_hash[p.id_number_hash]: p for p in found}
