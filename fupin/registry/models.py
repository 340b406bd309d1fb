"""The registry 一库 (DESIGN §2): poor households and their members."""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fupin.core import codes, crypto, personal
from fupin.core.bounds import validate_date, validate_year
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
    hamlet = models.CharField(_("自然村"), max_length=100, blank=True)
    # what the national poverty information system says of the household (DESIGN §2): its
    # size and income as of the latest national file that listed it
    national_size = models.PositiveSmallIntegerField(_("人数（国办系统）"), null=True, blank=True)
    income_per_capita = models.DecimalField(_("人均纯收入（元）"), max_digits=12, decimal_places=2,
                                            null=True, blank=True)
    national_reported_on = models.DateField(_("国办系统数据日期"), null=True, blank=True,
                                            validators=[validate_date],
                                            editable=False)

    class Meta:
        verbose_name = _("贫困户")
        verbose_name_plural = _("贫困户")
        indexes = [models.Index(fields=["area_code", "id"])]

    def __str__(self):
        head = self.head.name if self.head_id and self.head else ""
        return f"{head}户（{self.number}）" if head else str(self.number)


# The protected fields of a person (field → kind): each is stored encrypted (…_enc), with a
# keyed hash (…_hash) for exact lookup and uniqueness and the staff mask (…_masked). Who sees
# what of them is core/personal.py's business.
PROTECTED = {
    "id_number": personal.ID_NUMBER,
    "phone": personal.PHONE,
    "bank_account": personal.BANK_ACCOUNT,
}


class Person(AreaScopedModel):
    # DESIGN §1: the birth date comes from the ID number, so it is personal data too
    personal_data = personal.PersonalData(protected=PROTECTED, birth_date="birth_date")

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
    ethnicity = codes.code_field("ethnicity", _("民族"))
    # the national system's person number (人编号, 人口编号 in the monitoring system)
    national_number = models.CharField(_("人编号（国办系统）"), max_length=30, blank=True,
                                       db_index=True)
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
            # the registrations still to complete (登记待完善): the workbench's count reads
            # only this small index (benchmarks/README.md §6)
            models.Index(fields=["area_code"], name="registry_person_incomplete",
                         condition=Q(complete=False, retired_at__isnull=True)),
            models.Index(fields=["employment_status", "area_code"]),
            # a household's active members, counted from the index alone: the national
            # comparison counts them per head (reconciliation.conditions, size_differs)
            models.Index(fields=["household"], name="registry_person_active_member",
                         condition=Q(retired_at__isnull=True)),
        ]

    def __str__(self):
        return self.name

    # --- protected values --------------------------------------------------------------
    def reveal(self, field: str) -> str:
        """The clear value of a protected field. People get clear values only through
        core/personal.py (a logged reveal, a logged export)."""
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
        setattr(self, f"{field}_masked", personal.stored_mask(PROTECTED[field], value))
        return True

    def age_on(self, day: datetime.date) -> int:
        b = self.birth_date
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))

    @property
    def age(self) -> int:
        return self.age_on(datetime.date.today())


class NationalReport(AreaScopedModel):
    """What the national poverty information system (全国扶贫开发信息系统, later 防返贫监测信息系统)
    reports about one person's work, as of its file's date (DESIGN §2). It stands beside the
    status the five lists derive (Person.employment_status) and never overwrites it: the two
    are compared by the reconciliation list (registry/reconciliation.py).

    One current report per person, replaced by each newer national file (its history keeps
    the earlier ones). A village worker who finds the report stale marks it outdated; the
    person then leaves the reconciliation list until a file reports something else."""

    person = models.OneToOneField(Person, on_delete=models.PROTECT,
                                  related_name="national_report", verbose_name=_("人员"))
    reported_on = models.DateField(_("报告日期"), validators=[validate_date])
    # False: the file covered the person's household and did not list the person
    listed = models.BooleanField(_("系统中有此人"), default=True)
    work_status = codes.code_field("work_status", _("务工状况"))
    work_months = models.PositiveSmallIntegerField(_("务工时间（月）"), null=True, blank=True)
    work_location = models.CharField(_("务工所在地"), max_length=200, blank=True)
    employer_name = models.CharField(_("务工企业名称"), max_length=200, blank=True)
    post_kind = models.CharField(_("公益性岗位类型"), max_length=100, blank=True)
    post_months = models.PositiveSmallIntegerField(_("公益性岗位(月数)"), null=True, blank=True)
    job_channel = models.CharField(_("就业渠道"), max_length=100, blank=True)
    # what the report says in one word, derived when it is written: working (务工 or a
    # public-welfare post), not working, or unknown (None: the file says nothing about work)
    working = models.BooleanField(_("系统显示在岗"), null=True, blank=True, editable=False)
    outdated_at = models.DateTimeField(_("标记过时时间"), null=True, blank=True, editable=False)
    outdated_reason = models.CharField(_("过时说明"), max_length=200, blank=True, editable=False)

    # the report's content: a file that says the same changes nothing (DESIGN §7)
    CONTENT = ("listed", "work_status", "work_months", "work_location", "employer_name",
               "post_kind", "post_months", "job_channel")

    class Meta:
        verbose_name = _("国办系统报告")
        verbose_name_plural = _("国办系统报告")
        indexes = [models.Index(fields=["area_code", "id"]),
                   models.Index(fields=["working", "area_code"])]

    def __str__(self):
        return f"{self.person} · {self.reported_on:%Y-%m-%d}"

    @property
    def summary(self) -> str:
        """The report in words, as the list shows it."""
        parts = []
        if not self.listed:
            return str(_("系统中没有此人"))
        if self.work_status:
            parts.append(self.get_work_status_display())
        if self.work_months:
            parts.append(str(_("务工 %(n)s 个月") % {"n": self.work_months}))
        if self.work_location:
            parts.append(self.work_location)
        if self.employer_name:
            parts.append(self.employer_name)
        if self.post_kind or self.post_months:
            parts.append(str(_("公益性岗位")) + (f"·{self.post_kind}" if self.post_kind else ""))
        return "，".join(parts) or str(_("未报告务工情况"))
