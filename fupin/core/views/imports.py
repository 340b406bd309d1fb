"""Import pages, shared by every list that declares an import spec."""

from __future__ import annotations

import io

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_POST

from ..models import ImportJob
from ..roles import can_restore, can_write
from ..tabular import jobs
from ..tabular.reader import TabularError
from ..tabular.spec import all_specs, get_spec
from ..tabular.template import build_template

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("选择文件（.xlsx、.xls 或 .csv）"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs.update({"class": "form-control",
                                                 "accept": ".xlsx,.xls,.xlsm,.csv,.ods"})


def _spec_for(user, name):
    spec = get_spec(name)
    if spec is None or not can_write(user, spec.model):
        raise Http404
    return spec


def _job_for(user, pk) -> ImportJob:
    qs = ImportJob.objects.all() if can_restore(user) else ImportJob.objects.filter(actor=user)
    job = qs.filter(pk=pk).first()
    if job is None:
        raise Http404
    return job


@login_required
def import_list(request):
    specs = [s for s in all_specs() if can_write(request.user, s.model)]
    jobs_ = ImportJob.objects.filter(actor=request.user)[:30]
    return render(request, "core/import_list.html", {"specs": specs, "jobs": jobs_})


@login_required
def import_template(request, spec):
    spec = _spec_for(request.user, spec)
    response = HttpResponse(build_template(spec), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{spec.title}-模板.xlsx"
    return response


@login_required
def import_upload(request, spec):
    spec = _spec_for(request.user, spec)
    too_big = _too_big(request)
    # A request over the limit is not parsed at all: uploads stay in memory (settings), and
    # this one would get no file.
    if too_big:
        form = UploadForm({}, {})
        form.errors["file"] = form.error_class([too_big])
    else:
        form = UploadForm(request.POST or None, request.FILES or None)
    if not too_big and request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = jobs.job_create(actor=request.user, spec_name=spec.name,
                                  filename=upload.name, data=upload.read())
        except TabularError as exc:
            form.add_error("file", exc.message)
        else:
            jobs.job_start(job, commit=False)
            return redirect("core:import_job", pk=job.pk)
    return render(request, "core/import_upload.html", {"spec": spec, "form": form},
                  status=400 if form.errors else 200)


def _too_big(request) -> str:
    if request.method != "POST":
        return ""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length <= jobs.MAX_UPLOAD_BYTES + 64 * 1024:  # the multipart envelope around the file
        return ""
    return gettext("文件太大（%(size).1f MB），上限为 %(limit)s MB。请拆分成几个文件分别导入。") % {
        "size": length / 1048576, "limit": jobs.MAX_UPLOAD_BYTES // 1048576}


@login_required
def import_job(request, pk):
    job = _job_for(request.user, pk)
    spec = get_spec(job.spec)
    ctx = {"job": job, "spec": spec, "progress": jobs.progress_get(job),
           "retention_days": settings.FUPIN_UPLOAD_RETENTION_DAYS}
    if job.status == ImportJob.Status.NEEDS_MAPPING:
        mapping = {int(k): v for k, v in (job.mapping or {}).items()}
        labels = {c.key: c.label for c in spec.columns}
        ctx["columns"] = [(i, h, mapping.get(i, ""), labels.get(mapping.get(i), ""))
                          for i, h in enumerate(job.headers) if h]
    template = "core/_import_status.html" if request.headers.get("HX-Request") else \
        "core/import_job.html"
    return render(request, template, ctx)


@login_required
@require_POST
def import_commit(request, pk):
    job = _job_for(request.user, pk)
    if job.status != ImportJob.Status.READY or job.actor != request.user or not job.file:
        raise Http404
    jobs.job_start(job, commit=True)
    return redirect("core:import_job", pk=job.pk)


@login_required
@require_POST
def import_mapping(request, pk):
    job = _job_for(request.user, pk)
    if job.status != ImportJob.Status.NEEDS_MAPPING or job.actor != request.user:
        raise Http404
    chosen = {i: request.POST.get(f"col_{i}", "") for i in range(len(job.headers))}
    jobs.job_map_columns(job, chosen=chosen)
    return redirect("core:import_job", pk=job.pk)


@login_required
def import_errors(request, pk):
    """The error report, decrypted, to the one who uploaded the file: it quotes the file's
    rows (ID numbers and phones in clear), which an administrator reading the job's page does
    not need."""
    job = _job_for(request.user, pk)
    if not job.error_report or job.actor_id != request.user.pk:
        raise Http404
    with job.error_report.open("rb") as fh:
        content = io.BytesIO(fh.read())
    response = FileResponse(content, as_attachment=True, content_type=XLSX,
                            filename=f"错误报告-{job.filename.rsplit('.', 1)[0]}.xlsx")
    response["Cache-Control"] = "private, no-store"
    return response
