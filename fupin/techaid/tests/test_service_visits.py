"""Service visits: recorded by the paired technician (or an officer for them) with the
measures of the issued prescriptions of the household's village; bad inputs refused with
nothing written; the technician's households page and workbench card; the household page's
section and timeline."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from fupin.core.errors import ServiceError
from fupin.registry.tests.factories import make_household
from fupin.techaid import service_visits as services
from fupin.techaid.models import (
    Measure,
    MeasureResult,
    Mission,
    Prescription,
    ServiceVisit,
)
from fupin.techaid.tests.factories_catalog import make_expert, make_industry, make_technician
from fupin.techaid.tests.factories_pairing import make_pairing

pytestmark = pytest.mark.django_db


def prescription(village, industry, *, number, status=Prescription.Status.ISSUED):
    leader = make_expert()
    mission = Mission.objects.filter(area_code=village).first() or Mission.objects.create(
        area_code=village, name="特派团", leader=leader, formed_on=datetime.date(2017, 1, 5))
    p = Prescription.objects.create(area_code=village, number=number, mission=mission,
                                    industry=industry, year=2017, problems="茶饼病",
                                    diagnosis="湿度大", status=status)
    m = Measure.objects.create(prescription=p, order=1, name="春季修剪", timing="3月")
    return p, m


@pytest.fixture
def w(demo_users):
    from fupin.areas.models import Area

    tech_user = demo_users["technician"]
    township = tech_user.scope_code
    v1, v2 = Area.objects.filter(parent_id=township).order_by("code").values_list(
        "code", flat=True)[:2]
    tea = make_industry("茶叶")
    tech = make_technician(area_code=township, industries=[tea], user=tech_user, name="李技术员")
    household = make_household(area_code=v1)
    pairing = make_pairing(household=household, industry=tea, technician=tech)
    _p, measure = prescription(v1, tea, number="CF-1")
    _q, other_village = prescription(v2, tea, number="CF-2")

    class W:
        pass

    x = W()
    x.users, x.tech_user, x.tech, x.household, x.pairing = demo_users, tech_user, tech, \
        household, pairing
    x.tea, x.measure, x.other_village, x.v1, x.v2 = tea, measure, other_village, v1, v2
    return x


def photo_file(fmt="JPEG"):
    out = io.BytesIO()
    image = Image.new("RGB", (3000, 2000), "green")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    image.save(out, format=fmt, exif=exif)
    return SimpleUploadedFile("a.jpg", out.getvalue(), content_type="image/jpeg")


def test_the_paired_technician_records_a_visit_with_results_and_a_photo(w):
    visit = services.visit_record(
        actor=w.tech_user, household=w.household,
        data={"visited_on": "2017-06-01", "notes": "指导修剪"},
        results=[{"measure": w.measure.pk, "adoption": "部分采用", "effect": "亩产增 10%",
                  "carried_out_on": "2017-05-20"}], photo=photo_file())
    assert (visit.technician, visit.recorded_by, visit.area_code) == (w.tech, w.tech_user, w.v1)
    result = visit.results.get()
    assert (result.adoption, result.effect) == ("partly", "亩产增 10%")
    stored = Image.open(io.BytesIO(visit.photo.storage.open(visit.photo.name).read()))
    assert max(stored.size) == 1600 and not stored.getexif()


def bad(w, **kw):
    data = {"visited_on": "2017-06-01", "notes": ""}
    data.update(kw.pop("data", {}))
    before = (ServiceVisit.objects.count(), MeasureResult.objects.count())
    with pytest.raises(ServiceError) as exc:
        services.visit_record(actor=kw.pop("actor", w.tech_user),
                              household=kw.pop("household", w.household), data=data, **kw)
    assert (ServiceVisit.objects.count(), MeasureResult.objects.count()) == before
    return exc.value.message


def test_a_household_not_paired_with_this_technician_is_refused(w):
    stranger = make_household(area_code=w.v1)
    assert "未与" in bad(w, household=stranger)
    other = make_technician(area_code=w.tech.area_code, industries=[w.tea])
    officer = w.users["wangcang_county"]
    assert "未与" in bad(w, actor=officer, data={"technician": other.pk})


def test_a_visit_before_the_pairing_began_is_refused(w):
    assert "未与" in bad(w, data={"visited_on": "2016-12-31"})


def test_a_measure_of_another_villages_prescription_is_refused(w):
    message = bad(w, results=[{"measure": w.other_village.pk, "adoption": "adopted"}])
    assert "不属于该户所在村" in message


def test_a_measure_of_a_draft_prescription_is_refused(w):
    _p, draft = prescription(w.v1, w.tea, number="CF-3", status=Prescription.Status.DRAFT)
    assert "不属于该户所在村" in bad(w, results=[{"measure": draft.pk, "adoption": "adopted"}])


def test_adoption_is_required_for_a_measure(w):
    assert "采用情况" in bad(w, results=[{"measure": w.measure.pk, "adoption": ""}])
    assert "已采用、部分采用 或 未采用" in bad(
        w, results=[{"measure": w.measure.pk, "adoption": "maybe"}])


def test_a_file_that_is_not_an_image_is_refused(w):
    fake = SimpleUploadedFile("x.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg")
    assert "不是有效的图片" in bad(w, photo=fake)


def test_a_date_in_the_future_is_refused(w):
    later = (datetime.date.today() + datetime.timedelta(days=2)).isoformat()
    assert "不能晚于今天" in bad(w, data={"visited_on": later})


def test_a_technician_cannot_record_for_another_technician(w):
    other = make_technician(area_code=w.tech.area_code, industries=[w.tea])
    assert "只能记录本人" in bad(w, data={"technician": other.pk})


def test_an_officer_records_on_behalf_of_the_technician(w):
    officer = w.users["wangcang_county"]
    visit = services.visit_record(actor=officer, household=w.household,
                                  data={"visited_on": "2017-06-01", "technician": w.tech.pk})
    assert (visit.technician, visit.recorded_by) == (w.tech, officer)


def test_the_phone_form_records_a_visit(w, client):
    client.force_login(w.tech_user)
    url = reverse("techaid:servicevisit_record", args=[w.household.pk])
    page = client.get(url)
    assert page.status_code == 200 and "春季修剪" in page.content.decode()
    resp = client.post(url, {"visited_on": "2017-06-01", "notes": "入户",
                             f"adoption_{w.measure.pk}": "adopted", "photo": photo_file()})
    assert resp.status_code == 302
    assert ServiceVisit.objects.get().results.get().adoption == "adopted"
    resp = client.post(url, {"visited_on": "2017-06-02", f"effect_{w.measure.pk}": "好"})
    assert resp.status_code == 400 and "采用情况" in resp.content.decode()
    assert ServiceVisit.objects.count() == 1


def test_my_households_and_the_workbench_card(w, client):
    from fupin.core import workbench

    client.force_login(w.tech_user)
    cards = {c["card"].key: c for c in workbench.cards_for(w.tech_user)}
    assert cards["techaid_unvisited"]["count"] == 1
    page = client.get(cards["techaid_unvisited"]["url"])
    assert f'data-household="{w.household.pk}"' in page.content.decode()
    services.visit_record(actor=w.tech_user, household=w.household,
                          data={"visited_on": datetime.date.today().isoformat()})
    cards = {c["card"].key: c for c in workbench.cards_for(w.tech_user)}
    assert cards["techaid_unvisited"]["count"] == 0
    assert f'data-household="{w.household.pk}"' not in client.get(
        reverse("techaid:pairing_mine") + "?due=1").content.decode()


def test_the_household_page_shows_technician_prescriptions_visits_and_timeline(w, client):
    services.visit_record(actor=w.tech_user, household=w.household,
                          data={"visited_on": "2017-06-01", "notes": "指导修剪"})
    client.force_login(w.users["wangcang_county"])
    html = client.get(reverse("registry:household_detail", args=[w.household.pk])
                      ).content.decode()
    assert "data-techaid-household" in html
    assert "茶叶：李技术员" in html and "CF-1" in html and "CF-2" not in html
    assert "技术服务：李技术员" in html and "结对技术员：李技术员（茶叶）" in html


def test_the_api_records_a_visit_with_nested_results(w, client):
    client.force_login(w.tech_user)
    url = reverse("api:servicevisit-list")
    resp = client.post(url, {"household": w.household.pk, "visited_on": "2017-06-01",
                             "results": [{"measure": w.measure.pk, "adoption": "not"}]},
                       content_type="application/json")
    assert resp.status_code == 201, resp.content
    assert resp.json()["results"][0]["adoption"] == "not"
    refused = client.post(url, {"household": w.household.pk, "visited_on": "2017-06-02",
                                "results": [{"measure": w.other_village.pk,
                                             "adoption": "not"}]},
                          content_type="application/json")
    assert refused.status_code == 400 and "不属于该户所在村" in refused.content.decode()
    assert ServiceVisit.objects.count() == 1


def test_the_photo_is_served_in_scope_only(w, client):
    visit = services.visit_record(actor=w.tech_user, household=w.household,
                                  data={"visited_on": "2017-06-01"}, photo=photo_file())
    url = reverse("techaid:servicevisit_photo", args=[visit.pk])
    client.force_login(w.tech_user)
    resp = client.get(url)
    assert resp.status_code == 200 and resp["Content-Type"] == "image/jpeg"
    assert resp["Cache-Control"] == "private, no-store"
    client.force_login(w.users["lizhou_county"])
    assert client.get(url).status_code == 404


def test_the_api_takes_a_photo_in_multipart(w, client):
    import json

    client.force_login(w.tech_user)
    resp = client.post(reverse("api:servicevisit-list"), {
        "payload": json.dumps({"household": w.household.pk, "visited_on": "2017-06-01"}),
        "photo": photo_file()})
    assert resp.status_code == 201, resp.content
    assert resp.json()["has_photo"] is True
    fake = SimpleUploadedFile("x.jpg", b"GIF89a-but-not", content_type="image/jpeg")
    resp = client.post(reverse("api:servicevisit-list"), {
        "payload": json.dumps({"household": w.household.pk, "visited_on": "2017-06-02"}),
        "photo": fake})
    assert resp.status_code == 400 and "不是有效的图片" in resp.content.decode()
    assert ServiceVisit.objects.count() == 1
