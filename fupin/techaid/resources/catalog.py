"""Resources (core/resources.py) of the catalog part: a household's industries, experts,
expert groups, technicians. Reads in scope (core/scoping.py), writes through catalog.py."""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from fupin.core import personal, places, scoping
from fupin.core.forms import AreaField, ScopedModelForm
from fupin.core.resources import Column, Resource
from fupin.registry.filters import StyledFilterSet

from .. import catalog as services
from ..catalog_selectors import industries_active
from ..models import Expert, ExpertGroup, HouseholdIndustry, Industry, Technician, Title

YES_NO = [("true", _("是")), ("false", _("否"))]


def _bool(value):
    return value in (True, "true", "True", "1", "on", "是")


class IndustryFilterMixin(StyledFilterSet):
    industry = django_filters.ModelChoiceFilter(
        label=_("产业"), queryset=Industry.objects.filter(retired_at__isnull=True))


# --- form parts -----------------------------------------------------------------------------------

class PhoneField(forms.CharField):
    """A phone typed in a form: empty on edit means unchanged (never put back in the page)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("联系电话"))
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, value):
        from fupin.core.tabular.parsers import CellError, parse_phone

        value = (super().clean(value) or "").strip()
        try:
            return parse_phone(value) if value else ""
        except CellError as exc:
            raise forms.ValidationError(exc.message) from exc


class UserField(forms.CharField):
    """A user account named by its username (the service checks role and scope)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("用户账号（用户名）"))
        kwargs.setdefault("max_length", 150)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, int):
            user = get_user_model().objects.filter(pk=value).first()
            return user.username if user else ""
        return getattr(value, "username", value)

    def clean(self, value):
        value = (super().clean(value) or "").strip()
        if not value:
            return None
        user = get_user_model().objects.filter(username=value).first()
        if user is None:
            raise forms.ValidationError(_("没有用户名为“%(u)s”的账号。") % {"u": value})
        return user


def _industries_field(**kw):
    return forms.ModelMultipleChoiceField(
        label=_("服务产业"), queryset=industries_active(), required=False,
        widget=forms.CheckboxSelectMultiple, **kw)


class PersonalPhoneForm(ScopedModelForm):
    """Shared by the expert's and the technician's forms: the phone, the industries, the
    linked account and the area at the record's level."""

    area_leaf = "county"
    area_help = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area_code"] = AreaField(
            user=self.user, village_only=False, help_text=self.area_help,
            widget=places.picker(root=scoping.user_scope_code(self.user) or "",
                                 leaf_level=self.area_leaf))
        self.fields["phone"] = PhoneField()
        self.fields["industries"] = _industries_field()
        self.fields["user"] = UserField()
        if self.instance and self.instance.pk:
            self.initial["area_code"] = self.instance.area_code
            self.initial["industries"] = list(self.instance.industries.values_list("pk",
                                                                                  flat=True))
            self.initial["user"] = self.instance.user.username if self.instance.user else ""
            masked = personal.value_for(self.instance, "phone", self.user)
            if masked:
                self.fields["phone"].widget.attrs["placeholder"] = \
                    _("留空则不修改（现为 %(v)s）") % {"v": masked}
        self.style_fields()

    def service_data(self) -> dict:
        names = set(self._meta.fields) | {"area_code", "user"}
        return {k: v for k, v in self.cleaned_data.items() if k in names}

    def extra_data(self) -> dict:
        """The industries and the phone (None: unchanged)."""
        return {"industries": list(self.cleaned_data.get("industries") or []),
                "phone": self.cleaned_data.get("phone") or None}


# --- household industries -------------------------------------------------------------------------

class HouseholdIndustryFilter(IndustryFilterMixin):
    main = django_filters.BooleanFilter(label=_("主导产业"))

    class Meta:
        model = HouseholdIndustry
        fields = ["industry", "main"]


