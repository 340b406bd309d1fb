"""Employment's indicators (DESIGN §2 lists 3–5, §4 employment coverage), registered from
EmploymentConfig.ready() on the core registry. Zero-employment households and the coverage
count over the registry's households with labourers; employment adds its people to policy
coverage's person sets (in a programme: a job, a venture or a post during the period;
benefited: an interest-subsidised start-up loan, a public-welfare post)."""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from fupin.core.dates import open_on
from fupin.core.indicators import (
    Indicator,
    Period,
    PersonSet,
    Source,
    benefit_sources,
    during,
    person_set,
    programme_sources,
    registry,
)
from fupin.registry.indicators import COVER, FIVE

from .models import Employment, Placement, Venture, WelfarePost


def employed_on(p: Period, field: str = "person_id", **also) -> Q:
    """Working on the period's as-of day: a transferred job, a venture or a public-welfare
    post."""
    day = open_on(p.as_of)
    return (person_set(p, Employment.objects.active().filter(day, **also), field)
            | person_set(p, Venture.objects.active().filter(day, **also), field)
            | person_set(p, Placement.objects.active().filter(day, **also), field))


def household_has_employed(p: Period) -> Q:
    """A member (still registered) working on the period's as-of day."""
    return employed_on(p, "person__household_id", person__retired_at__isnull=True)


registry.add_source(Source("employments", lambda p: Employment.objects.active().filter(
    during(p))))
registry.add_source(Source("ventures", lambda p: Venture.objects.active().filter(during(p))))
registry.add_source(Source("posts", lambda p: WelfarePost.objects.active().filter(
    established__lte=p.as_of)))
registry.add_source(Source("placements", lambda p: Placement.objects.active().filter(
    during(p))))

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
registry.add(Indicator("households_employed", _("至少一人就业的贫困户"), _("户"), 121,
                       "labour_households", lambda p: Count(
                           "pk", filter=household_has_employed(p)), group=COVER))
registry.add(Indicator("employment_coverage", _("就业帮扶覆盖率"), "%", 122,
                       ratio=("households_employed", "households_with_labourers"),
                       group=COVER))

for order, key, model, label in [(20, "employment", Employment, _("转移就业")),
                                 (30, "venture", Venture, _("自主创业")),
                                 (40, "placement", Placement, _("公益性岗位"))]:
    programme_sources.register(PersonSet(
        key, lambda p, model=model: model.objects.active().filter(during(p)),
        order=order, label=label))
# a guaranteed start-up loan with interest subsidy, and a public-welfare post
benefit_sources.register(PersonSet(
    "venture_interest_subsidy", lambda p: Venture.objects.active().filter(
        during(p), interest_subsidy__gt=0), order=30, label=_("创业担保贷款贴息")))
benefit_sources.register(PersonSet(
    "welfare_post", lambda p: Placement.objects.active().filter(during(p)),
    order=40, label=_("公益性岗位")))
