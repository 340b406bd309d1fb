"""Framework models: the scoped base every domain record inherits, and the access log."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from . import places, scoping
from .fields import SealedJSONField
from .files import private_storage
from .roles import STAFF_ROLES


class ScopedQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Records inside the user's scope (retired ones included; see `active`)."""
        return scoping.filter_visible(self, user, self.model.scope_field)

    def active(self):
        return self.filter(retired_at__isnull=True)

    def retired(self):
        return self.filter(retired_at__isnull=False)


class AreaScopedModel(models.Model):
    """A domain record that lives in an area (DESIGN §1) and keeps history (DESIGN §7).

    Subclasses get: `area_code` (12-digit village code or a shorter area code), a version
    number that guards edits against lost updates, retirement instead of deletion, and a
    history table through django-simple-history.
    """

    # the field that holds the record's area code; a model whose area comes through a
    # relation (e.g. "person__area_code") overrides this.
    scope_field = "area_code"
    # roles allowed to create and change records of this model (leaders never change).
    write_roles = STAFF_ROLES

    area_code = models.CharField(_("所属区划"), max_length=12, db_index=True)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now, editable=False)
    retired_at = models.DateTimeField(_("停用时间"), null=True, blank=True, editable=False)
    retired_reason = models.CharField(_("停用原因"), max_length=200, blank=True,
                                      editable=False)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None

    @classmethod
    def figure_areas(cls, objs) -> set[str]:
        """The areas whose indicator figures count these records: their own. (A model whose
        records also count elsewhere, like a course in its enrolled people's villages,
        adds those.)"""
        return {obj.area_code for obj in objs}

    @property
    def area_label(self) -> str:
        return places.area_name(self.area_code)


class AccessLog(models.Model):
    """Append-only audit of reads that matter: exports and reveals of personal data."""

    class Action(models.TextChoices):
        EXPORT = "export", _("导出")
        REVEAL = "reveal", _("查看明文")

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    # empty for the command line, which acts as the system
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                              blank=True, verbose_name=_("操作人"))
    action = models.CharField(_("操作"), max_length=16, choices=Action.choices)
    model = models.CharField(_("数据类型"), max_length=100)
    object_id = models.CharField(_("记录"), max_length=64, blank=True)
    field = models.CharField(_("字段"), max_length=64, blank=True)
    rows = models.PositiveIntegerField(_("行数"), default=0)
    detail = models.CharField(_("说明"), max_length=500, blank=True)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)

    audit_log = True  # append-only: exempt from the history meta-test

    class Meta:
        ordering = ["-at"]
        verbose_name = _("访问日志")
        verbose_name_plural = _("访问日志")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_id} {self.action} {self.model}"


class ImportJob(models.Model):
    """One upload through the import framework: its file, its column mapping, its state and
    its report. Visible to its uploader (and administrators).

    Personal data at rest (DESIGN §1, §7): the uploaded file and the error report are
    sealed (core/files.py) and stored under random names; the header texts and the row
    errors (which quote refused cells) are encrypted fields. `FUPIN_UPLOAD_RETENTION_DAYS`
    after the job ends, or after an upload nobody confirmed, `jobs.uploads_purge` deletes
    both files and the errors (`purged_at`); the row stays, as the record of who imported
    what and when."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("已上传")
        NEEDS_MAPPING = "mapping", _("待确认列")
        VALIDATING = "validating", _("校验中")
        INVALID = "invalid", _("有错误，未导入")
        READY = "ready", _("校验通过，待确认")
        COMMITTING = "committing", _("导入中")
        DONE = "done", _("已导入")
        FAILED = "failed", _("失败，未导入")
        EXPIRED = "expired", _("已过期，未导入")

    RUNNING = (Status.VALIDATING, Status.COMMITTING)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              verbose_name=_("导入人"))
    spec = models.CharField(_("数据类型"), max_length=50)
    filename = models.CharField(_("文件名"), max_length=255)
    file = models.FileField(upload_to="imports/%Y/%m/", storage=private_storage, blank=True)
    size = models.PositiveBigIntegerField(_("大小"), default=0)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices,
                              default=Status.UPLOADED)
    mapping = models.JSONField(_("列对应"), null=True, blank=True)
    header_row = models.PositiveIntegerField(default=0)
    headers = SealedJSONField(default=list, blank=True)
    total = models.PositiveIntegerField(_("行数"), default=0)
    error_rows = models.PositiveIntegerField(_("错误行数"), default=0)
    errors = SealedJSONField(default=list, blank=True)
    # the causes that fail many rows, each once with its rows (importer.Report.summary)
    error_summary = SealedJSONField(default=list, blank=True)
    error_report = models.FileField(upload_to="imports/%Y/%m/", storage=private_storage,
                                    blank=True)
    created = models.PositiveIntegerField(_("新增"), default=0)
    updated = models.PositiveIntegerField(_("更新"), default=0)
    unchanged = models.PositiveIntegerField(_("未变"), default=0)
    message = models.CharField(_("说明"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("上传时间"), default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    purged_at = models.DateTimeField(_("文件删除时间"), null=True, blank=True)

    audit_log = True  # an operational record, written only by the import runner

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")

    def __str__(self):
        return f"{self.filename}（{self.get_status_display()}）"

    @property
    def ignored_columns(self) -> list[str]:
        """The file's columns that the import does not use (the page lists them)."""
        if self.mapping is None or not self.headers:
            return []
        from .tabular.importer import ignored_columns

        return ignored_columns(self.headers, self.mapping)


