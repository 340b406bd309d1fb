"""Integration fixes on the demo (issue 11 item 8) at the tests' scale: its numbers are the
services' (a consultation or a prescription made after it takes the next number, in the same
format), and its `expert` and `technician` users are linked and find records on their
workbench, queue and 我的结对户. One test: the demo takes half a minute."""

import datetime
import re

from django.utils import timezone

from fupin.accounts.models import User
from fupin.core import workbench
from fupin.techaid import consultation_selectors, consultations, prescriptions
from fupin.techaid.models import Consultation, Expert, Industry, Prescription, Technician
from fupin.techaid.tests.test_figures_demo import demo  # noqa: F401  (the fixture)

HZ = re.compile(r"^HZ2017-\d{6}$")
CF = re.compile(r"^CF-\d{12}-[^-]+-2017-\d{2}$")


def test_demo_numbers_are_the_services_and_its_users_find_their_records(demo, client,  # noqa: F811
                                                                        monkeypatch):
    # --- numbers: the services' formats, consultations in the order raised ---------------
    numbers = list(Consultation.objects.order_by("number").values_list("number", "raised_at"))
    assert numbers and all(HZ.match(n) for n, _at in numbers)
    assert [at for _n, at in numbers] == sorted(at for _n, at in numbers)
    assert numbers[0][0] == "HZ2017-000001"
    assert all(CF.match(n) for n in Prescription.objects.values_list("number", flat=True))

    # a consultation raised in 2017 through the service takes the next number
    officer = User.objects.get(username="wangcang_county")
    household = Consultation.objects.filter(household__isnull=False).first().household
    monkeypatch.setattr(timezone, "now", lambda: datetime.datetime(
        2017, 12, 31, 12, tzinfo=datetime.UTC))
    raised = consultations.consultation_raise(actor=officer, data={
        "area_code": household.area_code, "household": household.pk,
        "industry": Industry.objects.get(name="茶叶").pk, "title": "茶树新梢萎蔫",
        "description": "连续降雨后新梢萎蔫", "urgency": "normal"})
    assert raised.number == f"HZ2017-{len(numbers) + 1:06d}"
    assert Consultation.objects.order_by("-number").first() == raised
    monkeypatch.undo()

    # a prescription drafted for a demo village and industry takes the next number there
    demo_rx = Prescription.objects.select_related("industry").order_by("number").first()
    prefix = demo_rx.number[:-2]
    taken = Prescription.objects.filter(number__startswith=prefix).count()
    numbers_there = sorted(Prescription.objects.filter(number__startswith=prefix)
                           .values_list("number", "issued_on"))
    assert [d for _n, d in numbers_there] == sorted(d for _n, d in numbers_there)
    draft = prescriptions.prescription_create(
        actor=officer, area_code=demo_rx.area_code, industry=demo_rx.industry, year=2017,
        problems="茶园秋季管理", diagnosis="树势偏弱",
        measures=[{"name": "秋季施基肥", "timing": "10月"}])
    assert draft.number == f"{prefix}{taken + 1:02d}"

    # --- the demo users: linked, and their pages show records ---------------------------
    expert_user = User.objects.get(username="expert")
    tech_user = User.objects.get(username="technician")
    expert = Expert.objects.get(user=expert_user)
    technician = Technician.objects.get(user=tech_user)
    assert expert.area_code == expert_user.scope_code == "510821"
    assert technician.area_code == tech_user.scope_code

    queue = consultation_selectors.queue(user=expert_user)
    assert queue.count() > 0
    assert sum(consultation_selectors.queue_counts(user=expert_user).values()) == queue.count()
    cards = {c["card"].key: c["count"] for c in workbench.cards_for(expert_user)}
    assert sum(v for k, v in cards.items() if k.startswith("techaid_queue_")) == queue.count()
    client.force_login(expert_user)
    page = client.get("/techaid/consultations/queue/")
    assert page.status_code == 200
    assert queue.first().number in page.content.decode()
    home = client.get("/")
    assert home.status_code == 200 and "待办会诊" in home.content.decode()

    cards = {c["card"].key: c["count"] for c in workbench.cards_for(tech_user)}
    assert "techaid_unvisited" in cards
    client.force_login(tech_user)
    mine = client.get("/techaid/pairings/mine/")
    assert mine.status_code == 200
    rows = mine.context["rows"]
    assert rows and mine.context["technician"] == technician
    assert rows[0]["household"].number in mine.content.decode()
