"""Pairings through the services, the proposal page and the API: accept all-or-nothing
(a household paired meanwhile, a technician full), the checks of a single pairing (industry,
load, scope, one per household and industry), end and change of technician, scoping."""

import datetime

import pytest
from django.urls import reverse

from fupin.core.errors import ServiceError
from fupin.registry.tests.factories import make_household
from fupin.techaid import pairing as rules
from fupin.techaid import pairing_services as services
from fupin.techaid.models import Pairing, TechaidPolicy
from fupin.techaid.tests.factories_catalog import (
    make_household_industry,
    make_industry,
    make_technician,
)
from fupin.techaid.tests.factories_pairing import make_pairing

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(demo_users):
    from fupin.areas.models import Area

    township = demo_users["technician"].scope_code
    v1, v2 = Area.objects.filter(parent_id=township).order_by("code").values_list(
        "code", flat=True)[:2]
    tea = make_industry("茶叶")
    walnut = make_industry("核桃")
    households = [make_household(area_code=v1) for _ in range(3)]
    for h in households:
        make_household_industry(household=h, industry=tea)
    tech = make_technician(area_code=township, industries=[tea], name="李技术员")

    class W:
        pass

    x = W()
    x.users, x.officer, x.township, x.v1, x.v2 = demo_users, demo_users["wangcang_county"], \
        township, v1, v2
    x.tea, x.walnut, x.households, x.tech = tea, walnut, households, tech
    return x


def items_of(plan):
    return [{"household": p.household_id, "industry": p.industry_id,
             "technician": p.technician_id, "note": p.explanation} for p in plan.proposals]


def test_accept_writes_every_pairing_with_history_by_the_actor(w):
    plan = rules.proposal_for(user=w.officer, area=w.township)
    written = services.pairings_accept(actor=w.officer, items=items_of(plan))
    assert len(written) == 3
    pairings = Pairing.objects.filter(technician=w.tech)
    assert pairings.count() == 3
    p = pairings.first()
    assert p.note == "同乡镇、茶叶技术员，现服务 0 户" and p.started_on == datetime.date.today()
    assert p.history.first().history_user == w.officer


def test_accept_is_all_or_nothing_when_a_household_was_paired_meanwhile(w):
    plan = rules.proposal_for(user=w.officer, area=w.township)
    other = make_technician(area_code=w.township, industries=[w.tea], name="张技术员")
    make_pairing(household=w.households[1], industry=w.tea, technician=other)  # meanwhile
    with pytest.raises(ServiceError) as exc:
        services.pairings_accept(actor=w.officer, items=items_of(plan))
    assert "已有结对技术员" in exc.value.message and "全部未写入" in exc.value.message
    assert Pairing.objects.filter(technician=w.tech).count() == 0


def test_accept_rechecks_the_load_limit(w):
    TechaidPolicy.objects.create(pk=1, load_limit=2)
    plan = rules.proposal_for(user=w.officer, area=w.township)
    assert len(plan.proposals) == 2
    extra = make_household(area_code=w.v1)
    make_household_industry(household=extra, industry=w.tea)
    items = items_of(plan) + [{"household": extra.pk, "industry": w.tea.pk,
                               "technician": w.tech.pk, "note": ""}]
    with pytest.raises(ServiceError) as exc:
        services.pairings_accept(actor=w.officer, items=items)
    assert "达到上限 2 户" in exc.value.message
    assert not Pairing.objects.exists()


def test_accept_refuses_a_technician_of_another_industry(w):
    nut = make_technician(area_code=w.township, industries=[w.walnut], name="核桃技术员")
    with pytest.raises(ServiceError) as exc:
        services.pairings_accept(actor=w.officer, items=[{
            "household": w.households[0].pk, "industry": w.tea.pk, "technician": nut.pk}])
    assert "不服务茶叶产业" in exc.value.message
    assert not Pairing.objects.exists()


def test_create_checks_industry_load_and_one_per_household(w):
    services.pairing_create(actor=w.officer, data={
        "household": w.households[0], "industry": w.tea, "technician": w.tech,
        "started_on": "2017-03-01"})
    with pytest.raises(ServiceError, match="已有结对技术员"):
        services.pairing_create(actor=w.officer, data={
            "household": w.households[0], "industry": w.tea, "technician": w.tech,
            "started_on": "2017-03-01"})
    with pytest.raises(ServiceError, match="没有登记核桃产业"):
        both = make_technician(area_code=w.township, industries=[w.tea, w.walnut])
        services.pairing_create(actor=w.officer, data={
            "household": w.households[1], "industry": w.walnut, "technician": both,
            "started_on": "2017-03-01"})
    w.tech.load_limit = 1
    w.tech.save()
    with pytest.raises(ServiceError, match="达到上限 1 户"):
        services.pairing_create(actor=w.officer, data={
            "household": w.households[1], "industry": w.tea, "technician": w.tech,
            "started_on": "2017-03-01"})
    assert Pairing.objects.count() == 1


def test_create_outside_the_scope_is_refused(w):
    lizhou = w.users["lizhou_county"]
    with pytest.raises(ServiceError, match="管辖范围内没有这个贫困户"):
        services.pairing_create(actor=lizhou, data={
            "household": w.households[0], "industry": w.tea, "technician": w.tech,
            "started_on": "2017-03-01"})


