"""Review probes: scope and personal data across the module's pages, photos and API, for an
expert of another county, a village worker of another village, and the masked readers
(experts and technicians never see people's ID numbers or phones)."""

from __future__ import annotations

import pytest

from fupin.registry.tests.factories import make_person
from fupin.techaid.models import Photo
from fupin.techaid.tests import consult_fixtures as fx
from fupin.techaid.tests.factories_pairing import make_pairing, make_service_visit

wc, step, raise_ = fx.wc, fx.step, fx.raise_
jpeg, upload = fx.jpeg, fx.upload

ID = "510821198001011234"
PHONE = "13881234567"


@pytest.fixture
def case(wc, raise_):
    head = make_person(area_code=wc.village, id_number=None, phone=PHONE, name="张户主")
    c = raise_(household=head.household, photos=[upload(jpeg())])
    return c, head


@pytest.mark.django_db
def test_other_county_expert_sees_nothing_of_a_wangcang_consultation(case, wc, login):
    c, _head = case
    client = login(wc.lz_user)
    photo = Photo.objects.filter(consultation=c).first()
    assert client.get(f"/techaid/consultations/{c.pk}/").status_code == 404
    assert client.get(f"/techaid/consultation-photos/{photo.pk}/").status_code == 404
    assert client.get(f"/api/v1/techaid/consultations/{c.pk}/").status_code == 404
    listed = client.get("/api/v1/techaid/consultations/").json()
    rows = listed.get("results", listed) if isinstance(listed, dict) else listed
    assert c.pk not in [r["id"] for r in rows]
    assert c.number not in client.get("/techaid/consultations/").content.decode()


@pytest.mark.django_db
def test_other_village_worker_sees_nothing_of_the_consultation(case, wc, login):
    c, _head = case
    client = login(wc.worker2)
    photo = Photo.objects.filter(consultation=c).first()
    assert client.get(f"/techaid/consultations/{c.pk}/").status_code == 404
    assert client.get(f"/techaid/consultation-photos/{photo.pk}/").status_code == 404
    resp = client.post(f"/techaid/consultations/{c.pk}/messages/", {"text": "你好"})
    assert resp.status_code == 404


@pytest.mark.django_db
def test_expert_and_technician_never_see_the_household_heads_numbers(case, wc, login):
    c, head = case
    number = head.reveal("id_number")
    for user in (wc.expert, wc.technician):
        client = login(user)
        resp = client.get(f"/techaid/consultations/{c.pk}/")
        assert resp.status_code == 200, user
        page = resp.content.decode()
        assert number not in page and number[-4:] + "<" not in page
        assert PHONE not in page and PHONE[-4:] not in page
        api = client.get(f"/api/v1/techaid/consultations/{c.pk}/").content.decode()
        assert number not in api and PHONE not in api and PHONE[-4:] not in api


@pytest.mark.django_db
def test_technician_of_another_township_sees_no_pairing_nor_visit(wc, login):
    from fupin.accounts.services import user_upsert
    from fupin.areas.models import Area
    from fupin.core.roles import Role
    from fupin.core.testing.fixtures import TEST_PASSWORD

    township = wc.technician.scope_code
    other = (Area.objects.filter(parent_id=township[:6]).exclude(code=township)
             .order_by("code").first())
    other_tech, _c = user_upsert(username="wc_tech2", role=Role.TECHNICIAN,
                                 scope_code=other.code, password=TEST_PASSWORD)
    pairing = make_pairing(area_code=wc.village)
    visit = make_service_visit(pairing=pairing)
    client = login(other_tech)
    assert client.get(f"/techaid/pairings/{pairing.pk}/").status_code == 404
    assert client.get(f"/techaid/service-visits/{visit.pk}/").status_code == 404
    assert client.get(f"/techaid/service-visits/{visit.pk}/photo/").status_code == 404
    assert client.get(
        f"/techaid/service-visits/record/{pairing.household_id}/").status_code == 404
    assert client.get(f"/api/v1/techaid/pairings/{pairing.pk}/").status_code == 404
    assert client.post(f"/techaid/pairings/{pairing.pk}/end/",
                       {"ended_on": "2017-12-01"}).status_code == 404
    # the township's own technician sees them
    own = login(wc.technician)
    assert own.get(f"/techaid/pairings/{pairing.pk}/").status_code == 200


