"""Import jobs: upload → validate → (map columns) → confirm → commit, small files inline and
large ones as a background task (django-tasks) whose progress a page can follow.

Progress is kept in Django's cache, not in the job row: the commit runs in one transaction,
and rows written inside it are invisible to other connections until it ends. A worker killed
mid-import rolls the transaction back (the database stays as it was); its progress stops
beating and the page says the import was interrupted.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from ..models import ImportJob
from . import importer
from .reader import TabularError
from .report import build_error_report
from .spec import get_spec

log = logging.getLogger(__name__)

BACKGROUND_ROWS = 5000
MAX_UPLOAD_BYTES = getattr(settings, "FUPIN_MAX_UPLOAD_BYTES", 50 * 1024 * 1024)
STALE_SECONDS = 120


def _key(job_id) -> str:
    return f"fupin:import:{job_id}"


def progress_get(job: ImportJob) -> dict | None:
    data = cache.get(_key(job.pk))
    if data and job.status in ImportJob.RUNNING:
        data["stale"] = time.time() - data.get("at", 0) > STALE_SECONDS
    return data


def _progress_writer(job_id):
    last = [0.0]

    def write(phase: str, done: int, total: int) -> None:
        now = time.time()
        if now - last[0] < 0.5 and done < total:
            return
        last[0] = now
        cache.set(_key(job_id), {"phase": phase, "done": done, "total": total, "at": now},
                  timeout=24 * 3600)

    return write


def job_create(*, actor, spec_name: str, filename: str, data: bytes) -> ImportJob:
    if len(data) > MAX_UPLOAD_BYTES:
        raise TabularError(_("文件太大（%(size).1f MB），上限为 %(limit)s MB。")
                           % {"size": len(data) / 1048576, "limit": MAX_UPLOAD_BYTES // 1048576})
    if get_spec(spec_name) is None:
        raise TabularError(_("未知的导入类型。"))
    job = ImportJob(actor=actor, spec=spec_name, filename=filename[:255], size=len(data))
    job.file.save(filename[-100:] or "upload", ContentFile(data), save=False)
    job.save()
    return job


def job_map_columns(job: ImportJob, *, chosen: dict[int, str]) -> ImportJob:
    """The user's answer to the mapping step (column index → field key; unknown keys and a
    key chosen twice are dropped): validate again, or ask again if a required column is
    still missing."""
    spec = get_spec(job.spec)
    keys = {c.key for c in spec.columns}
    mapping, seen = {}, set()
    for index, key in sorted(chosen.items()):
        if key in keys and key not in seen:
            mapping[str(index)] = key
            seen.add(key)
    job.mapping = mapping
    missing = spec.missing_required(seen)
    if missing:
        job.status = ImportJob.Status.NEEDS_MAPPING
        job.message = _("仍缺少必填列：%(cols)s") % {"cols": "、".join(c.label for c in missing)}
        job.save(update_fields=["mapping", "status", "message"])
        return job
    job.status = ImportJob.Status.UPLOADED
    job.save(update_fields=["mapping", "status"])
    return job_start(job, commit=False)


def job_start(job: ImportJob, *, commit: bool) -> ImportJob:
    """Run inline for small files, in the background for large ones."""
    try:
        table = importer.load(job.file.read(), job.filename)
    except TabularError as exc:
        return _finish(job, status=ImportJob.Status.FAILED, message=exc.message)
    finally:
        job.file.close()
    job.status = ImportJob.Status.COMMITTING if commit else ImportJob.Status.VALIDATING
    job.save(update_fields=["status"])
    _progress_writer(job.pk)("commit" if commit else "validate", 0, len(table.rows))
    if len(table.rows) > BACKGROUND_ROWS:
        run_import_job.enqueue(str(job.pk), commit)
        return job
    return job_run(job, commit=commit, table=table)


@task()
def run_import_job(job_id: str, commit: bool) -> str:
    job = ImportJob.objects.get(pk=job_id)
    job_run(job, commit=commit)
    return job.status


def job_run(job: ImportJob, *, commit: bool, table=None) -> ImportJob:
    spec = get_spec(job.spec)
    progress = _progress_writer(job.pk)
    mapping = {int(k): v for k, v in job.mapping.items()} if job.mapping else None
    try:
        if table is None:
            with job.file.open("rb") as fh:
                table = importer.load(fh.read(), job.filename)
        run = importer.commit if commit else importer.validate
        result = run(spec, table, actor=job.actor, mapping=mapping, progress=progress)
        report = result if commit else result[0]
    except importer.NeedsMapping as exc:
        job.headers = exc.headers
        job.header_row = exc.header.row_index
        job.mapping = {str(k): v for k, v in exc.header.mapping.items()}
        msg = (_("以下必填列没有找到：%(cols)s。") % {"cols": "、".join(exc.missing)}
               if exc.missing else "") + _("请确认各列对应的字段。")
        return _finish(job, status=ImportJob.Status.NEEDS_MAPPING, message=msg, done=False)
    except TabularError as exc:
        return _finish(job, status=ImportJob.Status.FAILED, message=exc.message)
    except Exception:  # noqa: BLE001 — the user gets a message, the log the traceback
        log.exception("import job %s failed", job.pk)
        return _finish(job, status=ImportJob.Status.FAILED,
                       message=_("导入时发生内部错误，未写入任何数据。请联系管理员。"))
    job.total = report.total
    job.header_row = report.header_row
    job.headers = report.headers
    job.mapping = {str(k): v for k, v in report.mapping.items()}
    job.error_rows = report.error_rows
    job.errors = [[e.line, e.column, e.message] for e in report.errors[:1000]]
    if not report.ok:
        content = build_error_report(spec=spec, headers=report.headers, errors=report.errors,
                                     ignored=report.ignored)
        job.error_report.save(f"errors-{job.pk}.xlsx", ContentFile(content), save=False)
        return _finish(job, status=ImportJob.Status.INVALID,
                       message=_("%(n)s 行有错误，未写入任何数据。请修改后重新上传。")
                       % {"n": report.error_rows})
    if not commit:
        return _finish(job, status=ImportJob.Status.READY, done=False,
                       message=_("全部 %(n)s 行校验通过。") % {"n": report.total})
    outcome = report.outcome
    job.created, job.updated, job.unchanged = outcome.created, outcome.updated, outcome.unchanged
    return _finish(job, status=ImportJob.Status.DONE,
                   message=_("导入完成：新增 %(c)s，更新 %(u)s，未变 %(s)s。")
                   % {"c": outcome.created, "u": outcome.updated, "s": outcome.unchanged})


def _finish(job: ImportJob, *, status: str, message: str, done: bool = True) -> ImportJob:
    job.status = status
    job.message = message[:500]
    job.finished_at = timezone.now() if done else None
    job.save()
    cache.delete(_key(job.pk))
    return job
