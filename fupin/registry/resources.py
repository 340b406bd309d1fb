from django.utils.translation import gettext_lazy as _

from fupin.core.personal import can_see_personal
from fupin.core.resources import Column, DerivedResource, Resource
from fupin.core.sections import household_sections, person_sections, render_sections

from . import services
from .filters import HouseholdFilter, PersonFilter
from .forms import HouseholdForm, NationalReportForm, PersonForm
from .models import Household, NationalReport, Person
from .selectors import household_members


class HouseholdResource(Resource):
    model = Household
    form_class = HouseholdForm
    filterset_class = HouseholdFilter
    icon = "house-heart"
    columns = [
        Column("number", link=True),
        Column("head__name", _("户主")),
        Column("area_label", _("所属区划")),
        Column("household_kind"),
        Column("poverty_status"),
        Column("poverty_cause"),
        Column("identified_year"),
    ]
    detail_fields = ["number", "head__name", "hamlet", "identified_year", "household_kind",
                     "poverty_status", "exit_year", "poverty_cause", "address", "national_size",
                     "income_per_capita", "national_reported_on"]
    detail_template = "registry/household_detail.html"

    def list_queryset(self, user):
        return self.queryset(user).select_related("head")

    def detail_context(self, *, request, obj):
        return {"members": household_members(user=request.user, household=obj),
                "sections": render_sections(household_sections, request=request, obj=obj),
                "can_see_personal": can_see_personal(request.user)}

    def create(self, *, actor, data):
        return services.household_create(actor=actor, data=data)

    def update(self, *, actor, instance, data, expected_version):
        return services.household_update(actor=actor, household=instance, data=data,
                                         expected_version=expected_version)

    def retire(self, *, actor, instance, reason=""):
        return services.household_retire(actor=actor, household=instance, reason=reason)


class PersonResource(Resource):
    model = Person
    form_class = PersonForm
    filterset_class = PersonFilter
    icon = "people"
    columns = [
        Column("name", link=True),
        Column("id_number_masked"),
        Column("gender"),
        Column("age", _("年龄")),
        Column("relation"),
        Column("labour_capacity"),
        Column("employment_status"),
        Column("missing", _("缺项")),
        Column("area_label", _("所属区划")),
    ]
    detail_template = "registry/person_detail.html"

    @property
    def import_spec(self):
        from .imports import persons_import

        return persons_import

    def list_queryset(self, user):
        return self.queryset(user).select_related("household")

    def initial(self, request):
        number = request.GET.get("household", "")
        return {"household_number": number} if number else {}

    def detail_context(self, *, request, obj):
        return {"sections": render_sections(person_sections, request=request, obj=obj),
                "can_see_personal": can_see_personal(request.user)}

    def save_form(self, *, actor, form, instance, expected_version):
        data, protected = form.service_data(), form.protected_data()
        if instance is None:
            household = data.pop("household")
            return services.person_register(actor=actor, household=household, data=data,
                                            protected=protected)
        return services.person_update(actor=actor, person=instance, data=data,
                                      protected=protected, expected_version=expected_version)

    def retire(self, *, actor, instance, reason=""):
        return services.person_retire(actor=actor, person=instance, reason=reason)

    def restore(self, *, actor, instance):
        return services.person_restore(actor=actor, person=instance)


class NationalReportResource(DerivedResource):
    """What the national system reports about each person (DESIGN §2): written by the
    person import only, read here and on the reconciliation page; the fix a user makes is
    to mark a report outdated (services.national_report_mark_outdated)."""

    model = NationalReport
    form_class = NationalReportForm
    icon = "clipboard-data"
    columns = [
        Column("person__name", _("姓名"), link=True),
        Column("person__national_number", _("人编号")),
        Column("reported_on"),
        Column("work_status"),
        Column("work_months"),
        Column("work_location"),
        Column("employer_name"),
        Column("post_kind"),
        Column("working"),
        Column("outdated_at"),
        Column("area_label", _("所属区划")),
    ]
    detail_fields = ["person__name", "person__national_number", "reported_on", "listed",
                     "work_status", "work_months", "work_location", "employer_name",
                     "post_kind", "post_months", "job_channel", "working", "outdated_at",
                     "outdated_reason"]

    def list_queryset(self, user):
        return self.queryset(user).select_related("person")

    edit_refusal = _("国办系统报告随国办系统数据导入更新，不能手工修改；"
                     "过时的报告请在“与国办系统比对”中标记。")
    # a report is the national system's word as of its date: a newer file replaces it, a
    # worker marks it outdated; retired, it would drift out of the reconciliation
    retire_refusal = _("国办系统报告不能停用；过时的报告请在“与国办系统比对”中标记。")


households = HouseholdResource()
persons = PersonResource()
national_reports = NationalReportResource()