def test_end_then_change_technician_keeps_both_in_history(w):
    p = services.pairing_create(actor=w.officer, data={
        "household": w.households[0], "industry": w.tea, "technician": w.tech,
        "started_on": "2017-03-01"})
    other = make_technician(area_code=w.township, industries=[w.tea], name="张技术员")
    with pytest.raises(ServiceError, match="更换原因"):
        services.pairing_change(actor=w.officer, pairing=p, technician=other,
                                on="2017-09-01", reason="")
    new = services.pairing_change(actor=w.officer, pairing=p, technician=other,
                                  on="2017-09-01", reason="调岗")
    p.refresh_from_db()
    assert p.ended_on == datetime.date(2017, 9, 1) and "调岗" in p.note
    assert (new.technician, new.started_on, new.ended_on) == (other, p.ended_on, None)
    with pytest.raises(ServiceError, match="已于"):
        services.pairing_end(actor=w.officer, pairing=p, ended_on="2017-10-01", reason="x")
    with pytest.raises(ServiceError, match="不能早于结对日期"):
        services.pairing_end(actor=w.officer, pairing=new, ended_on="2017-01-01", reason="x")


def test_the_proposal_page_accepts_selected_rows_and_says_when_all_fail(w, client):
    client.force_login(w.officer)
    url = reverse("techaid:pairing_propose")
    page = client.get(url, {"area": w.township})
    html = page.content.decode()
    assert page.status_code == 200 and "同乡镇、茶叶技术员，现服务 0 户" in html
    assert "progress-bar" in html
    key = f"{w.households[0].pk}-{w.tea.pk}"
    resp = client.post(url, {"area": w.township, "row": [key],
                             f"tech_{key}": str(w.tech.pk)}, follow=True)
    assert "已确认 1 户结对" in resp.content.decode()
    assert Pairing.objects.count() == 1
    # the row is gone from the proposal: posting it again writes nothing, and says so
    resp = client.post(url, {"area": w.township, "row": [key],
                             f"tech_{key}": str(w.tech.pk)}, follow=True)
    assert "全部未写入" in resp.content.decode() and Pairing.objects.count() == 1
    resp = client.post(url, {"area": w.township, "scope": "all"}, follow=True)
    assert "已确认 2 户结对" in resp.content.decode() and Pairing.objects.count() == 3


def test_the_proposal_page_is_for_officers_and_in_scope_only(w, client):
    client.force_login(w.users["technician"])
    assert client.get(reverse("techaid:pairing_propose")).status_code == 403
    client.force_login(w.users["lizhou_county"])
    assert client.get(reverse("techaid:pairing_propose"),
                      {"area": w.township}).status_code == 404


def test_a_technician_sees_only_their_township(w, client):
    p = make_pairing(household=w.households[0], industry=w.tea, technician=w.tech)
    elsewhere = make_pairing(household=make_household(area_code="510821101001"))
    client.force_login(w.users["technician"])
    html = client.get(reverse("techaid:pairing_list")).content.decode()
    assert reverse("techaid:pairing_detail", args=[p.pk]) in html
    assert reverse("techaid:pairing_detail", args=[elsewhere.pk]) not in html
    assert client.get(reverse("techaid:pairing_detail", args=[elsewhere.pk])).status_code == 404


def test_loads_page_counts_active_pairings(w, client):
    make_pairing(household=w.households[0], industry=w.tea, technician=w.tech)
    ended = make_pairing(household=w.households[1], industry=w.tea, technician=w.tech)
    ended.ended_on = datetime.date(2017, 5, 1)
    ended.save()
    client.force_login(w.officer)
    resp = client.get(reverse("techaid:pairing_loads"), {"area": w.township})
    row = [r for r in resp.context["rows"] if r["tech"].pk == w.tech.pk][0]
    assert (row["load"], row["limit"]) == (1, 30)


def test_api_create_goes_through_the_checks(w, client):
    client.force_login(w.officer)
    url = reverse("api:pairing-list")
    body = {"household": w.households[0].pk, "industry": w.tea.pk, "technician": w.tech.pk,
            "started_on": "2017-03-01"}
    assert client.post(url, body, content_type="application/json").status_code == 201
    again = client.post(url, body, content_type="application/json")
    assert again.status_code == 400 and "已有结对技术员" in again.content.decode()
    nut = make_technician(area_code=w.township, industries=[w.walnut])
    bad = client.post(url, {**body, "household": w.households[1].pk, "technician": nut.pk},
                      content_type="application/json")
    assert bad.status_code == 400 and "不服务茶叶产业" in bad.content.decode()
    pk = Pairing.objects.get().pk
    end = client.post(reverse("api:pairing-end", args=[pk]),
                      {"ended_on": "2017-06-01", "reason": "户已脱贫"},
                      content_type="application/json")
    assert end.status_code == 200 and end.json()["ended_on"] == "2017-06-01"


def test_the_list_filters_by_township_technician_and_state(w, client):
    mine = make_pairing(household=w.households[0], industry=w.tea, technician=w.tech)
    other_township = make_pairing(household=make_household(area_code="510821101001"))
    client.force_login(w.officer)
    url = reverse("techaid:pairing_list")

    def shown(**params):
        html = client.get(url, params).content.decode()
        return {p.pk for p in (mine, other_township)
                if reverse("techaid:pairing_detail", args=[p.pk]) in html}

    assert shown() == {mine.pk, other_township.pk}
    assert shown(township=w.township) == {mine.pk}
    assert shown(technician=w.tech.pk) == {mine.pk}
    assert shown(state="ended") == set()


def test_accept_all_takes_the_technicians_changed_on_the_page(w, client):
    other = make_technician(area_code=w.township, industries=[w.tea], name="张技术员")
    client.force_login(w.officer)
    key = f"{w.households[2].pk}-{w.tea.pk}"
    resp = client.post(reverse("techaid:pairing_propose"),
                       {"area": w.township, "scope": "all", f"tech_{key}": str(other.pk)},
                       follow=True)
    assert "已确认 3 户结对" in resp.content.decode()
    changed = Pairing.objects.get(household=w.households[2])
    assert changed.technician == other and changed.note.startswith("经办人指定")
