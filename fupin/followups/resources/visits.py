"""The visits list (回访记录): reads in scope, writes through followups.visits."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from fupin.core import services as core
from fupin.core.resources import Column, Resource
from fupin.employment.forms import PersonRecordForm
from fupin.registry.filters import StyledFilterSet

from .. import visits as services
from ..models import Method, Visit


class VisitFilter(StyledFilterSet):
    method = django_filters.ChoiceFilter(label=_("回访方式"), choices=Method.choices)
    on_time = django_filters.BooleanFilter(label=_("按时回访"))
    visited_from = django_filters.DateFilter(label=_("回访日期起"), field_name="visited_on",
                                             lookup_expr="gte")
    visited_to = django_filters.DateFilter(label=_("回访日期止"), field_name="visited_on",
                                           lookup_expr="lte")

    class Meta:
        model = Visit
        fields = ["method", "on_time"]


class VisitForm(PersonRecordForm):
    class Meta:
        model = Visit
        fields = ["person", "visited_on", "method", "findings", "visitor"]


class VisitResource(Resource):
    model = Visit
    form_class = VisitForm
    filterset_class = VisitFilter
    icon = "chat-square-text"
    columns = [Column("person__name", _("姓名"), link=True), Column("visited_on"),
               Column("method"), Column("category"), Column("on_time"), Column("findings")]
    detail_fields = ["visited_on", "method", "findings", "visitor", "category", "due_on",
                     "on_time"]

    @property
    def import_spec(self):
        from ..imports import visits_import

        return visits_import

    def list_queryset(self, user):
        return self.queryset(user).select_related("person").order_by("-visited_on", "-pk")

    def create(self, *, actor, data):
        data = dict(data)
        person = data.pop("person")
        visit, _created = services.visit_record(actor=actor, person=person, data=data)
        return visit

    def update(self, *, actor, instance, data, expected_version):
        return services.visit_update(actor=actor, visit=instance, data=data,
                                     expected_version=expected_version)

    def retire(self, *, actor, instance, reason=""):
        return core.record_retire(actor=actor, instance=instance, reason=reason)


visits = VisitResource()
