"""The registry 一库 (DESIGN §2): poor households and their members."""

from __future__ import annotations

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from fupin.core import codes, crypto
from fupin.core.bounds import validate_year
from fupin.core.models import AreaScopedModel


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class EmploymentStatus(models.TextChoices):
    """Employment status as registered (就业状态清). DESIGN §2: the five lists will derive it."""

    EMPLOYED = "employed", _("务工")
    VENTURE = "venture", _("自主创业")
    WELFARE_POST = "welfare_post", _("公益性岗位")
    UNEMPLOYED = "unemployed", _("未就业")


class Household(AreaScopedModel):
    number = models.CharField(_("户编号"), max_length=30, unique=True)
    head = models.ForeignKey("Person", on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+", verbose_name=_("户主"))
    identified_year = models.PositiveSmallIntegerField(_("识别年度"), null=True, blank=True,
                                                       validators=[validate_year])
    household_kind = codes.code_field("household_kind", _("贫困户属性"))
    poverty_status = codes.code_field("poverty_status", _("脱贫状态"))
    exit_year = models.PositiveSmallIntegerField(_("脱贫年度"), null=True, blank=True,
                                                 validators=[validate_year])
    poverty_cause = codes.code_field("poverty_cause", _("主要致贫原因"))
    address = models.CharField(_("住址"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("贫困户")
        verbose_name_plural = _("贫困户")
        indexes = [models.Index(fields=["area_code", "id"])]

    def __str__(self):
        head = self.head.name if self.head_id and self.head else ""
        return f"{head}户（{self.number}）" if head else str(self.number)


# The protected fields of a person: each is stored encrypted (…_enc), with a keyed hash
# (…_hash) for exact lookup and uniqueness and a masked form (…_masked) for display.
PROTECTED = {
    "id_number": crypto.mask_id,
    "phone": crypto.mask_phone,
    "bank_account": crypto.mask_account,
}


class Person(AreaScopedModel):
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="members",
                                  verbose_name=_("所属贫困户"))
    name = models.CharField(_("姓名"), max_length=50)
    name_pinyin = models.CharField(_("姓名拼音"), max_length=200, db_index=True, editable=False)
    name_initials = models.CharField(_("拼音首字母"), max_length=50, db_index=True,
                                     editable=False)
    # identity: the ID number is encrypted; birth date and gender are derived from it
    id_number_enc = models.TextField(_("身份证号（密文）"), editable=False)
    id_number_hash = models.CharField(max_length=64, unique=True, editable=False)
    id_number_masked = models.CharField(_("身份证号"), max_length=18, editable=False)
    birth_date = models.DateField(_("出生日期"), editable=False)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices, editable=False)
    relation = codes.code_field("relation", _("与户主关系"))
    education = codes.code_field("education", _("文化程度"))
    schooling = codes.code_field("schooling", _("在校生状况"))
    health = codes.code_field("health", _("健康状况"))
    labour_capacity = codes.code_field("labour_capacity", _("劳动技能"))
    skills = models.CharField(_("技能特长"), max_length=200, blank=True)
    phone_enc = models.TextField(_("联系电话（密文）"), blank=True, editable=False)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone_masked = models.CharField(_("联系电话"), max_length=20, blank=True, editable=False)
    bank_name = models.CharField(_("开户银行"), max_length=100, blank=True)
    bank_account_enc = models.TextField(_("银行账号（密文）"), blank=True, editable=False)
    bank_account_hash = models.CharField(max_length=64, blank=True, editable=False)
    bank_account_masked = models.CharField(_("银行账号"), max_length=40, blank=True,
                                           editable=False)
    # employment intention (就业意向明)
    wants_training = models.BooleanField(_("有培训意愿"), null=True, blank=True)
    training_wish = codes.code_field("training_kind", _("培训意向"))
    wants_work = models.BooleanField(_("有就业意愿"), null=True, blank=True)
    work_place_wish = codes.code_field("work_place", _("意向务工地点"))
    industry_wish = models.CharField(_("意向行业"), max_length=100, blank=True)
    expected_wage = models.PositiveIntegerField(_("期望月收入（元）"), null=True, blank=True)
    # employment status (就业状态清): derived from the five lists by employment/status.py,
    # never typed (DESIGN §2)
    employment_status = models.CharField(_("就业状态"), max_length=20, blank=True,
                                         choices=EmploymentStatus.choices, editable=False)
    work_place = codes.code_field("work_place", _("务工地点"), editable=False)
    employer = models.CharField(_("就业单位"), max_length=200, blank=True, editable=False)
    employed_since = models.DateField(_("连续就业起始"), null=True, blank=True, editable=False)
    stable_employed = models.BooleanField(_("稳定就业"), default=False, editable=False)
    status_conflict = models.CharField(_("就业记录冲突"), max_length=300, blank=True,
                                       editable=False)
    # registration completeness (基本信息准、就业意向明、就业状态清), kept by the services
    complete = models.BooleanField(_("登记完整"), default=False, editable=False)
    missing = models.CharField(_("缺项"), max_length=300, blank=True, editable=False)

    class Meta:
        verbose_name = _("家庭成员")
        verbose_name_plural = _("家庭成员")
        indexes = [
            models.Index(fields=["area_code", "id"]),
            models.Index(fields=["complete", "area_code"]),
            models.Index(fields=["employment_status", "area_code"]),
        ]

    def __str__(self):
        return self.name

    # --- protected values --------------------------------------------------------------
    def reveal(self, field: str) -> str:
        """The clear value of a protected field. Callers log the reveal (services)."""
        return crypto.decrypt(getattr(self, f"{field}_enc"))

    def set_protected(self, field: str, value: str) -> bool:
        """Store a protected value; returns whether it changed (no re-encryption if not,
        so that an unchanged value writes no history)."""
        value = value or ""
        digest = crypto.blind_index(value)
        if digest == getattr(self, f"{field}_hash") and (value or not
                                                         getattr(self, f"{field}_enc")):
            return False
        setattr(self, f"{field}_enc", crypto.encrypt(value))
        setattr(self, f"{field}_hash", digest)
        setattr(self, f"{field}_masked", PROTECTED[field](value))
        return True

    def age_on(self, day: datetime.date) -> int:
        b = self.birth_date
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))

    @property
    def age(self) -> int:
        return self.age_on(datetime.date.today())
