"""Follow-up visits (回访, DESIGN §2): every labourer's visit plan, derived from the records;
the visits village workers record (on a phone, offline too); the needs they raise.

- `VisitPolicy` — the one row of settings an administrator changes on a page (intervals, the
  employment-difficulty rules, weights, reminder thresholds), with history.
- `VisitPlan` — one per labourer, never typed: category (定期 / 需求 / 重点), why, interval, last
  visit and next due date. Kept by `plans.py` in the writer's transaction (core/listeners.py)
  and moved with the calendar by the nightly routine.
- `Visit` — one visit: method, date, what was found, the changes made on the spot through the
  five lists' services (recorded as a summary), an optional photo; `client_key` makes an
  offline retry idempotent.
- `Need` — a need raised at a visit, on the township's needs list, run by a workflow
  (提出 → 已受理 → 已解决 / 无法解决) and linked to the record that met it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from fupin.core.bounds import validate_date
from fupin.core.files import private_storage
from fupin.core.models import AreaScopedModel
from fupin.core.roles import OFFICERS, STAFF_ROLES
from fupin.core.workflows import Input, StateField, Transition, Workflow, WorkflowModel


class Category(models.TextChoices):
    REGULAR = "regular", _("定期回访")
    NEEDS = "needs", _("需求回访")
    KEY = "key", _("重点回访")


class Reason(models.TextChoices):
    """Why a labourer is in their category (the first rule that holds, in this order)."""
    # 重点回访: employment difficulty (就业困难), by the policy's rules
    ZERO_HOUSEHOLD = "zero_household", _("零就业家庭的未就业劳动力")
    DISABLED_ILL = "disabled_ill", _("残疾或患长期慢性病的未就业劳动力")
    LONG_UNEMPLOYED = "long_unemployed", _("连续未就业达到规定月数")
    AGE = "age", _("大龄未就业劳动力（女40岁、男50岁以上）")
    # 需求回访
    VENTURE = "venture", _("自主创业")
    # 定期回访
    EMPLOYED = "employed", _("转移就业")
    WELFARE_POST = "welfare_post", _("公益性岗位安置")
    UNEMPLOYED = "unemployed", _("未就业劳动力")


class VisitPolicy(models.Model):
    """The settings of follow-up visits: one row (pk 1), changed by an administrator on the
    settings page, with history. `plans.py` reads it through `rules.policy()`."""

    regular_days = models.PositiveSmallIntegerField(
        _("定期回访间隔（天）"), default=90, validators=[MinValueValidator(1),
                                                 MaxValueValidator(366)])
    needs_days = models.PositiveSmallIntegerField(
        _("需求回访间隔（天）"), default=60, validators=[MinValueValidator(1),
                                                 MaxValueValidator(366)])
    key_days = models.PositiveSmallIntegerField(
        _("重点回访间隔（天）"), default=30, validators=[MinValueValidator(1),
                                                 MaxValueValidator(366)])
    unemployed_days = models.PositiveSmallIntegerField(
        _("未就业劳动力回访间隔（天）"), default=60, validators=[MinValueValidator(1),
                                                     MaxValueValidator(366)])
    # the employment-difficulty (就业困难) rules
    rule_zero_household = models.BooleanField(_("零就业家庭的未就业劳动力为就业困难"), default=True)
    rule_disabled_ill = models.BooleanField(_("残疾或长期慢性病的未就业劳动力为就业困难"),
                                            default=True)
    unemployed_months = models.PositiveSmallIntegerField(
        _("连续未就业月数（0 为不适用）"), default=6, validators=[MaxValueValidator(120)])
    women_age = models.PositiveSmallIntegerField(
        _("未就业女性年龄下限（0 为不适用）"), default=40, validators=[MaxValueValidator(100)])
    men_age = models.PositiveSmallIntegerField(
        _("未就业男性年龄下限（0 为不适用）"), default=50, validators=[MaxValueValidator(100)])
    # the working list's urgency: overdue days × the category's weight
    regular_weight = models.PositiveSmallIntegerField(_("定期回访权重"), default=1)
    needs_weight = models.PositiveSmallIntegerField(_("需求回访权重"), default=2)
    key_weight = models.PositiveSmallIntegerField(_("重点回访权重"), default=3)
    # reminders (the nightly routine)
    key_reminder_days = models.PositiveSmallIntegerField(
        _("重点回访提前提醒（天）"), default=3, validators=[MaxValueValidator(30)])
    on_time_threshold = models.PositiveSmallIntegerField(
        _("按时回访率提醒线（%）"), default=80, validators=[MaxValueValidator(100)])

    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("回访设置")
        verbose_name_plural = _("回访设置")

    def __str__(self):
        return str(_("回访设置"))


class VisitPlan(AreaScopedModel):
    """A labourer's visit plan, derived (never typed): written only by `plans.py`. Its area
    is the person's village."""

    scope_field = "area_code"
    write_roles = frozenset()  # derived: nobody writes a plan by hand

    person = models.OneToOneField("registry.Person", on_delete=models.PROTECT,
                                  related_name="visit_plan", verbose_name=_("劳动力"))
    category = models.CharField(_("回访类别"), max_length=10, choices=Category.choices)
    reason = models.CharField(_("类别原因"), max_length=20, choices=Reason.choices)
    interval_days = models.PositiveSmallIntegerField(_("回访间隔（天）"))
    since = models.DateField(_("进入本类别日期"), validators=[validate_date])
    last_visit_on = models.DateField(_("上次回访日期"), null=True, blank=True,
                                     validators=[validate_date])
    due_on = models.DateField(_("下次应回访日期"), validators=[validate_date])
    # reminders already sent (so that the nightly routine tells each one once)
    overdue_notified_for = models.DateField(_("已提醒逾期的应访日期"), null=True, blank=True,
                                            editable=False)
    reminded_for = models.DateField(_("已提前提醒的应访日期"), null=True, blank=True,
                                    editable=False)

    class Meta:
        verbose_name = _("回访计划")
        verbose_name_plural = _("回访计划")
        indexes = [
            # the working lists and the per-area tables: active plans by area and due date
            models.Index(fields=["area_code", "due_on"], name="followups_plan_due",
                         condition=Q(retired_at__isnull=True)),
            models.Index(fields=["due_on"]),
        ]

    def __str__(self):
        return f"{self.person} · {self.get_category_display()}"


