"""Resources (core/resources.py) of the consultations part: the consultation list (会诊) and
the on-site visits (面诊任务, made by the refer_onsite step, completed on their own page)."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from fupin.core.forms import ScopedModelForm
from fupin.core.resources import Column, DerivedResource, Resource
from fupin.registry.filters import StyledFilterSet

from .. import consultations as services
from ..models import Consultation, ExpertGroup, Industry, OnsiteVisit, Urgency


class ConsultationFilter(StyledFilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=Consultation.Status.choices)
    urgency = django_filters.ChoiceFilter(label=_("紧急程度"), choices=Urgency.choices)
    industry = django_filters.ModelChoiceFilter(
        label=_("产业"), queryset=Industry.objects.filter(retired_at__isnull=True))
    overdue = django_filters.BooleanFilter(label=_("超时"), method="by_overdue")
    group = django_filters.ModelChoiceFilter(label=_("专家服务组"),
                                             queryset=ExpertGroup.objects.none())

    class Meta:
        model = Consultation
        fields = ["status", "urgency", "industry", "overdue", "group"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = getattr(request, "user", None)
        if user is not None:
            self.filters["group"].queryset = ExpertGroup.objects.visible_to(user).active()
            self.form.fields["group"].queryset = self.filters["group"].queryset

    def by_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        q = services.overdue_q()
        return queryset.filter(q) if value else queryset.exclude(q)


class HouseholdNumberField(forms.CharField):
    """A household chosen by its number (户编号), among those the user sees."""

    def __init__(self, *, user=None, **kwargs):
        self.user = user
        kwargs.setdefault("label", _("贫困户编号"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 30)
        super().__init__(**kwargs)

    def clean(self, value):
        from fupin.registry.models import Household

        value = super().clean(value).strip()
        if not value:
            return None
        household = Household.objects.visible_to(self.user).active().filter(
            number=value).first() if self.user is not None else None
        if household is None:
            raise forms.ValidationError(_("在您的管辖范围内没有这个贫困户。"))
        return household


class ConsultationForm(ScopedModelForm):
    """Raise (village, household, industry, problem, urgency) or correct the problem."""

    class Meta:
        model = Consultation
        fields = ["area_code", "industry", "title", "description", "urgency"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["industry"].queryset = Industry.objects.filter(retired_at__isnull=True)
        self.creating = not (self.instance and self.instance.pk)
        if self.creating:
            self.fields["area_code"].label = _("所在村（社区）")
            self.fields["household"] = HouseholdNumberField(user=self.user)
        else:
            del self.fields["area_code"]
        self.style_fields()

    def service_data(self) -> dict:
        names = ["industry", "title", "description", "urgency"]
        if self.creating:
            names += ["area_code", "household"]
        return {k: self.cleaned_data.get(k) for k in names}


class ConsultationResource(Resource):
    model = Consultation
    form_class = ConsultationForm
    filterset_class = ConsultationFilter
    icon = "chat-left-dots"
    columns = [Column("number", link=True), Column("title"), Column("industry"),
               Column("urgency"), Column("status"), Column("area_label", _("所在村")),
               Column("raised_at"), Column("group"), Column("overdue_label", _("超时")),
               Column("rating")]
    detail_fields = ["number", "industry", "urgency", "status", "household", "raised_at",
                     "raised_by", "answer_due_at", "solve_due_at", "group", "expert",
                     "first_answer_at", "answered_by", "outcome", "closed_at", "rating"]
    detail_template = "techaid/consultations/consultation_detail.html"

    def list_queryset(self, user):
        return (self.queryset(user).select_related("industry", "group")
                .order_by("-raised_at", "-pk"))

    def urls(self, prefix: str = "") -> list:
        """core's pages, the list with the scope's figures above it."""
        from django.urls import path

        from ..views.consultations import ConsultationListView

        patterns = super().urls(prefix)
        patterns[0] = path(prefix or f"{self.model_name}s/",
                           ConsultationListView.as_view(resource=self),
                           name=f"{self.model_name}_list")
        return patterns

    def detail_context(self, *, request, obj):
        from ..views.consultations import detail_context

        return detail_context(request=request, obj=obj)

    def create(self, *, actor, data):
        return services.consultation_raise(actor=actor, data=data)

    def update(self, *, actor, instance, data, expected_version):
        return services.consultation_update(actor=actor, consultation=instance, data=data,
                                            expected_version=expected_version)

    def retire(self, *, actor, instance, reason=""):
        return services.consultation_retire(actor=actor, consultation=instance, reason=reason)


class OnsiteVisitFilter(StyledFilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=OnsiteVisit.Status.choices)

    class Meta:
        model = OnsiteVisit
        fields = ["status"]


class OnsiteVisitResource(DerivedResource):
    """Made by the consultation's 需面诊 step; completed on its own page (findings, date)."""

    model = OnsiteVisit
    filterset_class = OnsiteVisitFilter
    icon = "geo-alt"
    edit_refusal = _("面诊任务由会诊的“需面诊”操作生成，完成情况在任务页面填写。")
    retire_refusal = _("面诊任务随会诊保留，不能停用。")
    columns = [Column("consultation__number", _("会诊编号"), link=True),
               Column("consultation__title", _("问题")), Column("planned_on"),
               Column("status"), Column("expert"), Column("technician"), Column("done_on"),
               Column("area_label", _("所在村"))]
    detail_fields = ["planned_on", "status", "expert", "technician", "done_on", "findings"]
    detail_template = "techaid/consultations/onsitevisit_detail.html"

    def list_queryset(self, user):
        return (self.queryset(user).select_related("consultation", "expert", "technician")
                .order_by("status", "planned_on", "pk"))

    def detail_context(self, *, request, obj):
        from django.utils import timezone

        return {"may_complete": obj.status == OnsiteVisit.Status.PLANNED
                and services.onsite_may_complete(request.user, obj),
                "today": timezone.localdate().isoformat()}


consultations = ConsultationResource()
onsite_visits = OnsiteVisitResource()
