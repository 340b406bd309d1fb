from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from fupin.core.roles import Role


class User(AbstractUser):
    """A user has one role and one scope area (DESIGN §1)."""

    role = models.CharField(_("角色"), max_length=20, choices=Role.choices,
                            default=Role.VILLAGE_WORKER)
    scope_area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+", verbose_name=_("管辖区划"))
    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    @property
    def scope_code(self) -> str:
        return self.scope_area_id or ""

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username

    def __str__(self):
        return self.display_name


class LoginEvent(models.Model):
    """Every login, logout and failed login, with time, user, IP and result (append-only);
    also each password change and deactivation, which revoke the user's credentials."""

    class Result(models.TextChoices):
        SUCCESS = "success", _("登录成功")
        FAILURE = "failure", _("登录失败")
        LOCKED = "locked", _("已锁定")
        LOGOUT = "logout", _("退出")
        PASSWORD = "password", _("修改密码")
        DEACTIVATED = "disabled", _("账户停用")

    class Channel(models.TextChoices):
        WEB = "web", _("网页")
        API = "api", _("接口")
        COMMAND = "cli", _("命令行")

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    username = models.CharField(_("用户名"), max_length=150, db_index=True)
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name=_("用户"))
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True, db_index=True)
    result = models.CharField(_("结果"), max_length=10, choices=Result.choices)
    channel = models.CharField(_("渠道"), max_length=5, choices=Channel.choices,
                               default=Channel.WEB)
    user_agent = models.CharField(_("浏览器"), max_length=300, blank=True)

    audit_log = True  # append-only: exempt from the history meta-test

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("登录日志")
        verbose_name_plural = _("登录日志")
        indexes = [models.Index(fields=["result", "at"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username} {self.get_result_display()}"
