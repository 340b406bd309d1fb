"""Registry pages: lists with filters and search, household and person pages, forms."""

from fupin.core.models import AccessLog
from fupin.registry.models import Household, Person
from fupin.registry.tests.factories import fake_id, make_household, make_person


def test_person_search_by_name_pinyin_id_and_phone(demo_users, client):
    actor = demo_users["village_a"]
    ident = fake_id()
    zhang = make_person(area_code=actor.scope_code, name="张三", id_number=ident,
                        phone="13812345678")
    make_person(area_code=actor.scope_code, name="李四", relation="01")
    client.force_login(actor)
    url = "/registry/persons/"
    for q in ("张三", "zs", "zhangsan", "ZS", ident, ident.lower(), "13812345678",
              "１３８１２３４５６７８"):
        html = client.get(url, {"q": q}).content.decode()
        assert f"/registry/persons/{zhang.pk}/" in html, q
        assert "李四" not in html, q
    assert "张三" not in client.get(url, {"q": "13800000000"}).content.decode()


def test_person_filters(demo_users, client):
    actor = demo_users["village_a"]
    able = make_person(area_code=actor.scope_code, name="甲", labour_capacity="01")
    unable = make_person(area_code=actor.scope_code, name="乙", labour_capacity="04")
    client.force_login(actor)
    html = client.get("/registry/persons/", {"labour_capacity": "04"}).content.decode()
    assert f"/registry/persons/{unable.pk}/" in html
    assert f"/registry/persons/{able.pk}/" not in html
    html = client.get("/registry/persons/", {"complete": "no", "labourer": "yes"}).content.decode()
    assert f"/registry/persons/{able.pk}/" in html
    assert f"/registry/persons/{unable.pk}/" not in html


def test_list_masks_personal_data_for_everyone(demo_users, client):
    """Staff see the staff mask; a leader only the region (core/personal.py, DESIGN §1)."""
    actor = demo_users["village_a"]
    ident = fake_id()
    make_person(area_code=actor.scope_code, id_number=ident, phone="13812345678")
    for user, mask in ((actor, ident[:6] + "********" + ident[-4:]),
                       (demo_users["leader"], ident[:6] + "*" * 12)):
        client.force_login(user)
        html = client.get("/registry/persons/").content.decode()
        assert ident not in html and mask in html


def test_person_page_sections_and_reveal(demo_users, client):
    actor = demo_users["village_a"]
    person = make_person(area_code=actor.scope_code, phone="13812345678")
    client.force_login(actor)
    html = client.get(f"/registry/persons/{person.pk}/").content.decode()
    for key in ("identity", "intention", "status"):
        assert f'data-section="{key}"' in html
    assert "13812345678" not in html and "138****5678" in html
    revealed = client.post(f"/registry/persons/{person.pk}/reveal/phone/")
    assert revealed.status_code == 200 and "13812345678" in revealed.content.decode()
    assert AccessLog.objects.filter(action="reveal", field="phone", actor=actor).count() == 1
    client.force_login(demo_users["leader"])
    html = client.get(f"/registry/persons/{person.pk}/").content.decode()
    assert "hx-post" not in html  # no reveal button for a leader
    assert client.post(f"/registry/persons/{person.pk}/reveal/phone/").status_code == 404
    client.force_login(demo_users["village_b"])
    assert client.post(f"/registry/persons/{person.pk}/reveal/phone/").status_code == 404


def test_household_page_lists_members(demo_users, client):
    actor = demo_users["village_a"]
    head = make_person(area_code=actor.scope_code, name="王大")
    make_person(household=head.household, name="王小", relation="03")
    client.force_login(actor)
    html = client.get(f"/registry/households/{head.household_id}/").content.decode()
    assert "王大" in html and "王小" in html and "添加成员" in html


