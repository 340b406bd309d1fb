"""Technology aid (科技扶贫 "三有", DESIGN §5): the county's consultation room (会诊室), the
villages' prescriptions (处方) and the households' technicians (药剂师).

Catalogue and people (catalog part):
- `Industry` — the catalogue of industries (茶叶, 核桃, …), added in pages; not scoped.
- `HouseholdIndustry` — a household's industry (registry data kept by this module: imported
  and edited like the rest); its area is the household's village.
- `Expert` — an expert of a county (its area): institution, title, specialities, industries,
  phone (personal data), optionally the user account (role expert) who answers as them.
- `ExpertGroup` + `GroupMember` — one group per industry and county: a chief expert and n
  members.
- `Technician` — an industry technician (产业技术员) of a township (its area), with a load
  limit, optionally a user account (role technician).

Consultations (consult part):
- `Consultation` — a problem raised for a household or a village, run by a workflow
  (待分诊 → 待答复 → 已答复 → 已解决 / 未解决 / 需面诊), with the thread (`Message`), photos
  (`Photo`) and on-site visits (`OnsiteVisit`); `TechaidPolicy` holds the time limits.

Prescriptions (prescriptions part):
- `Mission` + `MissionMember` — a poor village's mission (特派团): leader expert + technicians.
- `Prescription` + `Measure` — for one industry in one village: problems, diagnosis, measures.

Pairings (pairing part):
- `Pairing` — a technician paired with a household for an industry (1+n), with history.
- `ServiceVisit` + `MeasureResult` — a technician's visit to a paired household: which
  measures were carried out, when, with what result.

A village's poverty status (贫困村, identified and exit year) is area data: `areas.Area`.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from fupin.core import personal
from fupin.core.bounds import validate_date, validate_year
from fupin.core.files import private_storage
from fupin.core.models import AreaScopedModel
from fupin.core.roles import OFFICERS, Role
from fupin.core.workflows import Input, StateField, Transition, Workflow, WorkflowModel

# who keeps the catalogue, experts, groups, technicians, missions and pairings: the county's
# officers (the service centre) and the administrator
MANAGERS = frozenset({Role.ADMIN, Role.COUNTY_OFFICER})
# the village's information clerks (信息员) who raise consultations, and the officers
RAISERS = frozenset({Role.VILLAGE_WORKER, Role.TECHNICIAN}) | OFFICERS
ANSWERERS = frozenset({Role.EXPERT, Role.ADMIN, Role.COUNTY_OFFICER})


# --- catalogue and people -------------------------------------------------------------------------

class Industry(models.Model):
    """An industry of the catalogue (茶叶, 核桃, 绿色生态畜禽, 道地中药材, …). City-wide, kept by
    administrators and county officers; retired, never deleted."""

    name = models.CharField(_("产业名称"), max_length=50, unique=True)
    kind = models.CharField(_("类别"), max_length=20, blank=True)  # 种植 / 养殖 / …
    order = models.PositiveSmallIntegerField(_("排序"), default=100)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    retired_at = models.DateTimeField(_("停用时间"), null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("产业")
        verbose_name_plural = _("产业")

    def __str__(self):
        return self.name


class HouseholdIndustry(AreaScopedModel):
    """A household's industry. Its area is the household's village."""

    write_roles = frozenset({Role.VILLAGE_WORKER}) | OFFICERS

    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT,
                                  related_name="industries", verbose_name=_("贫困户"))
    industry = models.ForeignKey(Industry, on_delete=models.PROTECT, related_name="households",
                                 verbose_name=_("产业"))
    main = models.BooleanField(_("主导产业"), default=True)
    scale = models.CharField(_("规模"), max_length=100, blank=True)  # 茶园 5 亩, 生猪 20 头

    class Meta:
        verbose_name = _("贫困户产业")
        verbose_name_plural = _("贫困户产业")
        constraints = [models.UniqueConstraint(
            fields=["household", "industry"], condition=Q(retired_at__isnull=True),
            name="techaid_household_industry_once")]
        indexes = [models.Index(fields=["area_code", "industry"])]

    def __str__(self):
        return f"{self.household} · {self.industry}"


class Title(models.TextChoices):
    SENIOR = "senior", _("正高级")
    VICE_SENIOR = "vice_senior", _("副高级")
    MIDDLE = "middle", _("中级")
    JUNIOR = "junior", _("初级")
    OTHER = "other", _("其他")


class Expert(AreaScopedModel):
    """An expert serving a county (its area code, 6 digits)."""

    write_roles = MANAGERS
    personal_data = personal.PersonalData(protected={"phone": personal.PHONE})

    name = models.CharField(_("姓名"), max_length=50)
    institution = models.CharField(_("所在单位"), max_length=100)  # 科研院所, 农业局, …
    research_institute = models.BooleanField(_("科研院所专家"), default=False)
    title = models.CharField(_("职称"), max_length=12, choices=Title.choices, blank=True)
    specialities = models.CharField(_("专业特长"), max_length=200, blank=True)
    industries = models.ManyToManyField(Industry, blank=True, related_name="experts",
                                        verbose_name=_("服务产业"))
    phone_enc = models.TextField(_("联系电话（密文）"), blank=True, editable=False)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone_masked = models.CharField(_("联系电话"), max_length=20, blank=True, editable=False)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                blank=True, related_name="expert", verbose_name=_("用户账号"))

    class Meta:
        verbose_name = _("专家")
        verbose_name_plural = _("专家")
        indexes = [models.Index(fields=["area_code", "name"])]

    def __str__(self):
        return self.name


class ExpertGroup(AreaScopedModel):
    """产业行业专家服务组: one per industry and county (its area code, 6 digits)."""

    write_roles = MANAGERS

    name = models.CharField(_("专家组名称"), max_length=100)
    industry = models.ForeignKey(Industry, on_delete=models.PROTECT, related_name="groups",
                                 verbose_name=_("产业"))
    chief = models.ForeignKey(Expert, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="chief_of", verbose_name=_("首席专家"))

    class Meta:
        verbose_name = _("专家服务组")
        verbose_name_plural = _("专家服务组")
        constraints = [models.UniqueConstraint(
            fields=["area_code", "industry"], condition=Q(retired_at__isnull=True),
            name="techaid_one_group_per_industry")]

    def __str__(self):
        return self.name


class GroupMember(models.Model):
    """An expert's membership of a group (the chief is also a member). Kept with the group;
    left, never deleted."""

    group = models.ForeignKey(ExpertGroup, on_delete=models.PROTECT, related_name="members",
                              verbose_name=_("专家服务组"))
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="memberships",
                               verbose_name=_("专家"))
    joined_on = models.DateField(_("加入日期"), default=timezone.localdate,
                                 validators=[validate_date])
    left_on = models.DateField(_("退出日期"), null=True, blank=True, validators=[validate_date])
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("专家组成员")
        verbose_name_plural = _("专家组成员")
        constraints = [models.UniqueConstraint(
            fields=["group", "expert"], condition=Q(left_on__isnull=True),
            name="techaid_member_once")]

    def __str__(self):
        return f"{self.group} · {self.expert}"


class Technician(AreaScopedModel):
    """An industry technician (产业技术员, the households' 药剂师) of a township (its area code,
    9 digits) or a village."""

    write_roles = MANAGERS
    personal_data = personal.PersonalData(protected={"phone": personal.PHONE})

    name = models.CharField(_("姓名"), max_length=50)
    organisation = models.CharField(_("所在单位"), max_length=100, blank=True)
    industries = models.ManyToManyField(Industry, blank=True, related_name="technicians",
                                        verbose_name=_("服务产业"))
    # households at most; empty: the policy's default (TechaidPolicy.load_limit)
    load_limit = models.PositiveSmallIntegerField(
        _("服务户数上限"), null=True, blank=True, validators=[MinValueValidator(1),
                                                        MaxValueValidator(500)])
    phone_enc = models.TextField(_("联系电话（密文）"), blank=True, editable=False)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone_masked = models.CharField(_("联系电话"), max_length=20, blank=True, editable=False)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                blank=True, related_name="technician",
                                verbose_name=_("用户账号"))

    class Meta:
        verbose_name = _("产业技术员")
        verbose_name_plural = _("产业技术员")
        indexes = [models.Index(fields=["area_code", "name"])]

    def __str__(self):
        return self.name


# --- consultations --------------------------------------------------------------------------------

class TechaidPolicy(models.Model):
    """The settings of technology aid: one row (pk 1), changed by an administrator, with
    history: the time limits of consultations and the technicians' default load."""

    first_answer_hours_normal = models.PositiveSmallIntegerField(
        _("普通问题首次答复时限（小时）"), default=24,
        validators=[MinValueValidator(1), MaxValueValidator(720)])
    first_answer_hours_urgent = models.PositiveSmallIntegerField(
        _("紧急问题首次答复时限（小时）"), default=12,
        validators=[MinValueValidator(1), MaxValueValidator(720)])
    first_answer_hours_critical = models.PositiveSmallIntegerField(
        _("特急问题首次答复时限（小时）"), default=4,
        validators=[MinValueValidator(1), MaxValueValidator(720)])
    solve_days = models.PositiveSmallIntegerField(
        _("解决时限（天）"), default=7, validators=[MinValueValidator(1), MaxValueValidator(365)])
    # route a new consultation at once to its industry's group in the county ("the rule")
    auto_route = models.BooleanField(_("按产业自动分派到专家组"), default=False)
    load_limit = models.PositiveSmallIntegerField(
        _("技术员默认服务户数上限"), default=30,
        validators=[MinValueValidator(1), MaxValueValidator(500)])

    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("科技扶贫设置")
        verbose_name_plural = _("科技扶贫设置")

    def __str__(self):
        return str(_("科技扶贫设置"))


