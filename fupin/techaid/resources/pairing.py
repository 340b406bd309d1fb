"""Resources (core/resources.py) of the pairing part: pairings (技术员结对) and service visits
(技术服务记录). Reads in scope; writes through pairing_services / service_visits."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from fupin.core.filters import TownshipFilter
from fupin.core.forms import ScopedModelForm
from fupin.core.resources import Column, Resource
from fupin.registry.filters import StyledFilterSet
from fupin.registry.models import Household

from .. import pairing_services, service_visits
from ..models import Industry, Pairing, ServiceVisit, Technician


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class HouseholdNumberField(forms.CharField):
    """A household by its number (户编号), among those the user may see."""

    def __init__(self, *, user=None, **kwargs):
        self.user = user
        kwargs.setdefault("label", _("户编号"))
        super().__init__(max_length=30, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, int):
            found = Household.objects.filter(pk=value).values_list("number", flat=True).first()
            return found or value
        if isinstance(value, Household):
            return value.number
        return value

    def clean(self, value):
        if isinstance(value, Household):
            return value
        value = super().clean(value)
        if not value:
            return None
        found = Household.objects.visible_to(self.user).active().filter(
            number=value.strip()).first()
        if found is None:
            raise forms.ValidationError(_("在您的管辖范围内没有这个户编号。"))
        return found


def _technicians(user):
    return Technician.objects.visible_to(user).active().order_by("area_code", "name")


class TechnicianChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.area_label}）"


class PairingForm(ScopedModelForm):
    household = HouseholdNumberField()

    class Meta:
        model = Pairing
        fields = ["household", "industry", "technician", "started_on", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].user = self.user
        self.fields["industry"].queryset = Industry.objects.filter(retired_at__isnull=True)
        self.fields["technician"] = TechnicianChoiceField(
            label=_("技术员"), queryset=_technicians(self.user))
        self.fields["started_on"].widget = DateInput()
        if self.instance and self.instance.pk:  # who and what stay; change the technician
            for name in ("household", "industry", "technician"):  # through 更换技术员
                del self.fields[name]
        self.style_fields()


class PairingFilter(StyledFilterSet):
    technician = django_filters.ModelChoiceFilter(label=_("技术员"), queryset=Technician.objects
                                                  .none())
    industry = django_filters.ModelChoiceFilter(label=_("产业"), queryset=Industry.objects.all())
    township = TownshipFilter()
    state = django_filters.ChoiceFilter(label=_("状态"), method="by_state", choices=[
        ("active", _("结对中")), ("ended", _("已结束"))])

    class Meta:
        model = Pairing
        fields = ["technician", "industry", "township", "state"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        self.filters["technician"].queryset = _technicians(user)
        self.form.fields["technician"].queryset = _technicians(user)
        TownshipFilter.for_user(self, "township", user)

    def by_state(self, qs, name, value):
        if value == "active":
            return qs.filter(ended_on__isnull=True)
        if value == "ended":
            return qs.filter(ended_on__isnull=False)
        return qs


class PairingResource(Resource):
    model = Pairing
    form_class = PairingForm
    filterset_class = PairingFilter
    icon = "people"
    detail_template = "techaid/pairing/pairing_detail.html"
    columns = [Column("household", _("贫困户"), link=True), Column("industry"),
               Column("technician"), Column("started_on"), Column("ended_on"),
               Column("note")]
    detail_fields = ["household", "industry", "technician", "started_on", "ended_on", "note"]

    @property
    def import_spec(self):
        from ..imports.pairing import pairings_import

        return pairings_import

    def list_queryset(self, user):
        return self.queryset(user).select_related("household__head", "industry", "technician") \
            .order_by("area_code", "household_id", "-started_on", "-pk")

    def detail_context(self, *, request, obj) -> dict:
        from ..pairing import active_loads

        techs = list(Technician.objects.visible_to(request.user).active()
                     .filter(industries=obj.industry_id,
                             area_code__startswith=obj.area_code[:6])
                     .exclude(pk=obj.technician_id).order_by("area_code", "name"))
        loads = active_loads([t.pk for t in techs])
        options = [(t, loads.get(t.pk, 0), pairing_services.load_limit(t)) for t in techs]
        return {"change_options": [o for o in options if o[1] < o[2]]}

    def create(self, *, actor, data):
        return pairing_services.pairing_create(actor=actor, data=data)

    def update(self, *, actor, instance, data, expected_version):
        return pairing_services.pairing_update(actor=actor, pairing=instance, data=data,
                                               expected_version=expected_version)

    def retire(self, *, actor, instance, reason=""):
        return pairing_services.pairing_retire(actor=actor, pairing=instance, reason=reason)


class ServiceVisitForm(ScopedModelForm):
    household = HouseholdNumberField()

    class Meta:
        model = ServiceVisit
        fields = ["household", "technician", "visited_on", "notes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].user = self.user
        self.fields["technician"] = TechnicianChoiceField(
            label=_("技术员"), queryset=_technicians(self.user), required=False,
            help_text=_("技术员本人记录时可不选"))
        self.fields["visited_on"].widget = DateInput()
        if self.instance and self.instance.pk:
            for name in ("household", "technician"):
                del self.fields[name]
        self.style_fields()


class ServiceVisitFilter(StyledFilterSet):
    technician = django_filters.ModelChoiceFilter(label=_("技术员"),
                                                  queryset=Technician.objects.none())
    household = django_filters.NumberFilter(label=_("贫困户"), field_name="household_id",
                                            widget=forms.HiddenInput)
    visited_from = django_filters.DateFilter(label=_("服务日期起"), field_name="visited_on",
                                             lookup_expr="gte")
    visited_to = django_filters.DateFilter(label=_("服务日期止"), field_name="visited_on",
                                           lookup_expr="lte")

    class Meta:
        model = ServiceVisit
        fields = ["technician", "household", "visited_from", "visited_to"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        self.filters["technician"].queryset = _technicians(user)
        self.form.fields["technician"].queryset = _technicians(user)


class ServiceVisitResource(Resource):
    model = ServiceVisit
    form_class = ServiceVisitForm
    filterset_class = ServiceVisitFilter
    icon = "clipboard2-pulse"
    detail_template = "techaid/pairing/visit_detail.html"
    columns = [Column("household", _("贫困户"), link=True), Column("technician"),
               Column("visited_on"), Column("notes")]
    detail_fields = ["household", "technician", "visited_on", "notes", "recorded_by"]

    @property
    def import_spec(self):
        from ..imports.pairing import service_visits_import

        return service_visits_import

    def list_queryset(self, user):
        return self.queryset(user).select_related("household__head", "technician") \
            .order_by("-visited_on", "-pk")

    def detail_context(self, *, request, obj) -> dict:
        return {"results": list(obj.results.select_related("measure__prescription")
                                .order_by("measure__order", "pk"))}

    def create(self, *, actor, data):
        data = dict(data)
        household = data.pop("household")
        return service_visits.visit_record(actor=actor, household=household, data=data)

    def update(self, *, actor, instance, data, expected_version):
        return service_visits.visit_update(actor=actor, visit=instance, data=data,
                                           expected_version=expected_version)

    def retire(self, *, actor, instance, reason=""):
        return service_visits.visit_retire(actor=actor, visit=instance, reason=reason)


pairings = PairingResource()
service_visit_resource = ServiceVisitResource()
