"""Technology aid's indicators (issue 11 item 5), registered from wiring.figures() on the core
registry: consultations raised, answered, solved and not, the solved rate, the median time to
the first answer, on-site visits, the mean rating; poor villages and those covered by a mission
and prescriptions; prescriptions issued; households paired, technicians and their mean load;
service visits and the measures' adoption — per area and period (the page's group 科技扶贫).

Definitions (the help texts say the same to the reader):
- a consultation counts in the period its step happened in: raised (raised_at), answered
  (first_answer_at), closed (closed_at: the raiser confirmed solved or not solved);
- the solved rate is solved / closed (consultations still waiting for the raiser's word are
  neither);
- a *valid* answer (有效答复, what the monthly ranking counts): a first answer in the period
  of a consultation that is not retired and that the raiser did not close as unsolved;
- the median time to the first answer (hours) is over the consultations answered in the
  period; it is computed from the records when read (core.indicators.medians);
- stocks (poor villages, coverage, pairings, technicians) are measured on the period's as-of
  day.

Coverage (the seed's 处方全覆盖, DESIGN §5) is one rule, kept in coverage.py for this
indicator and the coverage page alike (`coverage.village_covered_q`).
"""

from __future__ import annotations

import datetime

from django.db.models import (
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    Sum,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fupin.areas.models import Area
from fupin.core.indicators import Indicator, Period, Source, registry

from .coverage import poor_in_year_q, village_covered_q
from .models import (
    Adoption,
    Consultation,
    MeasureResult,
    OnsiteVisit,
    Pairing,
    Prescription,
    ServiceVisit,
    Technician,
)

GROUP = _("科技扶贫")
S = Consultation.Status
CLOSED = (S.SOLVED, S.UNSOLVED)


def window(p: Period) -> tuple[datetime.datetime, datetime.datetime]:
    """The period's days as [start, end) of aware datetimes in the local time zone, so that a
    timestamp's filter reads its index (a `__date` lookup would not)."""
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(p.start, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(p.end + datetime.timedelta(days=1), datetime.time.min,
                                    tzinfo=tz)
    return start, end


def _in(field: str, p: Period) -> Q:
    start, end = window(p)
    return Q(**{f"{field}__gte": start, f"{field}__lt": end})


def _consultations():
    return Consultation.objects.filter(retired_at__isnull=True)


def valid_answer_q() -> Q:
    """Of consultations answered: the answer counts as valid unless the raiser closed the
    consultation as not solved (retired ones are never counted)."""
    return ~Q(status=S.UNSOLVED)


def answer_hours(value: datetime.timedelta) -> float:
    return value.total_seconds() / 3600


def answer_time():
    return ExpressionWrapper(F("first_answer_at") - F("raised_at"), output_field=DurationField())


# --- sources ---------------------------------------------------------------------------------

registry.add_source(Source("techaid_raised", lambda p: _consultations().filter(
    _in("raised_at", p))))
registry.add_source(Source("techaid_answered", lambda p: _consultations().filter(
    _in("first_answer_at", p))))
registry.add_source(Source("techaid_closed", lambda p: _consultations().filter(
    _in("closed_at", p), status__in=CLOSED)))
registry.add_source(Source("techaid_onsite", lambda p: OnsiteVisit.objects.filter(
    retired_at__isnull=True, status=OnsiteVisit.Status.DONE, done_on__gte=p.start,
    done_on__lte=p.end)))
# poor villages are areas: their figures are kept under the village's own code
registry.add_source(Source("techaid_poor_villages", lambda p: Area.objects.filter(
    poor_in_year_q(p.year)), area_field="code"))
registry.add_source(Source("techaid_prescriptions", lambda p: Prescription.objects.filter(
    retired_at__isnull=True, status=Prescription.Status.ISSUED, issued_on__gte=p.start,
    issued_on__lte=p.end)))


def _pairings(p: Period):
    return Pairing.objects.filter(retired_at__isnull=True, started_on__lte=p.as_of).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=p.as_of))


registry.add_source(Source("techaid_pairings", _pairings))
# technicians serving on the as-of day: with a pairing then (a non-correlated IN set)
registry.add_source(Source("techaid_technicians", lambda p: Technician.objects.filter(
    retired_at__isnull=True, pk__in=_pairings(p).values("technician_id"))))
registry.add_source(Source("techaid_service_visits", lambda p: ServiceVisit.objects.filter(
    retired_at__isnull=True, visited_on__gte=p.start, visited_on__lte=p.end)))
# a measure's result lives at its visit's household: the visit's village
registry.add_source(Source("techaid_measure_results", lambda p: MeasureResult.objects.filter(
    visit__retired_at__isnull=True, visit__visited_on__gte=p.start,
    visit__visited_on__lte=p.end), area_field="visit__area_code"))


def _add(key, name, unit, order, source=None, aggregate=None, help="", **kw):
    registry.add(Indicator(key, name, unit, order, source, aggregate, group=GROUP, help=help,
                           **kw))


_add("techaid_raised", _("提出会诊"), _("件"), 500, "techaid_raised", lambda p: Count("pk"),
     help=_("提出时间在本期内的会诊"))
