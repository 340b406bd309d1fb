"""Pages of the prescriptions part: missions (特派团) with their members, prescriptions (处方)
with the measures formset and the printable sheet, and coverage (处方全覆盖)."""

from __future__ import annotations

import tempfile

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from fupin.core import places, scoping
from fupin.core.errors import ServiceError
from fupin.core.forms import StyledFormMixin
from fupin.core.roles import Role
from fupin.core.views.generic import ObjectEditView

from .. import coverage as rules
from .. import missions as mission_services
from ..models import Industry, Mission, MissionMember, Prescription, Technician
from ..prescription_sheet import build_sheet, sheet_filename

# --- the measures formset ---------------------------------------------------------------------


class MeasureRowForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=gettext_lazy("技术措施"), max_length=200, required=False)
    timing = forms.CharField(label=gettext_lazy("时间 / 时节"), max_length=100, required=False)
    inputs = forms.CharField(label=gettext_lazy("投入品及用量"), max_length=300, required=False)
    expected_effect = forms.CharField(label=gettext_lazy("预期效果"), max_length=300,
                                      required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_fields()

    def clean(self):
        data = super().clean()
        if any(data.get(k) for k in ("timing", "inputs", "expected_effect")) \
                and not data.get("name") and not data.get("DELETE"):
            self.add_error("name", _("请填写技术措施。"))
        return data


class BaseMeasureFormSet(forms.BaseFormSet):
    def rows(self) -> list[dict]:
        out = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", {}) or {}
            if data.get("DELETE") or not (data.get("name") or "").strip():
                continue
            out.append({k: data.get(k) or "" for k in
                        ("name", "timing", "inputs", "expected_effect")})
        return out


MeasureFormSet = forms.formset_factory(MeasureRowForm, formset=BaseMeasureFormSet, extra=1,
                                       can_delete=True, max_num=50, validate_max=True)


def measure_formset(*, data=None, instance=None):
    initial = []
    if instance is not None and instance.pk:
        initial = [{"name": m.name, "timing": m.timing, "inputs": m.inputs,
                    "expected_effect": m.expected_effect}
                   for m in instance.measures.order_by("order", "pk")]
    if data is not None and "m-TOTAL_FORMS" not in data:
        data = None  # a form without the measures' block (the API, a script): none given
    return MeasureFormSet(data=data, initial=initial, prefix="m")


class PrescriptionEditView(ObjectEditView):
    template_name = "techaid/prescriptions/prescription_form.html"

    def get(self, request, pk=None):
        if pk is not None:
            obj = self.get_object(include_retired=False)
            if obj.status != Prescription.Status.DRAFT:  # never edited: a new version instead
                messages.error(request,
                               _("处方已签发，不能修改；如需调整，请新建处方并停用原处方。"))
                return HttpResponseRedirect(reverse("techaid:prescription_detail", args=[pk]))
        return super().get(request, pk)


class PrescriptionSheetView(LoginRequiredMixin, View):
    """The printable sheet (.docx) of a prescription the user may see."""

    def get(self, request, pk):
        obj = scoping.get_visible_or_404(
            Prescription.objects.select_related("mission__leader", "industry", "signed_by"),
            request.user, pk=pk)
        response = HttpResponse(
            build_sheet(obj),
            content_type="application/vnd.openxmlformats-officedocument."
                         "wordprocessingml.document")
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''" \
            f"{_quote(sheet_filename(obj))}"
        return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


class PrescriptionReviseView(LoginRequiredMixin, View):
    """新建版本: a draft copy of an issued prescription (which is never edited)."""

    http_method_names = ["post"]

    def post(self, request, pk):
        from .. import prescriptions as services

        obj = scoping.get_visible_or_404(Prescription.objects.all(), request.user, pk=pk)
        try:
            new = services.prescription_revise(actor=request.user, prescription=obj)
        except ServiceError as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(reverse("techaid:prescription_detail", args=[pk]))
        messages.success(request, _("已新建处方草稿 %(n)s；新处方签发后，请停用原处方 %(old)s。")
                         % {"n": new.number, "old": obj.number})
        return HttpResponseRedirect(reverse("techaid:prescription_edit", args=[new.pk]))


# --- members ---------------------------------------------------------------------------------


class MemberForm(StyledFormMixin, forms.Form):
    technician = forms.ModelChoiceField(label=gettext_lazy("技术员"),
                                        queryset=Technician.objects.none())
    industry = forms.ModelChoiceField(label=gettext_lazy("产业"), required=False,
                                      queryset=Industry.objects.filter(retired_at__isnull=True))
    joined_on = forms.DateField(label=gettext_lazy("加入日期"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user=None, mission=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None and mission is not None:
            self.fields["technician"].queryset = (
                Technician.objects.visible_to(user).active()
                .filter(area_code__startswith=mission.area_code[:6]).order_by("name"))
        self.style_fields()


class _MissionAction(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def back(self, mission):
        return HttpResponseRedirect(reverse("techaid:mission_detail", args=[mission.pk]))


class MemberAddView(_MissionAction):
    def post(self, request, pk):
        mission = scoping.get_visible_or_404(Mission.objects.active(), request.user, pk=pk)
        form = MemberForm(request.POST, user=request.user, mission=mission)
        if not form.is_valid():
            messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
            return self.back(mission)
        try:
            mission_services.mission_member_add(
                actor=request.user, mission=mission, technician=form.cleaned_data["technician"],
                industry=form.cleaned_data["industry"],
                joined_on=form.cleaned_data["joined_on"])
        except PermissionDenied:
            raise
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已增加成员。"))
        return self.back(mission)


class MemberRemoveView(_MissionAction):
    def post(self, request, pk):
        member = MissionMember.objects.select_related("mission").filter(pk=pk).first()
        if member is None or not scoping.in_scope(request.user, member.mission.area_code):
            raise Http404
        try:
            mission_services.mission_member_remove(actor=request.user, member=member)
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("技术员已退出特派团。"))
        return self.back(member.mission)


# --- coverage --------------------------------------------------------------------------------

COVERAGE_ROLES = frozenset({Role.ADMIN, Role.COUNTY_OFFICER, Role.TOWNSHIP_OFFICER,
                            Role.LEADER})


def _coverage_area(request) -> str:
    user = request.user
    if not (user.is_superuser or getattr(user, "role", None) in COVERAGE_ROLES):
        raise PermissionDenied
    return scoping.requested_area(user, request.GET.get("area"))


class CoverageView(LoginRequiredMixin, View):
    template_name = "techaid/prescriptions/coverage.html"

    def get(self, request):
        area = _coverage_area(request)
        table = rules.coverage_table(area, user=request.user)
        scope = scoping.user_scope_code(request.user) or ""
        crumbs = [(code, places.area_name(code, below=_parent(code)))
                  for code in _ancestors(area) if len(code) >= len(scope)]
        chart = {"names": [r.name for r in table["rows"]],
                 "with_mission": [r.with_mission for r in table["rows"]],
                 "fully_covered": [r.fully_covered for r in table["rows"]],
                 "poor_villages": [r.poor_villages for r in table["rows"]]}
        return render(request, self.template_name, {
            "table": table, "area": area,
            "area_name": places.area_name(area, below=_parent(scope)) if area else "",
            "crumbs": crumbs, "chart": chart, "min_households": rules.MIN_HOUSEHOLDS,
            "village_level": len(area) >= 9})


def _parent(code: str) -> str:
    return code[:{12: 9, 9: 6, 6: 4, 4: 2}.get(len(code), 0)]


def _ancestors(code: str) -> list[str]:
    return [code[:n] for n in (2, 4, 6, 9, 12) if n <= len(code)]


class CoverageGapsExportView(LoginRequiredMixin, View):
    """The gaps list as .xlsx (the project's export writer), logged."""

    def get(self, request):
        from django.http import FileResponse

        from fupin.core import personal
        from fupin.core.tabular.export import write_xlsx

        area = _coverage_area(request)
        table = rules.coverage_table(area, user=request.user)
        headers = [_("区划代码"), _("村（社区）"), _("特派团"), _("主导产业"),
                   _("缺少处方的产业")]
        rows = ([v.code, places.area_name(v.code), v.mission_name or _("未组建"),
                 "、".join(sorted(v.industries.values())) or _("未登记主导产业"),
                 "、".join(v.missing)]
                for v in table["gaps"])
        spool = tempfile.TemporaryFile()
        count = write_xlsx(spool, headers=headers, rows=rows, sheet_name=_("处方覆盖缺口"))
        spool.seek(0)
        personal.export_log(actor=request.user, model=Prescription, rows=count, reveal=False,
                            detail=request.GET.urlencode(), request=request)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return FileResponse(spool, as_attachment=True,
                            filename=f"{_('处方覆盖缺口')}-{stamp}.xlsx",
                            content_type="application/vnd.openxmlformats-officedocument."
                                         "spreadsheetml.sheet")


def _resource_urls():
    from ..resources.prescriptions import missions, prescriptions

    return [*missions.urls("missions/"), *prescriptions.urls("prescriptions/")]


urlpatterns = [
    *_resource_urls(),
    path("coverage/", CoverageView.as_view(), name="coverage"),
    path("coverage/gaps.xlsx", CoverageGapsExportView.as_view(), name="coverage_gaps_export"),
]
