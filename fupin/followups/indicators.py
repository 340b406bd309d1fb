"""Follow-up visits' indicators (issue 10 item 7), registered from wiring.needs() on the core
registry: visits done, due, on time, overdue, on-time rate, people visited in the last
quarter, needs raised and met — per area and period."""

import datetime

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from fupin.core.indicators import Indicator, Source, registry

from .models import Need, Visit, VisitPlan

GROUP = _("回访")
#: "the period's last quarter": the 91 days up to the period's as-of day
QUARTER_DAYS = 91


def _visits(p):
    return Visit.objects.filter(retired_at__isnull=True)


registry.add_source(Source("followup_visits_done", lambda p: _visits(p).filter(
    visited_on__gte=p.start, visited_on__lte=p.end)))
registry.add_source(Source("followup_visits_due", lambda p: _visits(p).filter(
    due_on__gte=p.start, due_on__lte=p.end)))
registry.add_source(Source("followup_visits_quarter", lambda p: _visits(p).filter(
    visited_on__gt=p.as_of - datetime.timedelta(days=QUARTER_DAYS), visited_on__lte=p.as_of)))
registry.add_source(Source("followup_plans", lambda p: VisitPlan.objects.filter(
    retired_at__isnull=True)))
registry.add_source(Source("followup_needs_raised", lambda p: Need.objects.filter(
    retired_at__isnull=True, raised_on__gte=p.start, raised_on__lte=p.end)))
registry.add_source(Source("followup_needs_closed", lambda p: Need.objects.filter(
    retired_at__isnull=True, closed_on__gte=p.start, closed_on__lte=p.end)))

registry.add(Indicator("followup_visits", _("完成回访"), _("次"), 400, "followup_visits_done",
                       lambda p: Count("pk"), group=GROUP, help=_("回访日期在本期内的回访")))
registry.add(Indicator("followup_visits_due", _("应回访"), _("次"), 401, "followup_visits_due",
                       lambda p: Count("pk"), group=GROUP,
                       help=_("应回访日期在本期内的回访记录")))
registry.add(Indicator("followup_on_time", _("按时回访"), _("次"), 402, "followup_visits_due",
                       lambda p: Count("pk", filter=Q(on_time=True)), group=GROUP,
                       help=_("应回访日期在本期内、在应回访日期前完成的回访")))
registry.add(Indicator("followup_on_time_rate", _("按时回访率"), "%", 403,
                       ratio=("followup_on_time", "followup_visits_due"), group=GROUP))
registry.add(Indicator("followup_overdue", _("回访逾期"), _("人"), 404, "followup_plans",
                       lambda p: Count("pk", filter=Q(due_on__lt=p.as_of)), group=GROUP,
                       help=_("截至统计日应回访日期已过而未回访的劳动力（存量）")))
registry.add(Indicator("followup_visited_quarter", _("近一季度回访人数"), _("人"), 405,
                       "followup_visits_quarter", lambda p: Count("person", distinct=True),
                       group=GROUP,
                       help=_("统计日前 91 天内至少回访过一次的劳动力（去重）")))
registry.add(Indicator("followup_needs_raised", _("提出需求"), _("条"), 406,
                       "followup_needs_raised", lambda p: Count("pk"), group=GROUP))
registry.add(Indicator("followup_needs_met", _("已解决需求"), _("条"), 407,
                       "followup_needs_closed",
                       lambda p: Count("pk", filter=Q(status=Need.Status.MET)), group=GROUP,
                       help=_("办结日期在本期内且已解决的需求")))
