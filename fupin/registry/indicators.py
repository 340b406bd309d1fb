"""The registry's indicators (DESIGN §2, §4): who is registered, the labourers and their
households, the registration coverage, and policy coverage over the person sets the other
lists register (core.indicators.programme_sources / benefit_sources), so that the registry
depends on none of them. Also the people whose national-system report disagrees with the
records (DESIGN §2 reconciliation, 基本信息准、就业状态清).

Registered from RegistryConfig.ready(); later modules (targets, bulletins, assessment) read
them from fupin.core.indicators."""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from fupin.core.indicators import (
    Indicator,
    Period,
    Source,
    benefit_sources,
    person_set,
    programme_sources,
    registry,
)

from .models import Household, Person
from .reconciliation import INDICATOR, KIND_INDICATORS, KINDS, any_condition, conditions
from .rules import labourer_q

# headings on the indicator page, shared with the lists that add to them
FIVE = _("五名单")
COVER = _("四个全覆盖")
GROUP = _("国办系统比对")


def household_has_labourer(p: Period) -> Q:
    return person_set(p, Person.objects.active().filter(labourer_q(p.as_of)), "household_id")


# the labour ages decide who is a labourer: figures stored under other ages are recomputed
registry.depends_on("FUPIN_LABOUR_AGE")

# --- sources ---------------------------------------------------------------------------------

registry.add_source(Source("persons", lambda p: Person.objects.active()))
# the labourers on the period's as-of day, and the households that have one: the conditions
# the coverages share are the sources' filters, evaluated once per query (training and
# employment count their coverages over these sources too)
registry.add_source(Source("labourers", lambda p: Person.objects.active().filter(
    labourer_q(p.as_of))))
registry.add_source(Source("labour_households", lambda p: Household.objects.active().filter(
    household_has_labourer(p))))

# --- the five lists: the registry's part -------------------------------------------------------

registry.add(Indicator("registered", _("登记人数"), _("人"), 10, "persons",
                       lambda p: Count("pk"), group=FIVE))
registry.add(Indicator("labourers", _("劳动力"), _("人"), 11, "labourers",
                       lambda p: Count("pk"), group=FIVE))

# --- the four full coverages: the registry's part and policy coverage (DESIGN §4) ------------

registry.add(Indicator("labourers_complete", _("登记完整的劳动力"), _("人"), 100, "labourers",
                       lambda p: Count("pk", filter=Q(complete=True)), group=COVER))
registry.add(Indicator("registration_coverage", _("实名制登记覆盖率"), "%", 101,
                       ratio=("labourers_complete", "labourers"), group=COVER))
registry.add(Indicator("labourers_wish_training", _("有培训意愿的劳动力"), _("人"), 110,
                       "labourers", lambda p: Count("pk", filter=Q(wants_training=True)),
                       group=COVER))
registry.add(Indicator("households_with_labourers", _("有劳动力的贫困户"), _("户"), 120,
                       "labour_households", lambda p: Count("pk"), group=COVER))
# in a programme: the union of the sets training and employment register; benefited: of the
# benefit sets (a subsidised training, an interest-subsidised loan, a post; claims later)
registry.add(Indicator("labourers_in_programmes", _("参加培训、就业、创业或上岗的劳动力"),
                       _("人"), 130, "labourers",
                       lambda p: Count("pk", filter=programme_sources.q(p)), group=COVER))
registry.add(Indicator("labourers_benefited", _("享受过政策的劳动力"), _("人"), 131, "labourers",
                       lambda p: Count("pk", filter=programme_sources.q(p)
                                       & benefit_sources.q(p)),
                       group=COVER))
registry.add(Indicator("policy_coverage", _("政策落实覆盖率"), "%", 132,
                       ratio=("labourers_benefited", "labourers_in_programmes"), group=COVER))

# --- national-system reconciliation ------------------------------------------------------------
# The conditions are the reconciliation page's own (registry/reconciliation.py): joins of a
# person's report and household, and a head's members counted per head. It counts the
# records as they stand: a report, an employment record or a member changes the area's stamp,
# and the figure is recomputed.

# the people of households that national data reached (the others cannot disagree with it);
# each figure is a Count filtered by its conditions, all in the one GROUP BY of this source.
# A member lives in its household's area: limiting the households too lets PostgreSQL read
# the village's households by their area index instead of the whole table.
registry.add_source(Source("national_people", lambda p: p.limit(Person.objects.active().filter(
    Q(household__national_reported_on__isnull=False)
    | Q(household__national_size__isnull=False)), "household__area_code")))
registry.add(Indicator(INDICATOR, _("与国办系统不一致人数"), _("人"), 70, "national_people",
                       lambda p: Count("pk", filter=any_condition()), group=GROUP,
                       help=_("国办系统报告的务工、家庭人数或成员与档案不一致、尚未核实的人数")))
# one per kind, for the reconciliation page's counts (same source: the same GROUP BY)
for order, (kind, key) in enumerate(KIND_INDICATORS.items(), start=71):
    registry.add(Indicator(key, KINDS[kind], _("人"), order, "national_people",
                           lambda p, kind=kind: Count("pk", filter=conditions()[kind]),
                           group=GROUP))
