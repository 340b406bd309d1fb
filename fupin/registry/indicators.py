"""The registry's indicator: people whose national-system report disagrees with the records
(DESIGN §2 reconciliation, 基本信息准、就业状态清). The conditions are the reconciliation
page's own (registry/reconciliation.py), non-correlated `pk IN (…)` sets limited to the
areas being computed. It counts the records as they stand: a report, an employment record
or a member changes the area's stamp, and the figure is recomputed."""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from fupin.core.indicators import Indicator, Source, registry

from .models import Person
from .reconciliation import INDICATOR, KIND_INDICATORS, KINDS, any_condition, conditions

GROUP = _("国办系统比对")

# the people of households that national data reached (the others cannot disagree with it);
# each figure is a Count filtered by its conditions, all in the one GROUP BY of this source
registry.add_source(Source("national_people", lambda p: Person.objects.active().filter(
    Q(household__national_reported_on__isnull=False)
    | Q(household__national_size__isnull=False))))
registry.add(Indicator(INDICATOR, _("与国办系统不一致人数"), _("人"), 70, "national_people",
                       lambda p: Count("pk", filter=any_condition(p.limit)), group=GROUP,
                       help=_("国办系统报告的务工、家庭人数或成员与档案不一致、尚未核实的人数")))
# one per kind, for the reconciliation page's counts (same source: the same GROUP BY)
for order, (kind, key) in enumerate(KIND_INDICATORS.items(), start=71):
    registry.add(Indicator(key, KINDS[kind], _("人"), order, "national_people",
                           lambda p, kind=kind: Count("pk", filter=conditions(p.limit)[kind]),
                           group=GROUP))
