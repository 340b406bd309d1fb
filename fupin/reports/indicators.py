"""The indicators of the five lists and the four full coverages (DESIGN §2, §4), declared once.
Later modules (targets, bulletins, assessment) read them from fupin.core.indicators."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from fupin.core.dates import open_on
from fupin.core.indicators import Indicator, Period, Source, during, registry
from fupin.employment.models import Employment, Placement, Venture, WelfarePost
from fupin.registry.models import Household, Person
from fupin.registry.rules import labourer_q
from fupin.training.models import Enrolment

FIVE = _("五名单")
COVER = _("四个全覆盖")
COMPLETED = Enrolment.Status.COMPLETED


# --- conditions on a person or a household --------------------------------------------------
# Each is a non-correlated `pk IN (SELECT …)`: the database builds the set of people (or
# households) once per query and probes it per row. A correlated EXISTS per row instead cost
# minutes over a city of 500,000 people on SQLite (benchmarks/README.md §4).

def _people(p: Period, qs: QuerySet, field: str = "person_id") -> Q:
    # a record lives in its person's area (records follow a person who moves), a member in
    # the household's: the set is limited to the areas being computed
    return Q(pk__in=p.limit(qs).values(field))


def employed_on(p: Period, field: str = "person_id", **also) -> Q:
    """Working on the period's as-of day: a transferred job, a venture or a public-welfare
    post."""
    day = open_on(p.as_of)
    return (_people(p, Employment.objects.active().filter(day, **also), field)
            | _people(p, Venture.objects.active().filter(day, **also), field)
            | _people(p, Placement.objects.active().filter(day, **also), field))


def trained_by(p: Period) -> Q:
    """Completed a training by the period's as-of day."""
    return _people(p, Enrolment.objects.active().filter(status=COMPLETED,
                                                        completed_on__lte=p.as_of))


def in_programmes(p: Period) -> Q:
    """In training, employment, a venture or a post during the period (policy coverage's
    denominator, DESIGN §4)."""
    return (_people(p, Enrolment.objects.active().filter(course__start_date__lte=p.as_of,
                                                         course__end_date__gte=p.start))
            | _people(p, Employment.objects.active().filter(during(p)))
            | _people(p, Venture.objects.active().filter(during(p)))
            | _people(p, Placement.objects.active().filter(during(p))))


def benefited(p: Period) -> Q:
    """Received at least one benefit in the period. Until the subsidies module records
    payments, the benefits are the ones the lists themselves carry: a subsidised training
    completed, a guaranteed start-up loan with interest subsidy, a public-welfare post."""
    return (_people(p, Enrolment.objects.active().filter(
                status=COMPLETED, course__subsidy_per_person__gt=0,
                completed_on__range=(p.start, p.as_of)))
            | _people(p, Venture.objects.active().filter(during(p), interest_subsidy__gt=0))
            | _people(p, Placement.objects.active().filter(during(p))))


def household_has_labourer(p: Period) -> Q:
    return _people(p, Person.objects.active().filter(labourer_q(p.as_of)), "household_id")


def household_has_employed(p: Period) -> Q:
    """A member (still registered) working on the period's as-of day."""
    return employed_on(p, "person__household_id", person__retired_at__isnull=True)


# the labour ages decide who is a labourer: figures stored under other ages are recomputed
registry.depends_on("FUPIN_LABOUR_AGE")

# --- sources ---------------------------------------------------------------------------------

registry.add_source(Source("persons", lambda p: Person.objects.active()))
# the labourers on the period's as-of day, and the households that have one: the conditions
# the coverages share are the sources' filters, evaluated once per query
registry.add_source(Source("labourers", lambda p: Person.objects.active().filter(
    labourer_q(p.as_of))))
registry.add_source(Source("labour_households", lambda p: Household.objects.active().filter(
    household_has_labourer(p))))
registry.add_source(Source("trainings", lambda p: Enrolment.objects.active().filter(
    status=COMPLETED, completed_on__range=(p.start, p.as_of))))
registry.add_source(Source("employments", lambda p: Employment.objects.active().filter(
    during(p))))
registry.add_source(Source("ventures", lambda p: Venture.objects.active().filter(during(p))))
registry.add_source(Source("posts", lambda p: WelfarePost.objects.active().filter(
    established__lte=p.as_of)))