@pytest.mark.django_db
def test_other_county_expert_cannot_reach_wangcang_groups_experts_missions(wc, login):
    from fupin.techaid.tests.factories_prescriptions import make_mission

    mission = make_mission(area_code=wc.village)
    client = login(wc.lz_user)
    assert client.get(f"/techaid/groups/{wc.group.pk}/").status_code == 404
    assert client.get(f"/techaid/experts/{wc.chief.pk}/").status_code == 404
    assert client.post(f"/techaid/experts/{wc.chief.pk}/reveal/").status_code == 404
    assert client.get(f"/techaid/missions/{mission.pk}/").status_code == 404
    assert client.get(f"/api/v1/techaid/groups/{wc.group.pk}/").status_code == 404
    assert client.get(f"/api/v1/techaid/missions/{mission.pk}/").status_code == 404
    # its own group does not list Wangcang's experts
    page = client.get(f"/techaid/groups/{wc.lz_group.pk}/").content.decode()
    assert wc.chief.name not in page


@pytest.mark.django_db
def test_expert_sees_no_phone_of_another_expert_in_clear(wc, login):
    from fupin.techaid import catalog

    catalog.expert_update(actor=wc.county, expert=wc.member, data={}, phone=PHONE,
                          expected_version=wc.member.version)
    client = login(wc.expert)
    page = client.get(f"/techaid/experts/{wc.member.pk}/").content.decode()
    assert PHONE not in page and PHONE[-4:] not in page  # the masked reader's form
    assert client.post(f"/techaid/experts/{wc.member.pk}/reveal/").status_code == 404
    api = client.get(f"/api/v1/techaid/experts/{wc.member.pk}/").content.decode()
    assert PHONE not in api and PHONE[-4:] not in api
    export = client.get("/techaid/experts/export/")
    assert export.status_code == 200
    body = b"".join(export.streaming_content) if export.streaming else export.content
    import io

    from openpyxl import load_workbook

    cells = [str(c) for ws in load_workbook(io.BytesIO(body)).worksheets
             for row in ws.iter_rows(values_only=True) for c in row if c]
    assert wc.member.name in cells
    assert not [c for c in cells if PHONE in c or PHONE[-4:] in c]


# --- the menu's 科技扶贫 group and the workbench cards, per role ---

def _techaid_menu(user) -> list[str]:
    from fupin.core.sections import nav

    return [e.key for e in nav.for_user(user) if e.group == "techaid"]


@pytest.mark.django_db
def test_each_role_finds_its_own_page_first_in_the_techaid_group(wc):
    assert _techaid_menu(wc.expert)[0] == "techaid_queue"
    assert _techaid_menu(wc.technician)[0] == "techaid_my_households"
    assert _techaid_menu(wc.worker)[0] == "techaid_raise"
    county = _techaid_menu(wc.county)
    assert county[:2] == ["techaid_raise", "techaid_routing"]
    assert "techaid_queue" not in county and "techaid_my_households" not in county
    # no two entries share a place (the order is the one written, not the keys' spelling)
    from fupin.core.sections import nav

    orders = [e.order for e in nav.all() if e.group == "techaid"]
    assert len(orders) == len(set(orders))


@pytest.mark.django_db
def test_workbench_cards_of_the_module_show_for_their_roles(wc):
    from fupin.core import workbench

    def keys(user):
        return {c.key for c in workbench.cards.all() if c.shown_to(user)
                and c.key.startswith(("techaid", "prescriptions"))}

    assert {"techaid_queue_critical", "techaid_queue_urgent",
            "techaid_queue_normal"} <= keys(wc.expert)
    assert keys(wc.technician) == {"techaid_unvisited"}
    assert {"techaid_routing", "techaid_overdue"} <= keys(wc.county)
    assert not keys(wc.worker) & {"techaid_routing", "techaid_overdue", "techaid_unvisited"}


# --- a technician raises for a household (by its number, above a village) ---

@pytest.mark.django_db
def test_a_technician_raises_for_a_household_by_its_number(wc, login):
    from fupin.registry.tests.factories import make_household
    from fupin.techaid.models import Consultation

    household = make_household(area_code=wc.village)
    client = login(wc.technician)
    form = client.get("/techaid/consultations/raise/").content.decode()
    assert 'name="household_number"' in form
    body = {"industry": wc.tea.pk, "title": "茶园病害", "description": "叶片有褐斑",
            "urgency": "normal"}
    bad = client.post("/techaid/consultations/raise/", {**body, "household_number": "nope"})
    assert bad.status_code == 400 and "在您的管辖范围内没有这个贫困户" in bad.content.decode()
    assert not Consultation.objects.exists()
    other = make_household(area_code="510802100001")  # Lizhou: not the technician's
    refused = client.post("/techaid/consultations/raise/",
                          {**body, "household_number": other.number})
    assert refused.status_code == 400 and not Consultation.objects.exists()
    ok = client.post("/techaid/consultations/raise/",
                     {**body, "household_number": household.number})
    assert ok.status_code == 302
    c = Consultation.objects.get()
    assert (c.household_id, c.area_code, c.raised_by_id) == (
        household.pk, wc.village, wc.technician.pk)
