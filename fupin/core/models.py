"""Framework models: the scoped base every domain record inherits, and the access log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from . import scoping
from .roles import Role


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
    write_roles = frozenset({Role.ADMIN, Role.COUNTY_OFFICER, Role.TOWNSHIP_OFFICER,
                             Role.VILLAGE_WORKER})

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

    @property
    def area_label(self) -> str:
        from fupin.areas.selectors import area_full_name

        return area_full_name(self.area_code)


class AccessLog(models.Model):
    """Append-only audit of reads that matter: exports and reveals of personal data."""

    class Action(models.TextChoices):
        EXPORT = "export", _("导出")
        REVEAL = "reveal", _("查看明文")

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              verbose_name=_("操作人"))
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
