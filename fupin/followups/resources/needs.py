"""The needs list (需求清单): a need raised by hand, the workflow's buttons on its page."""

import django_filters
from django import forms
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from fupin.core import services
from fupin.core.forms import ScopedModelForm
from fupin.core.resources import Column, Resource
from fupin.registry.fields import PersonField

from .. import needs as rules
from ..models import Need, NeedKind


class NeedFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=Need.Status.choices)
    kind = django_filters.ChoiceFilter(label=_("需求类型"), choices=NeedKind.choices)

    class Meta:
        model = Need
        fields = ["status", "kind"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            field.widget.attrs["class"] = "form-select"


class NeedForm(ScopedModelForm):
    """A need raised by hand: the person (in scope), kind, note, date."""

    class Meta:
        model = Need
        fields = ["kind", "note", "raised_on"]
        widgets = {"raised_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.creating = not (self.instance and self.instance.pk)
        if self.creating:
            self.fields["person"] = PersonField(user=self.user, label=_("劳动力身份证号"))
        self.style_fields()

    def service_data(self) -> dict:
        names = ["kind", "note", "raised_on"] + (["person"] if self.creating else [])
        return {k: self.cleaned_data.get(k) for k in names}


class NeedResource(Resource):
    model = Need
    form_class = NeedForm
    filterset_class = NeedFilter
    icon = "clipboard-check"
    columns = [
        Column("person__name", _("劳动力"), link=True),
        Column("kind"),
        Column("note"),
        Column("raised_on"),
        Column("status"),
        Column("met_by"),
        Column("resolution"),
    ]
    detail_fields = ["kind", "note", "raised_on", "status", "met_by", "resolution",
                     "closed_on"]
    detail_template = "followups/need_detail.html"

    def list_queryset(self, user):
        return self.queryset(user).select_related("person").order_by("-raised_on", "-pk")

    def detail_context(self, *, request, obj):
        labels = {"training.enrolment": _("参训记录"), "employment.employment": _("转移就业"),
                  "employment.venture": _("自主创业"), "employment.placement": _("岗位安置")}
        return {"met_record_link": rules.record_link(obj),
                "met_record_label": labels.get(obj.met_record_type, obj.met_record_type)}

    @transaction.atomic
    def create(self, *, actor, data):
        data = dict(data)
        person = data.pop("person")
        return services.record_create(actor=actor, model=Need, data={
            **data, "person": person, "area_code": person.area_code, "raised_by": actor})


needs = NeedResource()
