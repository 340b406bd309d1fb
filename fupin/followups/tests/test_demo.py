"""Issue 10, item 9: the demo's visits through 2017 — a realistic on-time rate (not 100 %),
needs met and open, plans that follow the last visit; a second run changes nothing."""

import datetime

from django.db.models import Count, Q

from fupin.core.models import DomainEvent
from fupin.followups.demo import followups_demo
from fupin.followups.models import Need, Visit, VisitPlan
from fupin.registry.generator import generate


def test_demo_visits_are_mostly_on_time_with_needs_met_and_open(demo_users):
    admin = demo_users["admin"]
    assert generate(actor=admin, area="510821", households=300, seed=7).ok
    followups_demo(actor=admin)
    visits = Visit.objects.filter(area_code__startswith="510821",
                                  visited_on__year=2017)
    figures = visits.aggregate(n=Count("pk"), on_time=Count("pk", filter=Q(on_time=True)))
    assert figures["n"] > VisitPlan.objects.active().count() * 3  # visited all year round
    assert 0.75 < figures["on_time"] / figures["n"] < 0.95
    statuses = set(Need.objects.values_list("status", flat=True))
    assert {Need.Status.MET, Need.Status.UNMET} <= statuses
    assert statuses & {Need.Status.RAISED, Need.Status.ACCEPTED}
    met = Need.objects.filter(status=Need.Status.MET).first()
    assert list(DomainEvent.objects.filter(object_id=met.pk, transition="meet")
                .values_list("target", flat=True)) == ["met"]
    # a need that could not be met says why, as the fail step's reason
    unmet = Need.objects.filter(status=Need.Status.UNMET)
    assert not unmet.filter(resolution="").exists()
    for need in unmet[:20]:
        assert DomainEvent.objects.get(object_id=need.pk, transition="fail").reason == \
            need.resolution
    plan = VisitPlan.objects.active().exclude(last_visit_on=None).first()
    last = Visit.objects.filter(person_id=plan.person_id).order_by("-visited_on").first()
    assert plan.last_visit_on == last.visited_on
    assert plan.due_on == last.visited_on + datetime.timedelta(days=plan.interval_days)
    count = Visit.objects.count()
    assert "未改动" in followups_demo(actor=admin)
    assert Visit.objects.count() == count