_add("techaid_answered", _("已答复会诊"), _("件"), 501, "techaid_answered",
     lambda p: Count("pk"), help=_("首次答复在本期内的会诊"))
_add("techaid_answered_valid", _("有效答复"), _("件"), 502, "techaid_answered",
     lambda p: Count("pk", filter=valid_answer_q()),
     help=_("首次答复在本期内、且提出人未确认为“未解决”的会诊（月度排名按此排序）"))
_add("techaid_answered_on_time", _("按时答复"), _("件"), 503, "techaid_answered",
     lambda p: Count("pk", filter=Q(first_answer_at__lte=F("answer_due_at"))),
     help=_("首次答复在本期内、且在答复时限内的会诊"))
_add("techaid_answer_hours", _("首次答复用时（中位数）"), _("小时"), 504, "techaid_answered",
     median=lambda p: answer_time(), median_value=answer_hours,
     help=_("本期内首次答复的会诊，从提出到首次答复所用小时数的中位数"))
_add("techaid_solved", _("已解决"), _("件"), 505, "techaid_closed",
     lambda p: Count("pk", filter=Q(status=S.SOLVED)), help=_("本期内提出人确认已解决的会诊"))
_add("techaid_unsolved", _("未解决"), _("件"), 506, "techaid_closed",
     lambda p: Count("pk", filter=Q(status=S.UNSOLVED)),
     help=_("本期内提出人确认未解决的会诊"))
_add("techaid_closed", _("已办结"), _("件"), 507, "techaid_closed", lambda p: Count("pk"),
     help=_("本期内提出人确认已解决或未解决的会诊"))
_add("techaid_solved_rate", _("解决率"), "%", 508, ratio=("techaid_solved", "techaid_closed"),
     help=_("已解决 / 已办结"))
_add("techaid_onsite_visits", _("现场面诊"), _("次"), 509, "techaid_onsite",
     lambda p: Count("pk"), help=_("完成日期在本期内的面诊任务"))
_add("techaid_rating_sum", _("评分合计"), _("分"), 510, "techaid_closed",
     lambda p: Sum("rating"), help=_("本期内办结会诊的评分之和"))
_add("techaid_rated", _("已评分会诊"), _("件"), 511, "techaid_closed",
     lambda p: Count("rating"), help=_("本期内办结且有评分的会诊"))
_add("techaid_rating", _("平均评分"), _("分"), 512, ratio=("techaid_rating_sum", "techaid_rated"),
     per=1, help=_("本期内办结会诊的平均评分（1–5 分）"))
_add("techaid_poor_villages", _("贫困村"), _("个"), 513, "techaid_poor_villages",
     lambda p: Count("pk"), help=_("本年度为贫困村的村（已识别、本年度前未退出）"))
_add("techaid_villages_covered", _("处方全覆盖的贫困村"), _("个"), 514,
     "techaid_poor_villages", lambda p: Count("pk", filter=village_covered_q(p.as_of)),
     help=_("截至统计日有科技扶贫特派团、且每个主导产业都有已签发处方的贫困村"))
_add("techaid_coverage", _("处方覆盖率"), "%", 515,
     ratio=("techaid_villages_covered", "techaid_poor_villages"),
     help=_("处方全覆盖的贫困村 / 贫困村"))
_add("techaid_prescriptions", _("签发处方"), _("份"), 516, "techaid_prescriptions",
     lambda p: Count("pk"), help=_("签发日期在本期内的处方"))
_add("techaid_households_paired", _("结对贫困户"), _("户"), 517, "techaid_pairings",
     lambda p: Count("household", distinct=True), help=_("截至统计日有在结对技术员的贫困户"))
_add("techaid_pairings", _("在结对"), _("对"), 518, "techaid_pairings", lambda p: Count("pk"),
     help=_("截至统计日的结对（户 × 产业）"))
_add("techaid_technicians", _("结对技术员"), _("人"), 519, "techaid_technicians",
     lambda p: Count("pk"), help=_("截至统计日至少结对一户的产业技术员（按技术员所在区划）"))
_add("techaid_load", _("技术员平均服务户数"), _("户/人"), 520,
     ratio=("techaid_pairings", "techaid_technicians"), per=1,
     help=_("在结对 / 结对技术员；技术员多在乡镇，村一级不计"))
_add("techaid_service_visits", _("技术服务"), _("次"), 521, "techaid_service_visits",
     lambda p: Count("pk"), help=_("服务日期在本期内的技术服务记录"))
_add("techaid_measure_results", _("措施落实记录"), _("条"), 522, "techaid_measure_results",
     lambda p: Count("pk"), help=_("本期技术服务记录的措施落实情况"))
_add("techaid_measures_adopted", _("措施已采用"), _("条"), 523, "techaid_measure_results",
     lambda p: Count("pk", filter=Q(adoption=Adoption.ADOPTED)))
_add("techaid_measures_partly", _("措施部分采用"), _("条"), 524, "techaid_measure_results",
     lambda p: Count("pk", filter=Q(adoption=Adoption.PARTLY)))
_add("techaid_adoption_rate", _("措施采用率"), "%", 525,
     ratio=("techaid_measures_adopted", "techaid_measure_results"),
     help=_("已采用 / 全部落实记录（部分采用单列，不计入）"))
