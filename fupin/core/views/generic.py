"""Generic pages for any Resource: list, detail, create/edit, history, retire, restore, export.

Every view reads through `resource.queryset(user)` (scoped in core.scoping), so a record out
of the user's scope is simply not found (404).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from .. import places, scoping, workflows
from ..errors import ConcurrentEditError, ServiceError
from ..history import history_entries
from ..paging import keyset_page
from ..roles import can_restore, can_write
from ..tabular.export import export_response, spec_export_response


class ResourceMixin(LoginRequiredMixin):
    resource = None  # set by Resource.urls()

    def get_object(self, *, include_retired: bool = True):
        qs = self.resource.queryset(self.request.user)
        if not include_retired:
            qs = qs.active()
        return scoping.get_visible_or_404(qs, self.request.user, pk=self.kwargs["pk"])

    def base_context(self, **extra) -> dict:
        r = self.resource
        ctx = {
            "resource": r,
            "model_name": r.model_name,
            "verbose_name": r.verbose_name,
            "verbose_name_plural": r.verbose_name_plural,
            "can_write": can_write(self.request.user, r.model),
            "can_restore": can_restore(self.request.user),
            "urls": {a: r.url_name(a) for a in ("list", "create", "export", "detail", "edit",
                                                 "history", "retire", "restore")},
        }
        ctx.update(extra)
        return ctx

    def filtered(self, qs):
        """Apply the list filters from the query string (area, status and the app's own)."""
        params = self.request.GET
        area = params.get("area", "").strip()
        if area:
            qs = self.resource.filter_area(qs, area)
        if params.get("status") == "retired" and can_restore(self.request.user):
            qs = qs.retired()
        else:
            qs = qs.active()
        filterset = None
        if self.resource.filterset_class is not None:
            filterset = self.resource.filterset_class(params, queryset=qs,
                                                      request=self.request)
            qs = filterset.qs
        return qs, filterset


class ObjectListView(ResourceMixin, View):
    template_name = "core/object_list.html"

    def get(self, request):
        r = self.resource
        qs, filterset = self.filtered(r.list_queryset(request.user))
        page = keyset_page(request, qs, r.page_size)
        table = [(obj, [(c, c.value(obj, request.user)) for c in r.columns]) for obj in page]
        picker = places.picker(root=scoping.user_scope_code(request.user) or "",
                               leaf_level="village").render("area", request.GET.get("area"))
        ctx = self.base_context(
            headers=[c.header(r.model) for c in r.columns], table=table, filterset=filterset,
            page=page, export_query=page.first_query,
            showing_retired=request.GET.get("status") == "retired",
            area_picker=picker,
        )
        template = "core/_object_table.html" if request.headers.get("HX-Request") else \
            self.template_name
        return render(request, template, ctx)


class ObjectDetailView(ResourceMixin, View):
    template_name = "core/object_detail.html"

    def get(self, request, pk):
        obj = self.get_object()
        r = self.resource
        names = r.detail_fields or [c.name for c in r.columns]
        from ..resources import Column

        fields = [(Column(n).header(r.model), Column(n).value(obj, request.user))
                  for n in names]
        fields.append((_("所属区划"), obj.area_label))
        ctx = self.base_context(object=obj, fields=fields, tab="detail")
        ctx.update(workflow_context(request=request, resource=r, obj=obj))
        ctx.update(r.detail_context(request=request, obj=obj))
        return render(request, r.detail_template or self.template_name, ctx)


def workflow_context(*, request, resource, obj) -> dict:
    """The record's workflow on its page: the steps the user may take (and those a guard
    refuses, with why), and its timeline of domain events."""
    flow = workflows.workflow_for(resource.model)
    if flow is None:
        return {}
    return {
        "workflow": flow,
        "workflow_state": flow.state_label(flow.state(obj)),
        "transition_options": workflows.available_transitions(actor=request.user, obj=obj,
                                                               include_refused=True),
        "transition_url": resource.url_name("transition"),
        "timeline": workflows.timeline_entries(obj, request.user),
    }


class ObjectTransitionView(ResourceMixin, View):
    """A button of the record's page: takes one transition through the workflow service.
    A refusal comes back as a message on the page, with nothing changed."""

    http_method_names = ["post"]

    def post(self, request, pk, name):
        obj = self.get_object(include_retired=False)
        flow = workflows.workflow_for(self.resource.model)
        step = flow.get(name) if flow is not None else None
        if step is None:
            raise Http404("no such transition")
        version = request.POST.get("_version", "")
        payload = {i.name: request.POST[i.name].strip() for i in step.inputs
                   if request.POST.get(i.name, "").strip()}
        try:
            workflows.transition(actor=request.user, obj=obj, name=name,
                                 reason=request.POST.get("reason", ""),
                                 evidence=request.FILES.get("evidence"),
                                 expected_version=int(version) if version.isdigit() else None,
                                 **payload)
        except PermissionDenied as exc:
            messages.error(request, str(exc) or _("您的角色不能办理此操作。"))
        except ServiceError as exc:
            messages.error(request, exc.message)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, _("已办理：%(label)s。") % {"label": step.label})
        return HttpResponseRedirect(reverse(self.resource.url_name("detail"), args=[pk]))


