"""The employment lists (DESIGN §2 lists 3–5): transferred employment, ventures, public-welfare
posts and placements. Each record lives in the person's village (area_code copied from the
person by the services). A person's employment status is derived from these records
(employment/status.py), never typed."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fupin.core import codes, dates
from fupin.core.bounds import validate_date
from fupin.core.models import AreaScopedModel


class Channel(models.TextChoices):
    JOB_FAIR = "job_fair", _("招聘会")
    REFERRAL = "referral", _("职业介绍")
    LABOUR_EXPORT = "labour_export", _("劳务输出")
    RELATIVES = "relatives", _("亲友介绍")
    SELF_FOUND = "self_found", _("自主务工")


class DatedQ:
    """Conditions on dated records (see fupin.core.dates)."""

    open_on = staticmethod(dates.open_on)
    overlaps = staticmethod(dates.overlaps)


class Employment(AreaScopedModel):
    """转移就业: a job away from the farm."""

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT,
                               related_name="employments", verbose_name=_("就业人员"))
    employer = models.CharField(_("用人单位"), max_length=200)
    place = codes.code_field("work_place", _("务工地点"), blank=False)
    industry = models.CharField(_("行业"), max_length=100, blank=True)
    start_date = models.DateField(_("开始日期"), validators=[validate_date])
    end_date = models.DateField(_("结束日期"), null=True, blank=True,
                                validators=[validate_date])
    monthly_income = models.PositiveIntegerField(_("月收入（元）"), null=True, blank=True)
    channel = models.CharField(_("就业渠道"), max_length=20, choices=Channel.choices,
                               blank=True)
    contract = models.BooleanField(_("签订劳动合同"), default=False)
    full_time = models.BooleanField(_("全职"), default=True)

    class Meta:
        verbose_name = _("转移就业")
        verbose_name_plural = _("转移就业")
        indexes = [models.Index(fields=["person", "start_date"]),
                   models.Index(fields=["area_code", "start_date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="employment_dates_ordered"),
            # the matching key of imports; the services say it in words first
            models.UniqueConstraint(fields=["person", "employer", "start_date"],
                                    condition=Q(retired_at__isnull=True),
                                    name="one_employment_per_key"),
        ]

    def __str__(self):
        return f"{self.person} · {self.employer}"


class Venture(AreaScopedModel):
    """自主创业, with its guaranteed start-up loan (创业担保贷款) and interest subsidy."""

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT,
                               related_name="ventures", verbose_name=_("创业人员"))
    business = models.CharField(_("项目（经营实体）名称"), max_length=200)
    industry = models.CharField(_("行业"), max_length=100, blank=True)
    start_date = models.DateField(_("创业日期"), validators=[validate_date])
    end_date = models.DateField(_("停业日期"), null=True, blank=True,
                                validators=[validate_date])
    college_student = models.BooleanField(_("贫困家庭大学生创业"), default=False)
    loan_amount = models.DecimalField(_("创业担保贷款（元）"), max_digits=12, decimal_places=2,
                                      null=True, blank=True)
    loan_bank = models.CharField(_("贷款银行"), max_length=100, blank=True)
    loan_start = models.DateField(_("贷款发放日期"), null=True, blank=True,
                                  validators=[validate_date])
    loan_end = models.DateField(_("贷款到期日期"), null=True, blank=True,
                                validators=[validate_date])
    interest_subsidy = models.DecimalField(_("贴息金额（元）"), max_digits=12, decimal_places=2,
                                           null=True, blank=True)
    employees = models.PositiveIntegerField(_("带动就业人数"), default=0)
    poor_employees = models.PositiveIntegerField(_("其中贫困劳动力"), default=0)

    class Meta:
        verbose_name = _("自主创业")
        verbose_name_plural = _("自主创业")
        indexes = [models.Index(fields=["person", "start_date"])]
        constraints = [
            models.CheckConstraint(condition=Q(poor_employees__lte=models.F("employees")),
                                   name="venture_poor_within_employees"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="venture_dates_ordered"),
            models.UniqueConstraint(fields=["person", "business", "start_date"],
                                    condition=Q(retired_at__isnull=True),
                                    name="one_venture_per_key"),
        ]

    def __str__(self):
        return f"{self.person} · {self.business}"


class WelfarePost(AreaScopedModel):
    """公益性岗位: a post in a village (保洁, 护林, 治安 …) with its monthly pay."""

    name = models.CharField(_("岗位名称"), max_length=100)
    kind = codes.code_field("welfare_post_kind", _("岗位类型"), blank=False)
    monthly_pay = models.PositiveIntegerField(_("月补贴（元）"))
    established = models.DateField(_("开发日期"), validators=[validate_date])

    class Meta:
        verbose_name = _("公益性岗位")
        verbose_name_plural = _("公益性岗位")
        constraints = [models.UniqueConstraint(fields=["area_code", "name"],
                                               condition=Q(retired_at__isnull=True),
                                               name="one_post_name_per_village")]

    def __str__(self):
        return self.name


class Placement(AreaScopedModel):
    """A person on a public-welfare post. A post holds at most one person at a time and a
    person holds at most one post at a time (services check date overlaps)."""

    post = models.ForeignKey(WelfarePost, on_delete=models.PROTECT, related_name="placements",
                             verbose_name=_("岗位"))
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT,
                               related_name="placements", verbose_name=_("安置人员"))
    start_date = models.DateField(_("上岗日期"), validators=[validate_date])
    end_date = models.DateField(_("离岗日期"), null=True, blank=True,
                                validators=[validate_date])

    class Meta:
        verbose_name = _("公益性岗位安置")
        verbose_name_plural = _("公益性岗位安置")
        indexes = [models.Index(fields=["person", "start_date"]),
                   models.Index(fields=["post", "start_date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="placement_dates_ordered"),
            models.UniqueConstraint(fields=["post", "person", "start_date"],
                                    condition=Q(retired_at__isnull=True),
                                    name="one_placement_per_key"),
        ]

    def __str__(self):
        return f"{self.person} · {self.post}"
