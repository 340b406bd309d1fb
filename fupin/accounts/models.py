from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as AuthUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from fupin.core import scoping
from fupin.core.fields import SealedJSONField
from fupin.core.roles import Role, assignable_roles, can_manage_accounts


class UserQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The accounts `user` manages (DESIGN §1), the one place that says so: their scope
        area inside the user's scope (core/scoping.py) and their role among those the user may
        give (core/roles.py `assignable_roles`). Superuser accounts only to superusers; an
        account without a scope only to superusers (fails closed); nothing to a user who
        manages no accounts."""
        if not can_manage_accounts(user):
            return self.none()
        qs = scoping.filter_visible(self, user, "scope_area__code")
        if user.is_superuser:
            return qs
        return qs.filter(is_superuser=False, role__in=assignable_roles(user))

    def active(self):
        return self.filter(is_active=True)


class UserManager(AuthUserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """A user has one role and one scope area (DESIGN §1)."""

    # the generic import scope guard (core/tabular/ledger.py) and the personal-data walk
    # read these, as of an AreaScopedModel
    scope_field = "scope_area__code"
    write_roles = frozenset({Role.ADMIN, Role.COUNTY_OFFICER})

    role = models.CharField(_("角色"), max_length=20, choices=Role.choices,
                            default=Role.VILLAGE_WORKER)
    scope_area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+", verbose_name=_("管辖区划"))
    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    # the lost-update guard of the account pages (accounts/services.py)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    # set when somebody else chose the password (a new account, a reset): every page sends
    # the user to 修改密码 and the API refuses until they change it (accounts/middleware.py)
    must_change_password = models.BooleanField(_("须修改密码"), default=False)
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    objects = UserManager()

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


class CredentialSheet(models.Model):
    """The initial passwords of the accounts an import created, for the importer to collect
    once (DESIGN §1: accounts are handed over by the county; passwords are never kept in
    clear). The passwords are encrypted with the field key (core/fields.py) until the
    importer downloads them; the download empties the sheet for good, and
    `credential_sheets_purge` (`fupin purge_credentials`, run by `fupin nightly`) empties an
    uncollected one after FUPIN_CREDENTIALS_DAYS. Every account on it must change its
    password at first login."""

    actor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("导入人"))
    created_at = models.DateTimeField(_("生成时间"), default=timezone.now)
    accounts = models.PositiveIntegerField(_("账户数"), default=0)
    # [[username, full name, role label, area name, password], …]; [] once collected
    rows = SealedJSONField(default=list, blank=True)
    collected_at = models.DateTimeField(_("领取时间"), null=True, blank=True)
    purged_at = models.DateTimeField(_("过期清除时间"), null=True, blank=True)

    audit_log = True  # a hand-over record: written once, emptied once

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("初始密码单")
        verbose_name_plural = _("初始密码单")

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.accounts}"

    @property
    def pending(self) -> bool:
        return self.collected_at is None and self.purged_at is None