class Urgency(models.TextChoices):
    NORMAL = "normal", _("普通")
    URGENT = "urgent", _("紧急")
    CRITICAL = "critical", _("特急")


RATING_CHOICES = tuple((str(n), str(n)) for n in range(1, 6))


def _consult():
    from . import consultations

    return consultations


class Consultation(WorkflowModel, AreaScopedModel):
    """A technical problem (会诊), raised for a household or a village. Its area is the
    village. Guards and effects of the workflow are in consultations.py."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待分诊")
        AWAITING = "awaiting", _("待答复")
        ANSWERED = "answered", _("已答复")
        SOLVED = "solved", _("已解决")
        UNSOLVED = "unsolved", _("未解决")
        ONSITE = "onsite", _("需面诊")

    class Outcome(models.TextChoices):
        ONLINE = "online", _("线上答复")
        ONSITE = "onsite", _("现场面诊")

    # the raisers correct the problem; experts answer through the workflow's steps only
    write_roles = RAISERS

    number = models.CharField(_("编号"), max_length=20, unique=True, editable=False)
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, null=True,
                                  blank=True, related_name="consultations",
                                  verbose_name=_("贫困户"))
    industry = models.ForeignKey(Industry, on_delete=models.PROTECT,
                                 related_name="consultations", verbose_name=_("产业"))
    title = models.CharField(_("问题"), max_length=100)
    description = models.TextField(_("症状描述"))
    urgency = models.CharField(_("紧急程度"), max_length=10, choices=Urgency.choices,
                               default=Urgency.NORMAL)
    raised_at = models.DateTimeField(_("提出时间"), default=timezone.now, editable=False)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="+", editable=False,
                                  verbose_name=_("提出人"))
    status = StateField(Status, default=Status.PENDING)
    # routing: a group, and optionally one expert of it
    group = models.ForeignKey(ExpertGroup, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="consultations", editable=False,
                              verbose_name=_("专家服务组"))
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="consultations", editable=False,
                               verbose_name=_("负责专家"))
    routed_at = models.DateTimeField(_("分诊时间"), null=True, blank=True, editable=False)
    # the limits, set when it is raised from the policy and the urgency
    answer_due_at = models.DateTimeField(_("应答复时间"), null=True, blank=True, editable=False)
    solve_due_at = models.DateTimeField(_("应解决时间"), null=True, blank=True, editable=False)
    # the answer
    first_answer_at = models.DateTimeField(_("首次答复时间"), null=True, blank=True,
                                           editable=False)
    answered_by = models.ForeignKey(Expert, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", editable=False,
                                    verbose_name=_("答复专家"))
    diagnosis = models.TextField(_("诊断"), blank=True, editable=False)
    advice = models.TextField(_("技术建议"), blank=True, editable=False)
    outcome = models.CharField(_("答复方式"), max_length=10, choices=Outcome.choices,
                               blank=True, editable=False)
    # the raiser's confirmation
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True, editable=False)
    rating = models.PositiveSmallIntegerField(
        _("评分"), null=True, blank=True, editable=False,
        validators=[MinValueValidator(1), MaxValueValidator(5)])
    # the nightly routine tells the chief expert once
    overdue_notified = models.BooleanField(_("已提醒超时"), default=False, editable=False)

    workflow = Workflow(
        Transition("route", _("分诊"), source=[Status.PENDING], target=Status.AWAITING,
                   roles=MANAGERS,
                   guards=[lambda c, actor: _consult().guard_route(c, actor)],
                   apply=lambda c, actor, payload: _consult().apply_route(c, actor, payload),
                   notify=[lambda c, event, actor: _consult().notify_routed(c, event, actor)],
                   inputs=[Input("group", _("专家服务组"), kind="number", required=True),
                           Input("expert", _("负责专家"), kind="number")]),
        # only experts answer: the diagnosis is theirs, and `answered_by` is the Expert
        # linked to the user (a county officer routes, and may refer on site)
        Transition("answer", _("答复"), source=[Status.AWAITING], target=Status.ANSWERED,
                   roles=frozenset({Role.EXPERT}), style="success",
                   guards=[lambda c, actor: _consult().guard_answer(c, actor)],
                   apply=lambda c, actor, payload: _consult().apply_answer(c, actor, payload),
                   notify=[lambda c, event, actor: _consult().notify_raiser(c, event, actor)],
                   inputs=[Input("diagnosis", _("诊断"), required=True),
                           Input("advice", _("技术建议"), required=True)]),
        Transition("refer_onsite", _("需面诊"), source=[Status.AWAITING, Status.ANSWERED],
                   target=Status.ONSITE, roles=ANSWERERS, style="secondary",
                   guards=[lambda c, actor: _consult().guard_onsite(c, actor)],
                   apply=lambda c, actor, payload: _consult().apply_onsite(c, actor, payload),
                   notify=[lambda c, event, actor: _consult().notify_raiser(c, event, actor)],
                   inputs=[Input("diagnosis", _("初步诊断")),
                           Input("planned_on", _("面诊日期"), kind="date", required=True),
                           Input("onsite_expert", _("面诊专家"), kind="number"),
                           Input("onsite_technician", _("面诊技术员"), kind="number")]),
        Transition("solved", _("确认已解决"), source=[Status.ANSWERED, Status.ONSITE],
                   target=Status.SOLVED, roles=RAISERS, style="success",
                   guards=[lambda c, actor: _consult().guard_confirm(c, actor)],
                   apply=lambda c, actor, payload: _consult().apply_close(c, actor, payload),
                   inputs=[Input("rating", _("评分（1–5）"), kind="choice", required=True,
                                 choices=RATING_CHOICES)]),
        Transition("unsolved", _("未解决"), source=[Status.ANSWERED, Status.ONSITE],
                   target=Status.UNSOLVED, roles=RAISERS, reason_required=True,
                   style="secondary",
                   guards=[lambda c, actor: _consult().guard_confirm(c, actor)],
                   apply=lambda c, actor, payload: _consult().apply_close(c, actor, payload),
                   notify=[lambda c, event, actor: _consult().notify_chief(c, event, actor)],
                   inputs=[Input("rating", _("评分（1–5）"), kind="choice", required=True,
                                 choices=RATING_CHOICES)]),
    )

    class Meta:
        verbose_name = _("会诊")
        verbose_name_plural = _("会诊")
        indexes = [models.Index(fields=["area_code", "status"]),
                   models.Index(fields=["status", "raised_at"]),
                   models.Index(fields=["raised_at"])]

    def __str__(self):
        return f"{self.number} {self.title}"

    @property
    def overdue(self) -> bool:
        """Not answered by answer_due_at, or not closed by solve_due_at (consultations.py)."""
        return _consult().is_overdue(self)

    @property
    def overdue_label(self) -> str:
        return str(_("超时")) if self.overdue else ""


class Message(models.Model):
    """One post in a consultation's thread (the raiser, the experts). Kept, never deleted."""

    consultation = models.ForeignKey(Consultation, on_delete=models.PROTECT,
                                     related_name="messages", verbose_name=_("会诊"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("发言人"))
    text = models.TextField(_("内容"))
    posted_at = models.DateTimeField(_("时间"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["posted_at", "id"]
        verbose_name = _("会诊留言")
        verbose_name_plural = _("会诊留言")

    def __str__(self):
        return f"{self.consultation} · {self.posted_at:%Y-%m-%d %H:%M}"


class Photo(models.Model):
    """A photo of a consultation (with the problem, or in a message): checked by content,
    resized, without location data, sealed at rest, served only to users in scope."""

    consultation = models.ForeignKey(Consultation, on_delete=models.PROTECT,
                                     related_name="photos", verbose_name=_("会诊"))
    message = models.ForeignKey(Message, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="photos", verbose_name=_("留言"))
    image = models.FileField(_("照片"), storage=private_storage, upload_to="techaid/")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("上传人"))
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("会诊照片")
        verbose_name_plural = _("会诊照片")

    def __str__(self):
        return f"{self.consultation} · {self.pk}"


class OnsiteVisit(AreaScopedModel):
    """An on-site visit (面诊) a consultation needs: a task for an expert or a technician with
    a date. Its area is the consultation's village."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("待面诊")
        DONE = "done", _("已面诊")

    write_roles = ANSWERERS | frozenset({Role.TECHNICIAN})

    consultation = models.ForeignKey(Consultation, on_delete=models.PROTECT,
                                     related_name="onsite_visits", verbose_name=_("会诊"))
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="onsite_visits", verbose_name=_("面诊专家"))
    technician = models.ForeignKey(Technician, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="onsite_visits", verbose_name=_("面诊技术员"))
    planned_on = models.DateField(_("面诊日期"), validators=[validate_date])
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices,
                              default=Status.PLANNED)
    done_on = models.DateField(_("完成日期"), null=True, blank=True, validators=[validate_date])
    findings = models.TextField(_("面诊情况"), blank=True)

    class Meta:
        verbose_name = _("面诊任务")
        verbose_name_plural = _("面诊任务")
        indexes = [models.Index(fields=["area_code", "status", "planned_on"])]

    def __str__(self):
        return f"{self.consultation} · {self.planned_on}"


# --- missions and prescriptions -------------------------------------------------------------------

class Mission(AreaScopedModel):
    """A poor village's technology mission (科技扶贫特派团): a research-institute expert as
    leader and n industry technicians. Its area is the village (12 digits)."""

    write_roles = MANAGERS

    name = models.CharField(_("特派团名称"), max_length=100)
    leader = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="missions_led",
                               verbose_name=_("团长"))
    formed_on = models.DateField(_("组建日期"), validators=[validate_date])

    class Meta:
        verbose_name = _("科技扶贫特派团")
        verbose_name_plural = _("科技扶贫特派团")
        constraints = [models.UniqueConstraint(
            fields=["area_code"], condition=Q(retired_at__isnull=True),
            name="techaid_one_mission_per_village")]

    def __str__(self):
        return self.name


class MissionMember(models.Model):
    """A technician of a mission, for an industry. Left, never deleted."""

    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="members",
                                verbose_name=_("特派团"))
    technician = models.ForeignKey(Technician, on_delete=models.PROTECT,
                                   related_name="missions", verbose_name=_("技术员"))
    industry = models.ForeignKey(Industry, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("产业"))
    joined_on = models.DateField(_("加入日期"), default=timezone.localdate,
                                 validators=[validate_date])
    left_on = models.DateField(_("退出日期"), null=True, blank=True, validators=[validate_date])
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("特派团成员")
        verbose_name_plural = _("特派团成员")

    def __str__(self):
        return f"{self.mission} · {self.technician}"


def _prescriptions():
    from . import prescriptions

    return prescriptions


class Prescription(WorkflowModel, AreaScopedModel):
    """A prescription (处方) for one industry in one village (its area), issued by the
    village's mission and signed by its leader."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        ISSUED = "issued", _("已签发")

    write_roles = MANAGERS | frozenset({Role.EXPERT})

    number = models.CharField(_("处方编号"), max_length=30, unique=True, editable=False)
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT,
                                related_name="prescriptions", verbose_name=_("特派团"))
    industry = models.ForeignKey(Industry, on_delete=models.PROTECT,
                                 related_name="prescriptions", verbose_name=_("产业"))
    year = models.PositiveSmallIntegerField(_("年度"), validators=[validate_year])
    problems = models.TextField(_("症状 / 问题"))
    diagnosis = models.TextField(_("诊断"))
    status = StateField(Status, default=Status.DRAFT)
    issued_on = models.DateField(_("签发日期"), null=True, blank=True, editable=False)
    signed_by = models.ForeignKey(Expert, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", editable=False, verbose_name=_("签发人"))

    workflow = Workflow(
        Transition("issue", _("签发"), source=[Status.DRAFT], target=Status.ISSUED,
                   roles=frozenset({Role.EXPERT, Role.ADMIN, Role.COUNTY_OFFICER}),
                   style="success",
                   guards=[lambda p, actor: _prescriptions().guard_issue(p, actor)],
                   apply=lambda p, actor, payload: _prescriptions().apply_issue(p, actor,
                                                                               payload)),
    )

    class Meta:
        verbose_name = _("处方")
        verbose_name_plural = _("处方")
        indexes = [models.Index(fields=["area_code", "industry", "status"])]

    def __str__(self):
        return f"{self.number} {self.industry}"


class Measure(models.Model):
    """One technical measure of a prescription, in order."""

    prescription = models.ForeignKey(Prescription, on_delete=models.PROTECT,
                                     related_name="measures", verbose_name=_("处方"))
    order = models.PositiveSmallIntegerField(_("序号"), default=1)
    name = models.CharField(_("技术措施"), max_length=200)
    timing = models.CharField(_("时间 / 时节"), max_length=100, blank=True)
    inputs = models.CharField(_("投入品及用量"), max_length=300, blank=True)
    expected_effect = models.CharField(_("预期效果"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["prescription", "order", "id"]
        verbose_name = _("技术措施")
        verbose_name_plural = _("技术措施")

    def __str__(self):
        return self.name


# --- pairings and service visits ------------------------------------------------------------------

class Pairing(AreaScopedModel):
    """A technician paired with a poor household for an industry (1+n). Its area is the
    household's village. Ended (`ended_on`), never deleted; the history keeps every change."""

    write_roles = MANAGERS | frozenset({Role.TOWNSHIP_OFFICER})

    technician = models.ForeignKey(Technician, on_delete=models.PROTECT,
                                   related_name="pairings", verbose_name=_("技术员"))
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT,
                                  related_name="pairings", verbose_name=_("贫困户"))
    industry = models.ForeignKey(Industry, on_delete=models.PROTECT, related_name="pairings",
                                 verbose_name=_("产业"))
    started_on = models.DateField(_("结对日期"), validators=[validate_date])
    ended_on = models.DateField(_("结束日期"), null=True, blank=True, validators=[validate_date])
    note = models.CharField(_("说明"), max_length=200, blank=True)  # why (the proposal's reason)

    class Meta:
        verbose_name = _("技术员结对")
        verbose_name_plural = _("技术员结对")
        constraints = [models.UniqueConstraint(
            fields=["household", "industry"],
            condition=Q(retired_at__isnull=True, ended_on__isnull=True),
            name="techaid_one_technician_per_household_industry")]
        indexes = [models.Index(fields=["technician", "ended_on"]),
                   models.Index(fields=["area_code", "industry"])]

    def __str__(self):
        return f"{self.technician} · {self.household}"


class ServiceVisit(AreaScopedModel):
    """A technician's visit to a paired household. Its area is the household's village."""

    write_roles = frozenset({Role.TECHNICIAN}) | OFFICERS

    technician = models.ForeignKey(Technician, on_delete=models.PROTECT,
                                   related_name="service_visits", verbose_name=_("技术员"))
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT,
                                  related_name="service_visits", verbose_name=_("贫困户"))
    visited_on = models.DateField(_("服务日期"), validators=[validate_date])
    notes = models.TextField(_("服务情况"), blank=True)
    photo = models.FileField(_("照片"), storage=private_storage, upload_to="techaid/visits/",
                             blank=True, editable=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+", editable=False,
                                    verbose_name=_("录入人"))

    class Meta:
        verbose_name = _("技术服务记录")
        verbose_name_plural = _("技术服务记录")
        indexes = [models.Index(fields=["area_code", "visited_on"]),
                   models.Index(fields=["technician", "visited_on"])]

    def __str__(self):
        return f"{self.household} · {self.visited_on}"


class Adoption(models.TextChoices):
    ADOPTED = "adopted", _("已采用")
    PARTLY = "partly", _("部分采用")
    NOT = "not", _("未采用")


class MeasureResult(models.Model):
    """What became of one prescription measure at a household, recorded at a service visit."""

    visit = models.ForeignKey(ServiceVisit, on_delete=models.PROTECT, related_name="results",
                              verbose_name=_("技术服务记录"))
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="results",
                                verbose_name=_("技术措施"))
    carried_out_on = models.DateField(_("实施日期"), null=True, blank=True,
                                      validators=[validate_date])
    adoption = models.CharField(_("采用情况"), max_length=10, choices=Adoption.choices)
    effect = models.CharField(_("产量 / 效果"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("措施落实情况")
        verbose_name_plural = _("措施落实情况")
        constraints = [models.UniqueConstraint(fields=["visit", "measure"],
                                               name="techaid_result_once")]

    def __str__(self):
        return f"{self.measure} · {self.get_adoption_display()}"