class Method(models.TextChoices):
    HOME = "home", _("入户")
    PHONE = "phone", _("电话")
    WECHAT = "wechat", _("微信")
    OTHER = "other", _("其他")


class Visit(AreaScopedModel):
    """One follow-up visit. Its area is the person's village at the time of the visit."""

    write_roles = STAFF_ROLES

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT,
                               related_name="visits", verbose_name=_("劳动力"))
    visited_on = models.DateField(_("回访日期"), validators=[validate_date])
    method = models.CharField(_("回访方式"), max_length=10, choices=Method.choices)
    findings = models.TextField(_("回访情况"), blank=True)
    visitor = models.CharField(_("回访人"), max_length=50, blank=True)
    # the plan as it stood when the visit was recorded: on time = visited by the due date
    category = models.CharField(_("回访类别"), max_length=10, choices=Category.choices,
                                blank=True, editable=False)
    due_on = models.DateField(_("应回访日期"), null=True, blank=True, editable=False)
    on_time = models.BooleanField(_("按时回访"), default=True, editable=False)
    # what was changed on the spot through the five lists' services: a list of
    # {"action": ..., "label": "...", "model": "employment.employment", "id": 12}
    changes = models.JSONField(_("现场更新"), default=list, blank=True, editable=False)
    photo = models.FileField(_("照片"), storage=private_storage, upload_to="followups/",
                             blank=True, editable=False)
    # the phone's key for this visit: a retry (offline sync) never records it twice
    client_key = models.UUIDField(_("客户端编号"), null=True, blank=True, unique=True,
                                  editable=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+", editable=False,
                                    verbose_name=_("录入人"))

    class Meta:
        verbose_name = _("回访记录")
        verbose_name_plural = _("回访记录")
        indexes = [models.Index(fields=["area_code", "visited_on"]),
                   models.Index(fields=["person", "visited_on"])]

    def __str__(self):
        return f"{self.person} · {self.visited_on}"


def _needs():
    from . import needs

    return needs