registry.add_source(Source("placements", lambda p: Placement.objects.active().filter(
    during(p))))

# --- the five lists ----------------------------------------------------------------------------

registry.add(Indicator("registered", _("登记人数"), _("人"), 10, "persons",
                       lambda p: Count("pk"), group=FIVE))
registry.add(Indicator("labourers", _("劳动力"), _("人"), 11, "labourers",
                       lambda p: Count("pk"), group=FIVE))
registry.add(Indicator("trained", _("培训人数"), _("人"), 20, "trainings",
                       lambda p: Count("person", distinct=True), group=FIVE,
                       help=_("年内结业的人数")))
registry.add(Indicator("training_subsidy", _("培训补贴"), _("元"), 21, "trainings",
                       lambda p: Sum("course__subsidy_per_person"), group=FIVE,
                       help=_("各班补贴标准 × 结业人数")))
registry.add(Indicator("employed", _("转移就业人数"), _("人"), 30, "employments",
                       lambda p: Count("person", distinct=True), group=FIVE))
registry.add(Indicator("ventures", _("自主创业"), _("户"), 40, "ventures",
                       lambda p: Count("pk"), group=FIVE))
registry.add(Indicator("college_ventures", _("其中贫困家庭大学生创业"), _("户"), 41, "ventures",
                       lambda p: Count("pk", filter=Q(college_student=True)), group=FIVE))
registry.add(Indicator("welfare_posts", _("公益性岗位"), _("个"), 50, "posts",
                       lambda p: Count("pk"), group=FIVE))
registry.add(Indicator("placed", _("公益性岗位安置人数"), _("人"), 51, "placements",
                       lambda p: Count("person", distinct=True), group=FIVE))
registry.add(Indicator("zero_employment", _("零就业贫困家庭"), _("户"), 60,
                       difference=("households_with_labourers", "households_employed"),
                       group=FIVE, help=_("有劳动力但无一人就业的贫困户")))

# --- the four full coverages (DESIGN §4) -----------------------------------------------------

registry.add(Indicator("labourers_complete", _("登记完整的劳动力"), _("人"), 100, "labourers",
                       lambda p: Count("pk", filter=Q(complete=True)), group=COVER))
registry.add(Indicator("registration_coverage", _("实名制登记覆盖率"), "%", 101,
                       ratio=("labourers_complete", "labourers"), group=COVER))
registry.add(Indicator("labourers_wish_training", _("有培训意愿的劳动力"), _("人"), 110,
                       "labourers", lambda p: Count("pk", filter=Q(wants_training=True)),
                       group=COVER))
registry.add(Indicator("labourers_trained", _("已培训的有意愿劳动力"), _("人"), 111, "labourers",
                       lambda p: Count("pk", filter=Q(wants_training=True)
                                       & trained_by(p)), group=COVER))
registry.add(Indicator("training_coverage", _("就业培训覆盖率"), "%", 112,
                       ratio=("labourers_trained", "labourers_wish_training"), group=COVER))
registry.add(Indicator("households_with_labourers", _("有劳动力的贫困户"), _("户"), 120,
                       "labour_households", lambda p: Count("pk"), group=COVER))
registry.add(Indicator("households_employed", _("至少一人就业的贫困户"), _("户"), 121,
                       "labour_households", lambda p: Count(
                           "pk", filter=household_has_employed(p)), group=COVER))
registry.add(Indicator("employment_coverage", _("就业帮扶覆盖率"), "%", 122,
                       ratio=("households_employed", "households_with_labourers"),
                       group=COVER))
registry.add(Indicator("labourers_in_programmes", _("参加培训、就业、创业或上岗的劳动力"),
                       _("人"), 130, "labourers",
                       lambda p: Count("pk", filter=in_programmes(p)), group=COVER))
registry.add(Indicator("labourers_benefited", _("享受过政策的劳动力"), _("人"), 131, "labourers",
                       lambda p: Count("pk", filter=in_programmes(p) & benefited(p)),
                       group=COVER))
registry.add(Indicator("policy_coverage", _("政策落实覆盖率"), "%", 132,
                       ratio=("labourers_benefited", "labourers_in_programmes"), group=COVER))