def test_create_household_then_person_through_forms(demo_users, client):
    actor = demo_users["village_a"]
    client.force_login(actor)
    resp = client.post("/registry/households/new/", {"area_code": actor.scope_code,
                                                      "identified_year": "2015",
                                                      "poverty_cause": "01"})
    assert resp.status_code == 302
    hh = Household.objects.get()
    assert hh.number.startswith(actor.scope_code)
    form = client.get(f"/registry/persons/new/?household={hh.number}").content.decode()
    assert hh.number in form
    ident = fake_id()
    resp = client.post("/registry/persons/new/", {
        "household_number": hh.number, "name": "赵六", "id_number": ident,
        "relation": "01", "labour_capacity": "01", "phone": "139 1234 5678",
        "wants_training": "true", "training_wish": "02"})
    assert resp.status_code == 302, resp.content.decode()[:3000]
    person = Person.objects.get()
    assert person.reveal("phone") == "13912345678" and person.wants_training is True
    hh.refresh_from_db()
    assert hh.head_id == person.pk


def test_form_errors_are_inline_in_chinese_and_save_nothing(demo_users, client):
    actor = demo_users["village_a"]
    hh = make_household(area_code=actor.scope_code)
    client.force_login(actor)
    resp = client.post("/registry/persons/new/", {
        "household_number": hh.number, "name": "赵六", "id_number": "510802198505010011",
        "relation": "01", "labour_capacity": "01", "phone": "12345"})
    html = resp.content.decode()
    assert resp.status_code == 400
    assert "校验位" in html and "不是有效的电话号码" in html
    resp = client.post("/registry/persons/new/", {
        "household_number": "不存在", "name": "赵六", "id_number": fake_id(),
        "relation": "01", "labour_capacity": "01"})
    assert "户编号不存在" in resp.content.decode()
    assert not Person.objects.exists()


def test_edit_keeps_protected_values_when_left_empty(demo_users, client):
    actor = demo_users["village_a"]
    person = make_person(area_code=actor.scope_code, phone="13812345678")
    client.force_login(actor)
    page = client.get(f"/registry/persons/{person.pk}/edit/").content.decode()
    assert "13812345678" not in page and "138****5678" in page
    data = {"household_number": person.household.number, "name": "新名字", "relation": "01",
            "labour_capacity": "02", "_version": "1"}
    assert client.post(f"/registry/persons/{person.pk}/edit/", data).status_code == 302
    person.refresh_from_db()
    assert person.name == "新名字" and person.reveal("phone") == "13812345678"


def test_incomplete_page_per_village(demo_users, client):
    actor = demo_users["lizhou_township"]
    a = make_person(area_code=demo_users["village_a"].scope_code, name="缺项甲")
    client.force_login(actor)
    html = client.get("/registry/incomplete/").content.decode()
    assert "翠屏" in html
    html = client.get("/registry/incomplete/", {"area": a.area_code}).content.decode()
    assert "缺项甲" in html and "文化程度" in html


def test_history_tab_shows_masked_changes_not_ciphertext(demo_users, client):
    from fupin.registry import services

    actor = demo_users["village_a"]
    person = make_person(area_code=actor.scope_code, phone="13812345678")
    services.person_update(actor=actor, person=person, data={"skills": "电焊"},
                           protected={"phone": "13987654321"}, expected_version=1)
    client.force_login(actor)
    html = client.get(f"/registry/persons/{person.pk}/history/").content.decode()
    assert "138****5678" in html and "139****4321" in html and "电焊" in html
    assert "v1:" not in html and "13987654321" not in html


def test_incomplete_page_names_a_village_workers_own_village(demo_users, client):
    actor = demo_users["village_a"]
    make_person(area_code=actor.scope_code, name="缺项乙")
    client.force_login(actor)
    html = client.get("/registry/incomplete/").content.decode()
    assert actor.scope_area.name in html and f">{actor.scope_code}<" not in html


def test_household_page_offers_retirement_through_the_shared_layout(demo_users, client):
    from fupin.registry.tests.factories import make_person

    actor = demo_users["village_a"]
    person = make_person(area_code=actor.scope_code)
    client.force_login(actor)
    page = f"/registry/households/{person.household_id}/"
    html = client.get(page).content.decode()
    assert "家庭成员一并停用" in html and f"{page}retire/" in html
    client.force_login(demo_users["leader"])
    html = client.get(f"/registry/households/{person.household_id}/").content.decode()
    assert "retire-reason" not in html  # leaders change nothing