class NeedKind(models.TextChoices):
    FUNDS = "funds", _("资金")
    TECHNOLOGY = "technology", _("技术")
    MARKET = "market", _("市场")
    LAND = "land", _("用地")
    LABOUR = "labour", _("用工")
    TRAINING = "training", _("培训")
    JOB = "job", _("岗位")
    OTHER = "other", _("其他")


class MetBy(models.TextChoices):
    ENROLMENT = "enrolment", _("培训报名")
    JOB = "job", _("岗位介绍")
    LOAN = "loan", _("贷款")
    TECHNICIAN = "technician", _("技术员上门")
    OTHER = "other", _("其他")


class Need(WorkflowModel, AreaScopedModel):
    """A need raised at a visit (or by hand), on the township's needs list. Its area is the
    person's village. The transitions are declared in `workflow` (see needs.py for guards
    and effects)."""

    class Status(models.TextChoices):
        RAISED = "raised", _("提出")
        ACCEPTED = "accepted", _("已受理")
        MET = "met", _("已解决")
        UNMET = "unmet", _("无法解决")

    write_roles = STAFF_ROLES

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT,
                               related_name="needs", verbose_name=_("劳动力"))
    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="needs", verbose_name=_("回访记录"))
    kind = models.CharField(_("需求类型"), max_length=12, choices=NeedKind.choices)
    note = models.CharField(_("需求说明"), max_length=300, blank=True)
    raised_on = models.DateField(_("提出日期"), validators=[validate_date])
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="+", editable=False,
                                  verbose_name=_("提出人"))
    status = StateField(Status, default=Status.RAISED)
    # how it was met (or why not), set by the closing step
    met_by = models.CharField(_("解决方式"), max_length=12, choices=MetBy.choices, blank=True,
                              editable=False)
    resolution = models.CharField(_("办理情况"), max_length=300, blank=True, editable=False)
    closed_on = models.DateField(_("办结日期"), null=True, blank=True, editable=False)
    # the record that met it ("training.enrolment", "employment.employment",
    # "employment.venture", "employment.placement") and its id
    met_record_type = models.CharField(_("关联记录类型"), max_length=40, blank=True,
                                       editable=False)
    met_record_id = models.PositiveIntegerField(_("关联记录编号"), null=True, blank=True,
                                                editable=False)

    # the township's officers (and those above) take the steps; the effects (which record met
    # it, the raiser told) are in needs.py
    workflow = Workflow(
        Transition("accept", _("受理"), source=[Status.RAISED], target=Status.ACCEPTED,
                   roles=OFFICERS),
        Transition("meet", _("已解决"), source=[Status.RAISED, Status.ACCEPTED],
                   target=Status.MET, roles=OFFICERS, style="success",
                   apply=lambda need, actor, payload: _needs().need_meet(need, actor, payload),
                   notify=[lambda need, event, actor: _needs().notify_raiser(need, event,
                                                                             actor)],
                   inputs=[Input("met_by", _("解决方式"), kind="choice",
                                 choices=tuple(MetBy.choices), required=True),
                           Input("resolution", _("办理情况")),
                           Input("met_record_type", _("关联记录类型"), kind="choice",
                                 choices=(("training.enrolment", _("参训记录")),
                                          ("employment.employment", _("转移就业")),
                                          ("employment.venture", _("自主创业")),
                                          ("employment.placement", _("岗位安置")))),
                           Input("met_record_id", _("关联记录编号"), kind="number")]),
        Transition("fail", _("无法解决"), source=[Status.RAISED, Status.ACCEPTED],
                   target=Status.UNMET, roles=OFFICERS, reason_required=True,
                   style="secondary", reason_field="resolution",
                   apply=lambda need, actor, payload: _needs().need_fail(need, actor, payload),
                   notify=[lambda need, event, actor: _needs().notify_raiser(need, event,
                                                                             actor)]),
    )

    class Meta:
        verbose_name = _("需求")
        verbose_name_plural = _("需求清单")
        indexes = [models.Index(fields=["area_code", "status"]),
                   models.Index(fields=["status", "raised_on"])]

    def __str__(self):
        return f"{self.person} · {self.get_kind_display()}"
