"""Pages of the employment lists: the shared generic views, driven by the resources."""

import datetime
from decimal import Decimal

from fupin.employment import services
from fupin.employment.models import Employment, Placement, Venture, WelfarePost
from fupin.employment.tests.factories import (
    make_employment,
    make_placement,
    make_post,
    make_venture,
)
from fupin.registry.tests.factories import fake_id, make_person

D = datetime.date


def test_navigation_has_the_four_lists(demo_users, client):
    client.force_login(demo_users["village_a"])
    html = client.get("/").content.decode()
    for label, url in [("转移就业", "/employment/employments/"),
                       ("自主创业", "/employment/ventures/"),
                       ("公益性岗位", "/employment/posts/"),
                       ("岗位安置", "/employment/placements/")]:
        assert label in html and f'href="{url}"' in html


def test_employment_list_filters(demo_users, client):
    actor = demo_users["village_a"]
    far = make_employment(area_code=actor.scope_code, employer="深圳某厂", place="04",
                          industry="电子", channel="job_fair")
    near = make_employment(person=make_person(area_code=actor.scope_code, name="李四"),
                           employer="本县某厂", place="02", industry="建筑",
                           channel="relatives", end_date=D(2017, 9, 1))
    client.force_login(actor)
    url = "/employment/employments/"

    def shown(**params):
        html = client.get(url, params).content.decode()
        return {e.pk for e in (far, near) if f"{url}{e.pk}/" in html}

    assert shown() == {far.pk, near.pk}
    assert shown(place="04") == {far.pk}
    assert shown(channel="relatives") == {near.pk}
    assert shown(state="open") == {far.pk}
    assert shown(state="ended") == {near.pk}
    assert shown(industry="建筑") == {near.pk}
    assert shown(q="李四") == {near.pk}
    assert shown(q="ls") == {near.pk}
    assert shown(area=actor.scope_code) == {far.pk, near.pk}
    html = client.get(url).content.decode()
    assert "省外务工" in html and "招聘会" in html  # codes shown as their labels


def test_create_employment_by_id_number_then_edit_keeps_the_person(demo_users, client):
    actor = demo_users["village_a"]
    ident = fake_id()
    person = make_person(area_code=actor.scope_code, name="赵六", id_number=ident)
    client.force_login(actor)
    form = client.get("/employment/employments/new/").content.decode()
    assert 'type="date"' in form and "身份证号" in form
    resp = client.post("/employment/employments/new/", {
        "person": ident, "employer": "广元某物流公司", "place": "03", "industry": "物流",
        "start_date": "2017-04-01", "monthly_income": "3200", "channel": "referral",
        "contract": "on", "full_time": "on"})
    assert resp.status_code == 302, resp.content.decode()[:2000]
    e = Employment.objects.get()
    assert (e.person_id, e.area_code, e.contract) == (person.pk, person.area_code, True)
    person.refresh_from_db()
    assert person.employment_status == "employed"
    edit = client.get(f"/employment/employments/{e.pk}/edit/").content.decode()
    assert person.id_number_masked in edit and ident not in edit
    resp = client.post(f"/employment/employments/{e.pk}/edit/", {
        "person": person.id_number_masked, "employer": "广元某物流公司", "place": "03",
        "start_date": "2017-04-01", "end_date": "2017-12-31", "_version": "1"})
    assert resp.status_code == 302, resp.content.decode()[:2000]
    e.refresh_from_db()
    assert e.end_date == D(2017, 12, 31) and e.person_id == person.pk and e.version == 2
    page = client.get(f"/employment/employments/{e.pk}/").content.decode()
    assert f"/registry/persons/{person.pk}/" in page and "赵六" in page and "否" in page
    assert ident not in page


