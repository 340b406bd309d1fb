"""Resources (core/resources.py) of the prescriptions part: village missions (特派团) and
prescriptions (处方) with their measures."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fupin.core.bounds import validate_year
from fupin.core.filters import TownshipFilter
from fupin.core.forms import ScopedModelForm
from fupin.core.resources import Column, Resource

from .. import missions as mission_services
from .. import prescriptions as services
from ..models import Expert, Industry, Mission, Prescription


def _style(filterset) -> None:
    for field in filterset.form.fields.values():
        field.widget.attrs["class"] = ("form-select" if isinstance(field.widget, forms.Select)
                                       else "form-control")


# --- missions ------------------------------------------------------------------------------------

class MissionFilter(django_filters.FilterSet):
    township = TownshipFilter()
    has_prescriptions = django_filters.BooleanFilter(
        label=_("已开处方"), method="filter_has_prescriptions",
        widget=forms.Select(choices=[("", "---------"), ("true", _("是")),
                                     ("false", _("否"))]))

    class Meta:
        model = Mission
        fields = ["township", "has_prescriptions"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = getattr(request, "user", None)
        TownshipFilter.for_user(self, "township", user)
        _style(self)

    def filter_has_prescriptions(self, queryset, name, value):
        if value is None:
            return queryset
        issued = Prescription.objects.filter(mission=OuterRef("pk"), retired_at__isnull=True)
        return queryset.filter(Exists(issued)) if value else queryset.exclude(Exists(issued))


class ExpertChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.institution}）"


class MissionForm(ScopedModelForm):
    """The mission's village (a poor village in scope), name, leader and formation date;
    members are added and removed on its page."""

    class Meta:
        model = Mission
        fields = ["area_code", "name", "leader", "formed_on"]
        widgets = {"formed_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area_code"].label = _("贫困村")
        experts = Expert.objects.visible_to(self.user).active() if self.user else \
            Expert.objects.none()
        self.fields["leader"] = ExpertChoiceField(
            queryset=experts.filter(research_institute=True).order_by("area_code", "name"),
            label=_("团长"), help_text=_("本县（区）科研院所专家"))
        if self.instance and self.instance.pk:
            self.fields["area_code"].disabled = True
            self.fields["area_code"].required = False
        self.style_fields()

    def clean_area_code(self):
        if self.instance and self.instance.pk:
            return self.instance.area_code
        return self.cleaned_data.get("area_code")


class MissionResource(Resource):
    model = Mission
    form_class = MissionForm
    filterset_class = MissionFilter
    icon = "people"
    columns = [
        Column("name", _("特派团名称"), link=True),
        Column("area_label", _("村（社区）")),
        Column("leader__name", _("团长")),
        Column("n_members", _("技术员人数")),
        Column("n_prescriptions", _("处方数")),
        Column("formed_on"),
    ]
    detail_fields = ["name", "formed_on"]
    detail_template = "techaid/prescriptions/mission_detail.html"

    def list_queryset(self, user):
        return self.queryset(user).select_related("leader").annotate(
            n_members=Count("members", filter=Q(members__left_on__isnull=True),
                            distinct=True),
            n_prescriptions=Count("prescriptions",
                                  filter=Q(prescriptions__retired_at__isnull=True),
                                  distinct=True))

    def detail_context(self, *, request, obj):
        from ..views.prescriptions import MemberForm

        members = obj.members.select_related("technician", "industry").order_by(
            "left_on", "joined_on", "pk")
        prescriptions = (Prescription.objects.visible_to(request.user).filter(mission=obj)
                         .select_related("industry").order_by("-year", "number"))
        return {"members": members, "prescriptions": prescriptions,
                "member_form": MemberForm(user=request.user, mission=obj),
                "can_add_prescription": services.is_manager(request.user)
                or services.is_leader(request.user, obj)}

    def create(self, *, actor, data):
        return mission_services.mission_create(actor=actor, **data)

    def update(self, *, actor, instance, data, expected_version):
        return mission_services.mission_update(actor=actor, mission=instance, data=data,
                                               expected_version=expected_version)

    def retire(self, *, actor, instance, reason=""):
        return mission_services.mission_retire(actor=actor, mission=instance, reason=reason)

    def restore(self, *, actor, instance):
        return mission_services.mission_restore(actor=actor, mission=instance)

    def urls(self, prefix=""):
        from ..views import prescriptions as v

        return [*super().urls(prefix),
                path(f"{prefix}<int:pk>/members/", v.MemberAddView.as_view(),
                     name="mission_member_add"),
                path(f"{prefix}members/<int:pk>/leave/", v.MemberRemoveView.as_view(),
                     name="mission_member_remove")]


# --- prescriptions ---------------------------------------------------------------------------

def year_choices():
    this = timezone.localdate().year
    return [(y, str(y)) for y in range(this + 1, 2013, -1)]


class PrescriptionFilter(django_filters.FilterSet):
    village = django_filters.CharFilter(label=_("村代码"), method="filter_village")
    industry = django_filters.ModelChoiceFilter(label=_("产业"),
                                                queryset=Industry.objects.all())
    status = django_filters.ChoiceFilter(label=_("状态"),
                                         choices=Prescription.Status.choices)
    year = django_filters.NumberFilter(label=_("年度"))

    class Meta:
        model = Prescription
        fields = ["village", "industry", "status", "year"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)

    def filter_village(self, queryset, name, value):
        value = (value or "").strip()
        return queryset.filter(area_code__startswith=value) if value.isdigit() else queryset


class PrescriptionForm(ScopedModelForm):
    """A draft: the village (its mission is the village's), industry, year, problems and
    diagnosis, and the measures (a formset, `measures`)."""

    class Meta:
        model = Prescription
        fields = ["area_code", "industry", "year", "problems", "diagnosis"]
        widgets = {"problems": forms.Textarea(attrs={"rows": 3}),
                   "diagnosis": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        from ..views.prescriptions import measure_formset

        super().__init__(*args, **kwargs)
        self.fields["area_code"].label = _("村（社区）")
        self.fields["industry"].queryset = Industry.objects.filter(retired_at__isnull=True)
        self.fields["year"] = forms.IntegerField(
            label=_("年度"), widget=forms.Select(choices=year_choices()),
            validators=[validate_year], initial=timezone.localdate().year)
        if self.instance and self.instance.pk:
            self.fields["area_code"].disabled = True
            self.fields["area_code"].required = False
        self.measures = measure_formset(data=self.data if self.is_bound else None,
                                        instance=self.instance)
        self.style_fields()

    def clean_area_code(self):
        if self.instance and self.instance.pk:
            return self.instance.area_code
        return self.cleaned_data.get("area_code")

    def is_valid(self):
        main = super().is_valid()
        return self.measures.is_valid() and main

    def service_data(self) -> dict:
        data = super().service_data()
        data["measures"] = self.measures.rows()
        return data


class PrescriptionResource(Resource):
    model = Prescription
    form_class = PrescriptionForm
    filterset_class = PrescriptionFilter
    icon = "file-earmark-medical"
    columns = [
        Column("number", _("处方编号"), link=True),
        Column("area_label", _("村（社区）")),
        Column("industry"),
        Column("year"),
        Column("status"),
        Column("issued_on"),
        Column("signed_by__name", _("签发人")),
    ]
    detail_fields = ["number", "industry", "year", "status", "issued_on", "signed_by__name"]
    detail_template = "techaid/prescriptions/prescription_detail.html"

    def list_queryset(self, user):
        return self.queryset(user).select_related("industry", "signed_by")

    def detail_context(self, *, request, obj):
        author = services.is_manager(request.user) or services.is_leader(request.user,
                                                                          obj.mission)
        return {"measures": obj.measures.order_by("order", "pk"),
                "can_revise": author and obj.status == Prescription.Status.ISSUED
                and not obj.is_retired}

    def initial(self, request):
        village = request.GET.get("village", "")
        return {"area_code": village} if village.isdigit() else {}

    def save_form(self, *, actor, form, instance, expected_version):
        data = form.service_data()
        measures = data.pop("measures")
        if instance is None:
            data.pop("version", None)
            return services.prescription_create(actor=actor, measures=measures, **data)
        return services.prescription_update(actor=actor, prescription=instance, data=data,
                                            measures=measures,
                                            expected_version=expected_version)

    def create(self, *, actor, data):
        data = dict(data)
        measures = data.pop("measures", [])
        return services.prescription_create(actor=actor, measures=measures, **data)

    def update(self, *, actor, instance, data, expected_version):
        data = dict(data)
        measures = data.pop("measures", None)
        return services.prescription_update(actor=actor, prescription=instance, data=data,
                                            measures=measures,
                                            expected_version=expected_version)

    def retire(self, *, actor, instance, reason=""):
        return services.prescription_retire(actor=actor, prescription=instance, reason=reason)

    def urls(self, prefix=""):
        from ..views import prescriptions as v

        urls = []
        for pattern in super().urls(prefix):
            if pattern.name in ("prescription_create", "prescription_edit"):
                pattern = path(str(pattern.pattern), v.PrescriptionEditView.as_view(
                    resource=self), name=pattern.name)
            urls.append(pattern)
        return [*urls, path(f"{prefix}<int:pk>/sheet.docx", v.PrescriptionSheetView.as_view(),
                            name="prescription_sheet"),
                path(f"{prefix}<int:pk>/revise/", v.PrescriptionReviseView.as_view(),
                     name="prescription_revise")]


missions = MissionResource()
prescriptions = PrescriptionResource()


def _specs():
    # the lists' own spreadsheets: their export buttons write the import's columns, so an
    # export re-imports unchanged
    from ..imports.prescriptions import missions_import, prescriptions_import

    missions.import_spec = missions_import
    prescriptions.import_spec = prescriptions_import


_specs()

