from fupin.core.models import AccessLog
from fupin.registry.models import Person
from fupin.registry.tests.factories import fake_id, make_household, make_person


def test_api_lists_masked_with_area_code_and_filters(demo_users, client):
    actor = demo_users["village_a"]
    ident = fake_id()
    make_person(area_code=actor.scope_code, name="张三", id_number=ident, phone="13812345678")
    make_person(area_code=actor.scope_code, name="李四", labour_capacity="04")
    client.force_login(actor)
    body = client.get("/api/v1/persons/?q=zs").json()
    assert [r["name"] for r in body["results"]] == ["张三"]
    row = body["results"][0]
    assert row["area_code"] == actor.scope_code
    assert ident not in str(body) and "13812345678" not in str(body)
    assert row["phone_masked"] == "138****5678"
    body = client.get("/api/v1/persons/?labour_capacity=04").json()
    assert [r["name"] for r in body["results"]] == ["李四"]


def test_api_refuses_a_bad_id_number_and_reveals_to_staff_only(demo_users, client):
    actor = demo_users["village_a"]
    hh = make_household(area_code=actor.scope_code)
    client.force_login(actor)
    ident = fake_id()
    resp = client.post("/api/v1/persons/", {
        "household": hh.pk, "name": "王五", "id_number": ident, "relation": "01",
        "labour_capacity": "01", "phone": "13912345678"}, content_type="application/json")
    assert resp.status_code == 201, resp.content
    pk = resp.json()["id"]
    bad = client.post("/api/v1/persons/", {"household": hh.pk, "name": "x", "id_number": "123",
                                           "relation": "03"}, content_type="application/json")
    assert bad.status_code == 400 and "18 位" in bad.content.decode()
    revealed = client.post(f"/api/v1/persons/{pk}/reveal/", {"field": "id_number"},
                           content_type="application/json")
    assert revealed.json() == {"value": ident}
    assert AccessLog.objects.filter(action="reveal").count() == 1
    client.force_login(demo_users["leader"])
    assert client.post(f"/api/v1/persons/{pk}/reveal/", {"field": "id_number"},
                       content_type="application/json").status_code == 403


def test_api_household_out_of_scope_is_refused(demo_users, client):
    other = make_household(area_code=demo_users["village_b"].scope_code)
    client.force_login(demo_users["village_a"])
    resp = client.post("/api/v1/persons/", {
        "household": other.pk, "name": "王五", "id_number": fake_id(), "relation": "01",
        "labour_capacity": "01"}, content_type="application/json")
    assert resp.status_code == 400
    assert not Person.objects.exists()


def test_api_households(demo_users, client):
    actor = demo_users["village_a"]
    client.force_login(actor)
    resp = client.post("/api/v1/households/", {"area_code": actor.scope_code,
                                               "poverty_cause": "01"},
                       content_type="application/json")
    assert resp.status_code == 201, resp.content
    assert resp.json()["number"].startswith(actor.scope_code)
    assert client.get("/api/v1/households/").json()["results"][0]["poverty_cause"] == "01"