class HouseholdIndustryForm(ScopedModelForm):
    household = forms.CharField(label=_("户编号"), max_length=30)

    class Meta:
        model = HouseholdIndustry
        fields = ["industry", "main", "scale"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["industry"].queryset = industries_active()
        self.editing = bool(self.instance and self.instance.pk)
        if self.editing:
            del self.fields["household"]
        self.order_fields(["household", "industry", "main", "scale"])
        self.style_fields()

    def clean_household(self):
        from fupin.registry.models import Household

        number = self.cleaned_data["household"].strip()
        household = Household.objects.visible_to(self.user).active().filter(
            number=number).first()
        if household is None:
            raise forms.ValidationError(_("户编号不存在或不在您的管辖范围内。"))
        return household

    def service_data(self) -> dict:
        names = ["industry", "main", "scale"] + ([] if self.editing else ["household"])
        return {k: self.cleaned_data.get(k) for k in names}


class HouseholdIndustryResource(Resource):
    model = HouseholdIndustry
    form_class = HouseholdIndustryForm
    filterset_class = HouseholdIndustryFilter
    icon = "flower2"
    columns = [Column("household__number", _("户编号"), link=True),
               Column("household__head__name", _("户主")), Column("industry"),
               Column("main"), Column("scale")]
    detail_fields = ["household", "industry", "main", "scale"]

    @property
    def import_spec(self):
        from ..imports.catalog import household_industries_import

        return household_industries_import

    def list_queryset(self, user):
        return (self.queryset(user).select_related("household__head", "industry")
                .order_by("area_code", "household__number", "-main", "pk"))

    def initial(self, request):
        number = request.GET.get("household", "")
        return {"household": number} if number else {}

    def create(self, *, actor, data):
        data = dict(data)
        return services.household_industry_create(
            actor=actor, household=data.pop("household"), industry=data.get("industry"),
            main=data.get("main", True), scale=data.get("scale") or "")

    def update(self, *, actor, instance, data, expected_version):
        return services.household_industry_update(actor=actor, record=instance, data=data,
                                                  expected_version=expected_version)

    def retire(self, *, actor, instance, reason=""):
        return services.household_industry_retire(actor=actor, record=instance, reason=reason)

    def restore(self, *, actor, instance):
        return services.household_industry_restore(actor=actor, record=instance)


household_industries = HouseholdIndustryResource()


# --- experts --------------------------------------------------------------------------------------

class ExpertFilter(IndustryFilterMixin):
    industry = django_filters.ModelChoiceFilter(
        label=_("服务产业"), field_name="industries",
        queryset=Industry.objects.filter(retired_at__isnull=True))
    title = django_filters.ChoiceFilter(label=_("职称"), choices=Title.choices)
    research_institute = django_filters.BooleanFilter(label=_("科研院所专家"))
    name = django_filters.CharFilter(label=_("姓名"), lookup_expr="contains")

    class Meta:
        model = Expert
        fields = ["industry", "title", "research_institute", "name"]


class ExpertForm(PersonalPhoneForm):
    area_leaf = "county"
    area_help = _("专家所服务的区县")

    class Meta:
        model = Expert
        fields = ["name", "institution", "research_institute", "title", "specialities"]


class _PersonalResource(Resource):
    """Create/update hand the industries and the phone to the services apart."""

    detail_template = "techaid/catalog/person_detail.html"

    def save_form(self, *, actor, form, instance, expected_version):
        data = {**form.service_data(), **form.extra_data()}
        if instance is None:
            return self.create(actor=actor, data=data)
        return self.update(actor=actor, instance=instance, data=data,
                           expected_version=expected_version)

    @staticmethod
    def split(data: dict):
        data = dict(data)
        industries = data.pop("industries", None)
        phone = data.pop("phone", None)
        return data, (list(industries) if industries is not None else None), (phone or None)

    def detail_context(self, *, request, obj):
        return {"phone": personal.value_for(obj, "phone", request.user),
                "can_reveal": personal.can_see_personal(request.user),
                "industries": list(obj.industries.all()),
                "reveal_url": f"techaid:{self.model_name}_reveal"}


class ExpertResource(_PersonalResource):
    model = Expert
    form_class = ExpertForm
    filterset_class = ExpertFilter
    icon = "mortarboard"
    columns = [Column("name", link=True), Column("institution"), Column("title"),
               Column("research_institute"), Column("specialities"),
               Column("phone_masked", _("联系电话"))]
    detail_fields = ["name", "institution", "research_institute", "title", "specialities",
                     "user"]

    @property
    def import_spec(self):
        from ..imports.catalog import experts_import

        return experts_import

    def list_queryset(self, user):
        return self.queryset(user).order_by("area_code", "name", "pk")

    def detail_context(self, *, request, obj):
        from ..catalog_selectors import group_members  # noqa: F401

        ctx = super().detail_context(request=request, obj=obj)
        ctx["memberships"] = (obj.memberships.filter(left_on__isnull=True)
                              .select_related("group"))
        return ctx

    def create(self, *, actor, data):
        data, industries, phone = self.split(data)
        return services.expert_create(actor=actor, data=data, industries=industries or [],
                                      phone=phone)

    def update(self, *, actor, instance, data, expected_version):
        data, industries, phone = self.split(data)
        return services.expert_update(actor=actor, expert=instance, data=data,
                                      industries=industries, phone=phone,
                                      expected_version=expected_version)

    def retire(self, *, actor, instance, reason=""):
        return services.expert_retire(actor=actor, expert=instance, reason=reason)

    def restore(self, *, actor, instance):
        return services.expert_restore(actor=actor, expert=instance)


experts = ExpertResource()


# --- expert groups --------------------------------------------------------------------------------

class GroupFilter(IndustryFilterMixin):
    class Meta:
        model = ExpertGroup
        fields = ["industry"]


class GroupForm(ScopedModelForm):
    members = forms.ModelMultipleChoiceField(label=_("成员专家"), queryset=Expert.objects.none(),
                                             required=False)

    class Meta:
        model = ExpertGroup
        fields = ["name", "industry", "chief"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area_code"] = AreaField(
            user=self.user, village_only=False, help_text=_("专家组所服务的区县"),
            widget=places.picker(root=scoping.user_scope_code(self.user) or "",
                                 leaf_level="county"))
        self.fields["industry"].queryset = industries_active()
        experts = Expert.objects.visible_to(self.user).active().order_by("area_code", "name")
        self.fields["chief"].queryset = experts
        self.fields["name"].required = False
        self.fields["name"].help_text = _("留空则为“产业名称+产业专家服务组”")
        if self.instance and self.instance.pk:
            self.initial["area_code"] = self.instance.area_code
            self.fields["area_code"].disabled = True
            self.fields["chief"].queryset = experts.filter(
                memberships__group=self.instance, memberships__left_on__isnull=True)
            del self.fields["members"]
        else:
            self.fields["members"].queryset = experts
        self.order_fields(["area_code", "industry", "name", "chief", "members"])
        self.style_fields()

    def service_data(self) -> dict:
        data = {k: self.cleaned_data.get(k) for k in ("name", "industry", "chief")}
        if not (self.instance and self.instance.pk):
            data["area_code"] = self.cleaned_data.get("area_code")
            data["members"] = list(self.cleaned_data.get("members") or [])
        return data


class GroupResource(Resource):
    model = ExpertGroup
    form_class = GroupForm
    filterset_class = GroupFilter
    icon = "people"
    columns = [Column("name", link=True), Column("industry"), Column("chief")]
    detail_fields = ["name", "industry", "chief"]
    detail_template = "techaid/catalog/group_detail.html"

    @property
    def import_spec(self):
        from ..imports.catalog import groups_import

        return groups_import

    def list_queryset(self, user):
        return (self.queryset(user).select_related("industry", "chief")
                .order_by("area_code", "industry__order", "pk"))

    def detail_context(self, *, request, obj):
        from .. import catalog_selectors as sel

        can_edit = services.can_manage(request.user) and obj.retired_at is None
        return {"members": sel.group_members(group=obj, current_only=False),
                "figures": sel.group_figures(user=request.user, group=obj),
                "can_edit_members": can_edit,
                "candidates": sel.experts_for_group(user=request.user, group=obj)
                if can_edit else []}

    def create(self, *, actor, data):
        data = dict(data)
        members = data.pop("members", None) or []
        return services.group_create(actor=actor, data=data, members=members)

    def update(self, *, actor, instance, data, expected_version):
        data = {k: v for k, v in data.items() if k in ("name", "industry", "chief")}
        return services.group_update(actor=actor, group=instance, data=data,
                                     expected_version=expected_version)

    def retire(self, *, actor, instance, reason=""):
        return services.group_retire(actor=actor, group=instance, reason=reason)

    def restore(self, *, actor, instance):
        return services.group_restore(actor=actor, group=instance)


groups = GroupResource()


# --- technicians ----------------------------------------------------------------------------------

class TechnicianFilter(IndustryFilterMixin):
    industry = django_filters.ModelChoiceFilter(
        label=_("服务产业"), field_name="industries",
        queryset=Industry.objects.filter(retired_at__isnull=True))
    name = django_filters.CharFilter(label=_("姓名"), lookup_expr="contains")

    class Meta:
        model = Technician
        fields = ["industry", "name"]


class TechnicianForm(PersonalPhoneForm):
    area_leaf = "village"
    area_help = _("技术员所在的乡镇（或村）")

    class Meta:
        model = Technician
        fields = ["name", "organisation", "load_limit"]


class TechnicianResource(_PersonalResource):
    model = Technician
    form_class = TechnicianForm
    filterset_class = TechnicianFilter
    icon = "tools"
    columns = [Column("name", link=True), Column("organisation"), Column("load_limit"),
               Column("phone_masked", _("联系电话"))]
    detail_fields = ["name", "organisation", "load_limit", "user"]

    @property
    def import_spec(self):
        from ..imports.catalog import technicians_import

        return technicians_import

    def list_queryset(self, user):
        return self.queryset(user).order_by("area_code", "name", "pk")

    def create(self, *, actor, data):
        data, industries, phone = self.split(data)
        return services.technician_create(actor=actor, data=data, industries=industries or [],
                                          phone=phone)

    def update(self, *, actor, instance, data, expected_version):
        data, industries, phone = self.split(data)
        return services.technician_update(actor=actor, technician=instance, data=data,
                                          industries=industries, phone=phone,
                                          expected_version=expected_version)

    def retire(self, *, actor, instance, reason=""):
        return services.technician_retire(actor=actor, technician=instance, reason=reason)

    def restore(self, *, actor, instance):
        return services.technician_restore(actor=actor, technician=instance)


technicians = TechnicianResource()
