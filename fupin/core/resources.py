"""A Resource declares how one scoped model appears in the product: its list columns, form,
filters, serializer and the services that write it. The shared generic views, export and API
read it, so an app declares a model once and gets list, detail, create, edit, history,
retire/restore, export and API — all scoped in the one place.

URL names follow one convention, which the generic scoping test relies on:
`<app_label>:<model_name>_<list|detail|create|edit|history|retire|restore|export>` for pages
(and `_transition` for a model with a workflow)
and `api:<model_name>-list` / `api:<model_name>-detail` for the API.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import path

from . import services
from .errors import ServiceError

_registry: dict[type, Resource] = {}


@dataclass(frozen=True)
class Column:
    """One column of a list page and of its export."""

    name: str  # model field name or attribute path (a__b)
    label: str = ""
    link: bool = False  # link the cell to the record's page

    def value(self, obj, user=None) -> Any:
        """The cell as `user` may read it: personal attributes (masks, the birth date) go
        through core/personal.py on the way out; without a user they show as to a reader
        without a need for personal data (fails closed)."""
        from . import personal

        reader = personal.reader_for(user)
        value = obj
        for part in self.name.split("__"):
            owner = value
            display = getattr(value, f"get_{part}_display", None)
            value = display() if callable(display) else getattr(value, part, None)
            if callable(value):
                value = value()
            value = personal.attribute(type(owner), part, value, reader)
            if value is personal.HIDDEN or value is None:
                return ""
        return value

    def header(self, model) -> str:
        if self.label:
            return str(self.label)
        try:
            return str(model._meta.get_field(self.name.split("__")[0]).verbose_name)
        except Exception:  # noqa: BLE001 — attribute columns carry their own label
            return self.name


class Resource:
    model: type
    form_class: type | None = None
    filterset_class: type | None = None
    serializer_class: type | None = None
    columns: list[Column] = []
    detail_fields: list[str] | None = None  # default: the columns
    icon: str = "table"
    page_size: int = 50
    detail_template: str | None = None
    import_spec = None  # a tabular ImportSpec: import pages, and exports in its columns

    def __init__(self):
        _registry[self.model] = self

    # --- names ---------------------------------------------------------------
    @property
    def app_label(self) -> str:
        return self.model._meta.app_label

    @property
    def model_name(self) -> str:
        return self.model._meta.model_name

    def url_name(self, action: str) -> str:
        return f"{self.app_label}:{self.model_name}_{action}"

    @property
    def verbose_name(self) -> str:
        return str(self.model._meta.verbose_name)

    @property
    def verbose_name_plural(self) -> str:
        return str(self.model._meta.verbose_name_plural)

    # --- reads ---------------------------------------------------------------
    def queryset(self, user):
        """Every read starts here: the records in the user's scope."""
        return self.model.objects.visible_to(user)

    def list_queryset(self, user):
        return self.queryset(user)

    def filter_area(self, queryset, area: str):
        """The list's area filter (never wider than scoping, which applies first)."""
        return queryset.filter(**{f"{self.model.scope_field}__startswith": area})

    def detail_context(self, *, request, obj) -> dict:
        """Extra context for the record's page (sections, related lists)."""
        return {}

    def initial(self, request) -> dict:
        """Initial form values for a new record (e.g. from the query string)."""
        return {}

    # --- writes (override to call the app's named services) -----------------------
    def save_form(self, *, actor, form, instance, expected_version):
        """Hand a valid form to the services: create, or update guarded by version."""
        data = form.service_data()
        if instance is None:
            return self.create(actor=actor, data=data)
        return self.update(actor=actor, instance=instance, data=data,
                           expected_version=expected_version)

    def create(self, *, actor, data: dict):
        return services.record_create(actor=actor, model=self.model, data=data)

    def update(self, *, actor, instance, data: dict, expected_version: int | None):
        return services.record_update(actor=actor, instance=instance, data=data,
                                      expected_version=expected_version)

    def retire(self, *, actor, instance, reason: str = ""):
        return services.record_retire(actor=actor, instance=instance, reason=reason)

    def restore(self, *, actor, instance):
        return services.record_restore(actor=actor, instance=instance)

    # --- URLs ------------------------------------------------------------------
    def urls(self, prefix: str = "") -> list:
        from .views import generic as v

        prefix = prefix or f"{self.model_name}s/"
        n = self.model_name
        return [
            path(prefix, v.ObjectListView.as_view(resource=self), name=f"{n}_list"),
            path(f"{prefix}new/", v.ObjectEditView.as_view(resource=self), name=f"{n}_create"),
            path(f"{prefix}export/", v.ObjectExportView.as_view(resource=self),
                 name=f"{n}_export"),
            path(f"{prefix}<int:pk>/", v.ObjectDetailView.as_view(resource=self),
                 name=f"{n}_detail"),
            path(f"{prefix}<int:pk>/edit/", v.ObjectEditView.as_view(resource=self),
                 name=f"{n}_edit"),
            path(f"{prefix}<int:pk>/history/", v.ObjectHistoryView.as_view(resource=self),
                 name=f"{n}_history"),
            path(f"{prefix}<int:pk>/retire/", v.ObjectRetireView.as_view(resource=self),
                 name=f"{n}_retire"),
            path(f"{prefix}<int:pk>/restore/", v.ObjectRestoreView.as_view(resource=self),
                 name=f"{n}_restore"),
            *self.workflow_urls(prefix),
        ]

    def workflow_urls(self, prefix: str) -> list:
        """A model with a workflow (core/workflows/) gets the page of its buttons."""
        from .views import generic as v
        from .workflows import workflow_for

        if workflow_for(self.model) is None:
            return []
        return [path(f"{prefix}<int:pk>/transitions/<slug:name>/",
                     v.ObjectTransitionView.as_view(resource=self),
                     name=f"{self.model_name}_transition")]


class DerivedResource(Resource):
    """A list its own pages never write (computed, or written by an import only): every
    create, edit, retire and restore is refused with the list's own Chinese reason."""

    edit_refusal = ""  # why a record cannot be created or edited by hand
    retire_refusal = ""  # why it cannot be retired or restored by hand

    def save_form(self, *, actor, form, instance, expected_version):
        raise ServiceError(self.edit_refusal)

    def create(self, *, actor, data):
        return self.save_form(actor=actor, form=None, instance=None, expected_version=None)

    def update(self, *, actor, instance, data, expected_version):
        return self.save_form(actor=actor, form=None, instance=instance,
                              expected_version=expected_version)

    def retire(self, *, actor, instance, reason=""):
        raise ServiceError(self.retire_refusal)

    def restore(self, *, actor, instance):
        return self.retire(actor=actor, instance=instance)


def _discover() -> None:
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("resources")


def resource_for(model) -> Resource | None:
    _discover()
    return _registry.get(model)


def all_resources() -> list[Resource]:
    _discover()
    return list(_registry.values())