def test_form_errors_are_chinese_and_save_nothing(demo_users, client):
    actor = demo_users["village_a"]
    outsider = make_person(area_code=demo_users["village_b"].scope_code)
    person = make_person(area_code=actor.scope_code)
    client.force_login(actor)
    base = {"employer": "某厂", "place": "04", "start_date": "2017-04-01"}
    resp = client.post("/employment/employments/new/", {**base, "person": "510802198505010011"})
    assert resp.status_code == 400 and "校验位" in resp.content.decode()
    resp = client.post("/employment/employments/new/",
                       {**base, "person": outsider.reveal("id_number")})
    assert resp.status_code == 400 and "没有登记这个身份证号" in resp.content.decode()
    resp = client.post("/employment/employments/new/", {
        **base, "person": person.reveal("id_number"), "end_date": "2017-01-01"})
    assert resp.status_code == 400 and "结束日期不能早于开始日期" in resp.content.decode()
    assert not Employment.objects.exists()


def test_new_record_for_a_person_from_their_page(demo_users, client):
    actor = demo_users["village_a"]
    person = make_person(area_code=actor.scope_code, name="钱七")
    client.force_login(actor)
    url = f"/employment/ventures/new/?person={person.pk}"
    form = client.get(url).content.decode()
    assert person.id_number_masked in form and "钱七" in form
    resp = client.post(url, {"person": person.id_number_masked, "business": "钱七茶园",
                             "start_date": "2017-05-01", "employees": "4",
                             "poor_employees": "2", "loan_amount": "50000",
                             "loan_bank": "广元市商业银行", "loan_start": "2017-05-10",
                             "loan_end": "2019-05-09", "interest_subsidy": "3000"})
    assert resp.status_code == 302, resp.content.decode()[:2000]
    v = Venture.objects.get()
    assert v.person_id == person.pk and v.loan_amount == Decimal(50000)
    page = client.get(f"/employment/ventures/{v.pk}/").content.decode()
    assert 'data-section="loan"' in page and "广元市商业银行" in page and "3000" in page


def test_venture_without_loan_says_so(demo_users, client):
    actor = demo_users["village_a"]
    v = make_venture(area_code=actor.scope_code)
    client.force_login(actor)
    assert "未办理创业担保贷款" in client.get(f"/employment/ventures/{v.pk}/").content.decode()


def test_post_page_shows_current_holder_and_history(demo_users, client):
    actor = demo_users["village_a"]
    post = make_post(area_code=actor.scope_code, name="护林员", kind="02")
    old = make_placement(person=make_person(area_code=actor.scope_code, name="老周"),
                         post=post, start_date=D(2017, 2, 1), end_date=D(2018, 1, 31))
    now = make_placement(person=make_person(area_code=actor.scope_code, name="小吴"),
                         post=post, start_date=D(2018, 2, 1))
    client.force_login(actor)
    page = client.get(f"/employment/posts/{post.pk}/").content.decode()
    holder = page.split('data-section="holder"')[1].split('data-section="placements"')[0]
    assert "小吴" in holder and "老周" not in holder
    history = page.split('data-section="placements"')[1]
    assert f"/employment/placements/{old.pk}/" in history
    assert f"/employment/placements/{now.pk}/" in history
    assert f"/employment/placements/new/?post={post.pk}" in page
    listing = client.get("/employment/posts/").content.decode()
    assert "小吴" in listing and "护林员" in listing
    assert f"/employment/posts/{post.pk}/" in client.get(
        "/employment/posts/", {"vacancy": "held"}).content.decode()
    assert f"/employment/posts/{post.pk}/" not in client.get(
        "/employment/posts/", {"vacancy": "vacant"}).content.decode()


