from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from fupin.core.personal import can_see_personal
from fupin.core.resources import Column, Resource
from fupin.registry.models import Person

from . import selectors, services
from .filters import EmploymentFilter, PlacementFilter, VentureFilter, WelfarePostFilter
from .forms import EmploymentForm, PlacementForm, VentureForm, WelfarePostForm
from .models import Channel, Employment, Placement, Venture, WelfarePost

PERSON_COLUMNS = [Column("person__name", _("姓名"), link=True),
                  Column("person__id_number_masked", _("身份证号"))]
AREA = Column("area_label", _("所属区划"))
LOAN_FIELDS = ["loan_amount", "loan_bank", "loan_start", "loan_end", "interest_subsidy"]


class EmploymentResourceBase(Resource):
    """What the four lists share: the person (or post) the create form was opened for
    (`?person=PK`, `?post=PK`)."""

    detail_template = "employment/detail.html"

    def initial(self, request) -> dict:
        out = {}
        pk = request.GET.get("person", "")
        if pk.isdigit():
            person = Person.objects.visible_to(request.user).active().filter(pk=pk).first()
            if person is not None:
                out["person"] = person
        pk = request.GET.get("post", "")
        if pk.isdigit() and WelfarePost.objects.visible_to(request.user).active().filter(
                pk=pk).exists():
            out["post"] = int(pk)
        # prefilled from what the national system reports (registry reconciliation): the
        # user checks and saves, nothing is written before
        for key in ("employer", "place", "start_date"):
            value = request.GET.get(key, "").strip()
            if value:
                out[key] = value[:200]
        channel = request.GET.get("channel", "").strip()
        by_label = {str(label): value for value, label in Channel.choices}
        if channel in by_label or channel in dict(Channel.choices):
            out["channel"] = by_label.get(channel, channel)
        return out

    def detail_context(self, *, request, obj) -> dict:
        post = getattr(obj, "post", None)
        return {"person": getattr(obj, "person", None), "post": post,
                "post_visible": post is not None and WelfarePost.objects.visible_to(
                    request.user).filter(pk=post.pk).exists(),
                "can_see_personal": can_see_personal(request.user)}


class EmploymentResource(EmploymentResourceBase):
    model = Employment
    form_class = EmploymentForm
    filterset_class = EmploymentFilter
    icon = "briefcase"
    columns = [*PERSON_COLUMNS, Column("employer"), Column("place"), Column("industry"),
               Column("start_date"), Column("end_date"), Column("monthly_income"),
               Column("channel"), AREA]
    detail_fields = ["employer", "place",
                     "industry", "start_date", "end_date", "monthly_income", "channel",
                     "contract", "full_time"]

    @property
    def import_spec(self):
        from .imports import employments_import

        return employments_import

    def list_queryset(self, user):
        return selectors.employment_list(user=user)

    def create(self, *, actor, data):
        return services.employment_create(actor=actor, data=data)

    def update(self, *, actor, instance, data, expected_version):
        return services.employment_update(actor=actor, employment=instance, data=data,
                                          expected_version=expected_version)

    def retire(self, *, actor, instance, reason=""):
        return services.employment_retire(actor=actor, employment=instance, reason=reason)

    def restore(self, *, actor, instance):
        return services.employment_restore(actor=actor, employment=instance)


class VentureResource(EmploymentResourceBase):
    model = Venture
    form_class = VentureForm
    filterset_class = VentureFilter
    icon = "shop"
    columns = [*PERSON_COLUMNS, Column("business"), Column("industry"), Column("start_date"),
               Column("end_date"), Column("loan_amount"), Column("employees"),
               Column("poor_employees"), AREA]
    detail_fields = ["business", "industry", "start_date", "end_date", "college_student",
                     "employees", "poor_employees"]
    detail_template = "employment/venture_detail.html"

    @property
    def import_spec(self):
        from .imports import ventures_import

        return ventures_import

    def list_queryset(self, user):
        return selectors.venture_list(user=user)

    def detail_context(self, *, request, obj):
        ctx = super().detail_context(request=request, obj=obj)
        ctx["loan_fields"] = [(Column(n).header(Venture), Column(n).value(obj))
                              for n in LOAN_FIELDS]
        ctx["has_loan"] = bool(obj.loan_amount)
        return ctx

    def create(self, *, actor, data):
        return services.venture_create(actor=actor, data=data)

    def update(self, *, actor, instance, data, expected_version):
        return services.venture_update(actor=actor, venture=instance, data=data,
                                       expected_version=expected_version)

    def retire(self, *, actor, instance, reason=""):
        return services.venture_retire(actor=actor, venture=instance, reason=reason)

    def restore(self, *, actor, instance):
        return services.venture_restore(actor=actor, venture=instance)


class WelfarePostResource(EmploymentResourceBase):
    model = WelfarePost
    form_class = WelfarePostForm
    filterset_class = WelfarePostFilter
    icon = "person-badge"
    columns = [Column("name", link=True), Column("kind"), Column("area_label", _("所在村")),
               Column("monthly_pay"), Column("established"),
               Column("holder_name", _("在岗人员"))]
    detail_fields = ["name", "kind", "monthly_pay", "established"]
    detail_template = "employment/post_detail.html"

    @property
    def import_spec(self):
        from .imports import posts_import

        return posts_import

    def list_queryset(self, user):
        return selectors.post_list(user=user)

    def detail_context(self, *, request, obj):
        placements = list(selectors.post_placements(user=request.user, post=obj))
        today = selectors.today()
        holder = next((p for p in placements if p.start_date <= today and
                       (p.end_date is None or p.end_date >= today)), None)
        return {"placements": placements, "holder": holder,
                "can_see_personal": can_see_personal(request.user)}

    def create(self, *, actor, data):
        return services.post_create(actor=actor, data=data)

    def update(self, *, actor, instance, data, expected_version):
        return services.post_update(actor=actor, post=instance, data=data,
                                    expected_version=expected_version)

    def retire(self, *, actor, instance, reason=""):
        return services.post_retire(actor=actor, post=instance, reason=reason)

    def restore(self, *, actor, instance):
        return services.post_restore(actor=actor, post=instance)


class PlacementResource(EmploymentResourceBase):
    model = Placement
    form_class = PlacementForm
    filterset_class = PlacementFilter
    icon = "person-check"
    columns = [*PERSON_COLUMNS, Column("post__name", _("岗位")),
               Column("post__kind", _("岗位类型")), Column("start_date"), Column("end_date"),
               AREA]
    detail_fields = ["start_date", "end_date"]

    @property
    def import_spec(self):
        from .imports import placements_import

        return placements_import

    def list_queryset(self, user):
        return selectors.placement_list(user=user)

    def create(self, *, actor, data):
        return services.placement_create(actor=actor, data=data)

    def update(self, *, actor, instance, data, expected_version):
        return services.placement_update(actor=actor, placement=instance, data=data,
                                         expected_version=expected_version)

    def retire(self, *, actor, instance, reason=""):
        return services.placement_retire(actor=actor, placement=instance, reason=reason)

    def restore(self, *, actor, instance):
        return services.placement_restore(actor=actor, placement=instance)


employments = EmploymentResource()
ventures = VentureResource()
posts = WelfarePostResource()
placements = PlacementResource()