class AreaStamp(models.Model):
    """A token per area code that changes, in the same transaction, whenever a record of that
    area is written (core/stamps.py). Stored indicator figures remember the token they were
    computed under; another token means they are stale."""

    area_code = models.CharField(max_length=12, primary_key=True)
    stamp = models.CharField(max_length=32)

    derived_cache = True  # derived from the records' writes; no history of its own

    def __str__(self):
        return f"{self.area_code} {self.stamp}"


class AreaFigureSet(models.Model):
    """The indicator figures of one area code for one year (or the year to the end of one
    month) were computed on `as_of`, under the area's stamp and these indicator definitions
    (core/indicators.py)."""

    area_code = models.CharField(max_length=12)
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField(default=0)  # 0: the whole year
    as_of = models.DateField()
    stamp = models.CharField(max_length=32)
    definitions = models.CharField(max_length=16)
    computed_at = models.DateTimeField(default=timezone.now)

    derived_cache = True

    class Meta:
        constraints = [models.UniqueConstraint(fields=["area_code", "year", "month"],
                                               name="core_figureset_area_year_month")]

    def __str__(self):
        return f"{self.area_code} {self.year} ({self.as_of})"


class AreaFigure(models.Model):
    """One indicator's value over the records of exactly one area code in one year (or the
    year to the end of one month); pages add these up per child area (core/indicators.py)."""

    area_code = models.CharField(max_length=12)
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField(default=0)  # 0: the whole year
    key = models.CharField(max_length=40)
    value = models.DecimalField(max_digits=18, decimal_places=2)

    derived_cache = True

    class Meta:
        constraints = [models.UniqueConstraint(fields=["area_code", "year", "month", "key"],
                                               name="core_figure_area_year_month_key")]
        indexes = [models.Index(fields=["year", "month", "key", "area_code"],
                                name="core_figure_year_month_key")]

    def __str__(self):
        return f"{self.area_code} {self.year} {self.key}={self.value}"


class Notification(models.Model):
    """A message to one user (DESIGN §8): what they must do or should know, and where.

    Written only by `notifications.notify`; the in-app bell reads these. Other channels
    (a log, an SMS gateway) are told at the same time, after the sender's commit."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="notifications", verbose_name=_("接收人"))
    kind = models.CharField(_("类别"), max_length=40)
    text = models.CharField(_("内容"), max_length=500)
    link = models.CharField(_("链接"), max_length=300, blank=True)
    area_code = models.CharField(_("所属区划"), max_length=12, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    audit_log = True  # a delivery record; its only change is being read

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        indexes = [models.Index(fields=["recipient", "read_at", "created_at"])]

    def __str__(self):
        return f"{self.recipient_id} {self.kind} {self.text[:20]}"


class DomainEvent(models.Model):
    """One step of a record's workflow (DESIGN §8): who moved which record from which state to
    which, when and why. Written only by `workflows.transition`, in the same transaction as
    the new state; append-only. The record's timeline reads these."""

    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.PROTECT,
                                     verbose_name=_("数据类型"))
    object_id = models.PositiveBigIntegerField(_("记录"))
    area_code = models.CharField(_("所属区划"), max_length=12, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                              blank=True, related_name="+", verbose_name=_("操作人"))
    at = models.DateTimeField(_("时间"), default=timezone.now)
    transition = models.CharField(_("操作"), max_length=40)
    source = models.CharField(_("原状态"), max_length=40)
    target = models.CharField(_("新状态"), max_length=40)
    reason = models.CharField(_("理由"), max_length=500, blank=True)
    # what the step recorded besides the state (a completion date); may quote personal data
    payload = SealedJSONField(default=dict, blank=True)
    evidence = models.FileField(_("证明材料"), upload_to="evidence/%Y/%m/",
                                storage=private_storage, blank=True)
    evidence_name = models.CharField(_("材料文件名"), max_length=255, blank=True)

    audit_log = True  # append-only: the events are the record's workflow history

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("流转记录")
        verbose_name_plural = _("流转记录")
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]

    def __str__(self):
        return (f"{self.content_type_id}:{self.object_id} {self.transition} "
                f"{self.source}→{self.target}")
