"""Training's indicators (DESIGN §2 list 2, §4 training coverage), registered from
TrainingConfig.ready() on the core registry. The coverage counts over the registry's
labourers; training adds its people to policy coverage's person sets (in a programme: in a
course during the period; benefited: completed a subsidised course)."""

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from fupin.core.indicators import (
    Indicator,
    Period,
    PersonSet,
    Source,
    benefit_sources,
    person_set,
    programme_sources,
    registry,
)
from fupin.registry.indicators import COVER, FIVE

from .models import Enrolment

COMPLETED = Enrolment.Status.COMPLETED


def trained_by(p: Period) -> Q:
    """Completed a training by the period's as-of day."""
    return person_set(p, Enrolment.objects.active().filter(status=COMPLETED,
                                                           completed_on__lte=p.as_of))


registry.add_source(Source("trainings", lambda p: Enrolment.objects.active().filter(
    status=COMPLETED, completed_on__range=(p.start, p.as_of))))

registry.add(Indicator("trained", _("培训人数"), _("人"), 20, "trainings",
                       lambda p: Count("person", distinct=True), group=FIVE,
                       help=_("年内结业的人数")))
registry.add(Indicator("training_subsidy", _("培训补贴"), _("元"), 21, "trainings",
                       lambda p: Sum("course__subsidy_per_person"), group=FIVE,
                       help=_("各班补贴标准 × 结业人数")))
registry.add(Indicator("labourers_trained", _("已培训的有意愿劳动力"), _("人"), 111, "labourers",
                       lambda p: Count("pk", filter=Q(wants_training=True)
                                       & trained_by(p)), group=COVER))
registry.add(Indicator("training_coverage", _("就业培训覆盖率"), "%", 112,
                       ratio=("labourers_trained", "labourers_wish_training"), group=COVER))

# in a course that ran during the period
programme_sources.register(PersonSet(
    "training", lambda p: Enrolment.objects.active().filter(course__start_date__lte=p.as_of,
                                                           course__end_date__gte=p.start),
    order=10, label=_("参加培训")))
# a subsidised training completed in the period (the training subsidy)
benefit_sources.register(PersonSet(
    "training_subsidy", lambda p: Enrolment.objects.active().filter(
        status=COMPLETED, course__subsidy_per_person__gt=0,
        completed_on__range=(p.start, p.as_of)),
    order=10, label=_("培训补贴")))