class ObjectHistoryView(ResourceMixin, View):
    template_name = "core/object_history.html"

    def get(self, request, pk):
        obj = self.get_object()
        return render(request, self.template_name,
                      self.base_context(object=obj, entries=history_entries(obj, user=request.user),
                                        tab="history"))


class ObjectEditView(ResourceMixin, View):
    template_name = "core/object_form.html"

    def form(self, data=None, instance=None):
        return self.resource.form_class(data=data, instance=instance, user=self.request.user,
                                        initial=self.resource.initial(self.request))

    def check_role(self):
        if not can_write(self.request.user, self.resource.model):
            raise PermissionDenied

    def get(self, request, pk=None):
        instance = self.get_object(include_retired=False) if pk else None
        self.check_role()
        return self.show(self.form(instance=instance), instance)

    def show(self, form, instance, status=200):
        return render(request=self.request, template_name=self.template_name,
                      context=self.base_context(form=form, object=instance), status=status)

    def post(self, request, pk=None):
        instance = self.get_object(include_retired=False) if pk else None
        self.check_role()
        form = self.form(data=request.POST, instance=instance)
        if not form.is_valid():
            return self.show(form, instance, status=400)
        version = request.POST.get("_version", "")
        try:
            obj = self.resource.save_form(actor=request.user, form=form, instance=instance,
                                          expected_version=int(version) if version.isdigit()
                                          else None)
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            status = 409 if isinstance(exc, ConcurrentEditError) else 400
            return self.show(form, instance, status=status)
        except ValidationError as exc:
            for field, errors in getattr(exc, "message_dict", {None: exc.messages}).items():
                form.add_error(field if field in form.fields else None, errors)
            return self.show(form, instance, status=400)
        messages.success(request, _("已保存。"))
        return HttpResponseRedirect(reverse(self.resource.url_name("detail"), args=[obj.pk]))


class ObjectRetireView(ResourceMixin, View):
    def post(self, request, pk):
        obj = self.get_object(include_retired=False)
        try:
            self.resource.retire(actor=request.user, instance=obj,
                                 reason=request.POST.get("reason", ""))
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已停用。记录保留在历史中，管理员可以恢复。"))
        return HttpResponseRedirect(reverse(self.resource.url_name("detail"), args=[pk]))


class ObjectRestoreView(ResourceMixin, View):
    def post(self, request, pk):
        obj = self.get_object()
        if not can_restore(request.user):
            raise Http404
        try:  # restoring can break a rule since (an overlap, a duplicate): say which
            self.resource.restore(actor=request.user, instance=obj)
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已恢复。"))
        return HttpResponseRedirect(reverse(self.resource.url_name("detail"), args=[pk]))


class ObjectExportView(ResourceMixin, View):
    def get(self, request):
        qs, _filterset = self.filtered(self.resource.list_queryset(request.user))
        spec = self.resource.import_spec
        if spec is not None:  # the list's own spreadsheet: it re-imports losslessly
            return spec_export_response(request=request, actor=request.user, spec=spec,
                                        queryset=spec.export_ordering(qs),
                                        reveal=spec.can_reveal(request.user))
        return export_response(request=request, resource=self.resource,
                               queryset=qs.order_by("pk"))


class EventEvidenceView(LoginRequiredMixin, View):
    """A step's evidence file, to the roles that may see personal data inside their scope,
    logged (workflows.evidence_for_download; sealed at rest, no URL of its own: core/files.py)."""

    def get(self, request, pk):
        import io

        from django.http import FileResponse

        event = workflows.evidence_for_download(request.user, pk, request=request)
        with event.evidence.open("rb") as fh:
            content = io.BytesIO(fh.read())
        response = FileResponse(content, as_attachment=True,
                                filename=event.evidence_name or "evidence")
        response["Cache-Control"] = "private, no-store"
        return response