def test_place_a_person_from_the_post_page_and_end_it(demo_users, client):
    actor = demo_users["village_a"]
    post = make_post(area_code=actor.scope_code)
    person = make_person(area_code=actor.scope_code)
    client.force_login(actor)
    url = f"/employment/placements/new/?post={post.pk}"
    form = client.get(url).content.decode()
    assert f'value="{post.pk}" selected' in form
    resp = client.post(url, {"post": post.pk, "person": person.reveal("id_number"),
                             "start_date": "2017-03-01"})
    assert resp.status_code == 302, resp.content.decode()[:2000]
    pl = Placement.objects.get()
    person.refresh_from_db()
    assert person.employment_status == "welfare_post"
    resp = client.post(f"/employment/placements/{pl.pk}/edit/", {
        "post": post.pk, "person": person.id_number_masked, "start_date": "2017-03-01",
        "end_date": "2017-12-31", "_version": pl.version})
    assert resp.status_code == 302
    person.refresh_from_db()
    assert person.employment_status == "unemployed"


def test_second_holder_is_refused_on_the_page(demo_users, client):
    actor = demo_users["village_a"]
    post = make_post(area_code=actor.scope_code)
    make_placement(person=make_person(area_code=actor.scope_code, name="甲"), post=post,
                   start_date=D(2017, 2, 1))
    other = make_person(area_code=actor.scope_code, name="乙")
    client.force_login(actor)
    resp = client.post("/employment/placements/new/", {
        "post": post.pk, "person": other.reveal("id_number"), "start_date": "2017-06-01"})
    assert resp.status_code == 400 and "同一时间只能安置一人" in resp.content.decode()
    assert Placement.objects.count() == 1


def test_create_post_with_the_area_picker(demo_users, client):
    actor = demo_users["village_a"]
    client.force_login(actor)
    resp = client.post("/employment/posts/new/", {
        "area_code": actor.scope_code, "name": "水管员", "kind": "04", "monthly_pay": "600",
        "established": "2017-01-01"})
    assert resp.status_code == 302, resp.content.decode()[:2000]
    assert WelfarePost.objects.get().area_code == actor.scope_code
    resp = client.post("/employment/posts/new/", {
        "area_code": actor.scope_code, "name": "水管员", "kind": "04", "monthly_pay": "600",
        "established": "2017-01-01"})
    assert resp.status_code == 400 and "本村已有名为" in resp.content.decode()


def test_retire_post_from_its_page_and_refused_restore_says_why(demo_users, client):
    actor, admin = demo_users["village_a"], demo_users["admin"]
    post = make_post(area_code=actor.scope_code)
    a = make_person(area_code=actor.scope_code, name="甲")
    pl = services.placement_create(actor=actor, data={"post": post, "person": a,
                                                      "start_date": D(2017, 2, 1)})
    client.force_login(actor)
    client.post(f"/employment/posts/{post.pk}/retire/", {"reason": "撤岗"})
    pl.refresh_from_db()
    assert pl.retired_at is not None
    client.force_login(admin)
    resp = client.post(f"/employment/placements/{pl.pk}/restore/", follow=True)
    assert resp.status_code == 200 and "请先恢复岗位" in resp.content.decode()
    pl.refresh_from_db()
    assert pl.retired_at is not None


def test_end_a_placement_on_another_villages_post_from_the_page(demo_users, client):
    a, b = demo_users["village_a"], demo_users["village_b"]
    theirs = make_post(area_code=b.scope_code, name="外村保洁员")
    person = make_person(area_code=a.scope_code)
    pl = make_placement(person=person, post=theirs, start_date=D(2017, 2, 1))
    client.force_login(a)
    page = client.get(f"/employment/placements/{pl.pk}/").content.decode()
    assert "外村保洁员" in page and f"/employment/posts/{theirs.pk}/" not in page
    resp = client.post(f"/employment/placements/{pl.pk}/edit/", {
        "post": theirs.pk, "person": person.id_number_masked, "start_date": "2017-02-01",
        "end_date": "2017-09-30", "_version": pl.version})
    assert resp.status_code == 302, resp.content.decode()[:2000]
    pl.refresh_from_db()
    assert pl.end_date == D(2017, 9, 30)
