"""Import jobs: upload → validate → (map columns) → confirm → commit, small files inline and
large ones as a background task (django-tasks) whose progress a page can follow.

The upload request stores the file (sealed, core/files.py), creates the job and looks at the
file only through `reader.inspect` (its format, the zip's declared sizes, the sheets'
dimensions: no cell is read). A small file is then read and validated in the same request,
so that its page answers at once; anything larger is read, its header found and its rows
validated by the worker, with the progress bar. The commit goes the same way by the row count
the validation found.

Progress is kept in Django's cache, not in the job row: the commit runs in one transaction,
and rows written inside it are invisible to other connections until it ends. A worker killed
mid-import rolls the transaction back (the database stays as it was); its progress stops
beating and the page says the import was interrupted.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from .. import crypto
from ..files import orphans_purge
from ..models import ImportJob
from . import importer, reader
from .reader import TabularError
from .report import build_error_report
from .spec import get_spec

log = logging.getLogger(__name__)

BACKGROUND_ROWS = 5000
# Read in the request only when reading is cheap: at most this many bytes uploaded and
# unpacked (a 5,000-row roster is ≈ 0.4 MB as .xlsx, 3 MB unpacked, 1 MB as CSV; read in
# well under a second). Everything else goes to the worker unread.
INLINE_MAX_BYTES = 1024 * 1024
INLINE_MAX_UNPACKED = 8 * 1024 * 1024
MAX_UPLOAD_BYTES = getattr(settings, "FUPIN_MAX_UPLOAD_BYTES", 50 * 1024 * 1024)
STALE_SECONDS = 120
SUMMARY_SHOWN = 50  # causes shown on the page (the error report has them all)


def _key(job_id) -> str:
    return f"fupin:import:{job_id}"


def progress_get(job: ImportJob) -> dict | None:
    data = cache.get(_key(job.pk))
    if data and job.status in ImportJob.RUNNING:
        # A job waiting for the worker is not interrupted, however long the queue.
        data["stale"] = (data.get("phase") != "queued"
                         and time.time() - data.get("at", 0) > STALE_SECONDS)
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
    # A file's name can itself be personal ("张三 5108….xlsx"): numbers in it are masked in
    # the row, which keeps it for the page, and the file gets a random name on disk.
    job = ImportJob(actor=actor, spec=spec_name, filename=crypto.mask_numbers_in(filename)[:255],
                    size=len(data))
    job.file.save(f"{job.pk}.upload", ContentFile(data), save=False)
    job.save()
    return job


def _data(job: ImportJob) -> bytes:
    if not job.file:
        raise TabularError(_("上传的文件已按保存期限删除，请重新上传。"))
    with job.file.open("rb") as fh:
        return fh.read()


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
    """Run inline for small files, in the background for large ones (unread until then)."""
    if commit:
        inline = job.total <= BACKGROUND_ROWS and job.size <= INLINE_MAX_BYTES
        total = job.total
    else:
        try:
            shape = reader.inspect(_data(job), job.filename)
        except TabularError as exc:
            return _finish(job, status=ImportJob.Status.FAILED, message=exc.message)
        inline = (job.size <= INLINE_MAX_BYTES and shape.unpacked <= INLINE_MAX_UNPACKED
                  and (shape.rows or 0) <= BACKGROUND_ROWS + 1)
        total = max((shape.rows or 1) - 1, 0)
    job.status = ImportJob.Status.COMMITTING if commit else ImportJob.Status.VALIDATING
    job.save(update_fields=["status"])
    if inline:
        return job_run(job, commit=commit)
    cache.set(_key(job.pk), {"phase": "queued", "done": 0, "total": total, "at": time.time()},
              timeout=24 * 3600)
    run_import_job.enqueue(str(job.pk), commit)
    return job


@task()
def run_import_job(job_id: str, commit: bool) -> str:
    job = ImportJob.objects.get(pk=job_id)
    if job.purged_at is None:  # a job that waited past the retention period has expired
        job_run(job, commit=commit)
    return job.status


def job_run(job: ImportJob, *, commit: bool) -> ImportJob:
    spec = get_spec(job.spec)
    progress = _progress_writer(job.pk)
    mapping = {int(k): v for k, v in job.mapping.items()} if job.mapping else None
    try:
        progress("read", 0, 0)
        table = importer.load(_data(job), job.filename)
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
    summary = report.summary()
    job.error_summary = [c.as_dict() for c in summary[:SUMMARY_SHOWN]]
    if not report.ok:
        content = build_error_report(spec=spec, headers=report.headers, errors=report.errors,
                                     summary=summary, ignored=report.ignored)
        job.error_report.save(f"{job.pk}.errors", ContentFile(content), save=False)
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


# ---------------------------------------------------------------------------------------
# Retention (issue 8 item 6): files with personal data do not stay forever.


def uploads_purge(*, now=None, days: int | None = None) -> dict[str, int]:
    """Delete the files and the row errors of imports that ended more than `days`
    (FUPIN_UPLOAD_RETENTION_DAYS) ago, and of uploads nobody confirmed (or whose worker
    died) that long after they were uploaded; those become 已过期. The rows stay, as the
    record of who imported what. Also removes files in the import folders that no job names
    (a request that failed between storing the file and saving the job). `now` is for
    tests. Returns counts."""
    now = now or timezone.now()
    days = settings.FUPIN_UPLOAD_RETENTION_DAYS if days is None else days
    cutoff = now - timedelta(days=days)
    counts = {"jobs": 0, "expired": 0, "files": 0, "orphans": 0}
    ended = ImportJob.objects.filter(purged_at__isnull=True, finished_at__lt=cutoff)
    abandoned = ImportJob.objects.filter(purged_at__isnull=True, finished_at__isnull=True,
                                         created_at__lt=cutoff)
    for job in [*ended, *abandoned]:
        for field in (job.file, job.error_report):
            if field:
                field.delete(save=False)
                counts["files"] += 1
        job.errors, job.error_summary, job.headers, job.purged_at = [], [], [], now
        if job.finished_at is None:
            job.status, job.finished_at = ImportJob.Status.EXPIRED, now
            job.message = _("上传后 %(days)s 天内未完成导入，未写入任何数据；文件已删除。") % {
                "days": days}
            counts["expired"] += 1
        job.save(update_fields=["file", "error_report", "errors", "error_summary", "headers",
                                "purged_at", "status", "finished_at", "message"])
        cache.delete(_key(job.pk))
        counts["jobs"] += 1
    counts["orphans"] = _purge_orphans(cutoff)
    return counts


def _purge_orphans(cutoff) -> int:
    storage = ImportJob._meta.get_field("file").storage
    known = set()
    for file, report in ImportJob.objects.values_list("file", "error_report"):
        known.update(n for n in (file, report) if n)
    return orphans_purge(storage, "imports", known=known, older_than=cutoff)
