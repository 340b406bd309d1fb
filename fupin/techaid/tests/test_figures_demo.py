"""Issue 11 item 8: the demo's Wangcang 2017 technology aid, at the tests' scale (0.02, as the
browser tests' `demo` fixture loads it): the seed's figures computed from the records, the
demo users linked, and a second run that changes nothing."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from fupin.accounts.models import User
from fupin.areas.models import Area
from fupin.core.demo import DEMO_PASSWORD
from fupin.core.indicators import Period, compute
from fupin.core.models import DomainEvent
from fupin.techaid.models import (
    Consultation,
    Expert,
    ExpertGroup,
    GroupMember,
    HouseholdIndustry,
    Measure,
    Message,
    Mission,
    Pairing,
    Prescription,
    ServiceVisit,
    Technician,
)

SCALE = 0.02


@pytest.fixture
def demo(db):
    from fupin.areas.selectors import clear_cache

    clear_cache()
    out = io.StringIO()
    call_command("demo", password=DEMO_PASSWORD, scale=SCALE, stdout=out)
    yield out.getvalue()
    clear_cache()


def test_wangcang_2017_from_records_at_the_seeds_figures_and_a_second_run_changes_nothing(
        demo):
    assert "科技扶贫：510821" in demo and "wangcang_village" in demo
    assert Expert.objects.filter(area_code="510821").count() == 36
    groups = ExpertGroup.objects.filter(area_code="510821")
    assert sorted(groups.values_list("name", flat=True)) == sorted(
        ["茶叶产业专家服务组", "核桃丰产专家服务组", "绿色生态畜禽专家服务组",
         "道地中药材专家服务组"])
    assert all(g.chief_id and GroupMember.objects.filter(group=g).count() == 9 for g in groups)
    poor = Area.objects.filter(code__startswith="510821", poor_village=True)
    assert poor.count() == 97 and Mission.objects.count() == 97
    assert not Mission.objects.exclude(leader__research_institute=True).exists()
    # the demo users: the tea group's chief, a technician of their township
    tea = groups.get(industry__name="茶叶")
    assert tea.chief.user.username == "expert"
    technician = Technician.objects.get(user__username="technician")
    assert technician.area_code == User.objects.get(username="technician").scope_code
    worker = User.objects.get(username="wangcang_village")
    assert worker.role == "village_worker" and worker.scope_code.startswith("510821")

    f = compute(area="510821", period=Period(2017))["510821"]
    # consultations: 2,260 × 0.02, most answered within the limit, most solved, some not
    assert f["techaid_raised"] == round(2260 * SCALE)
    assert f["techaid_answered"] >= 0.9 * f["techaid_raised"]
    assert 0 < f["techaid_answered_on_time"] < f["techaid_answered"]  # some late
    assert 70 < f["techaid_solved_rate"] < 100 and f["techaid_unsolved"] >= 0
    assert Decimal("1") < f["techaid_answer_hours"] < Decimal("24")
    assert Decimal("3.5") < f["techaid_rating"] <= 5
    # full coverage of the 97 poor villages (those poor in 2017: none exited earlier)
    assert f["techaid_poor_villages"] == 97 and f["techaid_villages_covered"] == 97
    assert f["techaid_coverage"] == Decimal("100.0")
    assert f["techaid_prescriptions"] == Prescription.objects.count() >= round(2890 * SCALE)
    assert all(3 <= Measure.objects.filter(prescription=p).count() <= 6
               for p in Prescription.objects.all()[:50])
    # every household of the county paired, within the load limit
    households = HouseholdIndustry.objects.filter(main=True).values("household").distinct()
    assert f["techaid_households_paired"] == households.count() > 0
    assert f["techaid_technicians"] == Technician.objects.count()
    assert 0 < f["techaid_load"] <= 30
    assert f["techaid_service_visits"] == ServiceVisit.objects.count() > 0
    assert 40 < f["techaid_adoption_rate"] < 90
    # threads and the workflows' steps
    assert Message.objects.exists()
    solved = Consultation.objects.filter(status="solved").first()
    assert list(DomainEvent.objects.filter(object_id=solved.pk, content_type__model="consultation")
                .order_by("at").values_list("transition", flat=True))[:2] == ["route", "answer"]

    # a second `fupin demo` changes nothing (one test: the demo takes half a minute)
    counts = [m.objects.count() for m in (Expert, Consultation, Prescription, Pairing,
                                          ServiceVisit, DomainEvent, User)]
    history = Consultation.history.count()
    again = io.StringIO()
    call_command("demo", password=DEMO_PASSWORD, scale=SCALE, stdout=again)
    assert "科技扶贫：510821 已有演示数据，未改动" in again.getvalue()
    assert [m.objects.count() for m in (Expert, Consultation, Prescription, Pairing,
                                        ServiceVisit, DomainEvent, User)] == counts
    assert Consultation.history.count() == history
