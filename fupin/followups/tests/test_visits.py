"""Recording a follow-up visit (issue 10, items 3 and 8): one transaction, conflicts, retries,
scope, the photo, the API."""

import datetime
import io
import json
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fupin.core.errors import ServiceError
from fupin.employment.models import Employment
from fupin.employment.tests.factories import make_employment
from fupin.followups import visits
from fupin.followups.models import Need, Visit
from fupin.registry.tests.factories import make_person

D = datetime.date
URL = "/api/v1/followups/visits/"


@pytest.fixture
def worker(demo_users):
    return demo_users["village_a"]


@pytest.fixture
def person(worker):
    return make_person(area_code=worker.scope_code, name="张三")


def record(worker, person, **kw):
    data = {"visited_on": D(2017, 6, 1), "method": "home", "findings": "已返乡"}
    return visits.visit_record(actor=worker, person=person, data=data, **kw)


def test_a_visit_ends_a_job_in_one_transaction(worker, person):
    from fupin.employment import services

    job = services.employment_create(actor=worker, data={
        "person": person, "employer": "广元某电子厂", "place": "04",
        "start_date": D(2017, 3, 1)})
    person.refresh_from_db()
    employed = person.employment_status
    visit, created = record(worker, person, changes=[
        {"action": "end_employment", "id": job.pk, "version": job.version,
         "end_date": "2017-05-31"}], needs=[{"kind": "funds", "note": "想养鸡"}])
    assert created
    job.refresh_from_db()
    person.refresh_from_db()
    assert job.end_date == D(2017, 5, 31)
    assert person.employment_status != employed
    assert visit.changes[0]["action"] == "end_employment"
    assert visit.changes[0]["id"] == job.pk
    need = Need.objects.get(visit=visit)
    assert (need.kind, need.raised_on, need.raised_by, need.area_code) == \
        ("funds", D(2017, 6, 1), worker, person.area_code)
    assert visit.recorded_by == worker and visit.history.get().history_user == worker


def test_a_stale_version_is_a_conflict_and_nothing_is_written(worker, person):
    job = make_employment(person=person)
    stale = job.version
    Employment.objects.filter(pk=job.pk).update(version=stale + 1, monthly_income=4000)
    with pytest.raises(visits.Conflict) as caught:
        record(worker, person, changes=[
            {"action": "new_employment", "employer": "新厂", "place": "02",
             "start_date": "2017-05-01"},
            {"action": "change_income", "id": job.pk, "version": stale,
             "monthly_income": 3600}], needs=[{"kind": "funds"}])
    conflict = caught.value.conflicts[0]
    assert conflict["mine"]["monthly_income"] == 3600
    assert conflict["server"]["monthly_income"] == 4000
    assert not Visit.objects.exists() and not Need.objects.exists()
    assert Employment.objects.filter(person=person).count() == 1


def test_a_stale_intention_is_a_conflict(worker, person):
    with pytest.raises(visits.Conflict):
        record(worker, person, changes=[{"action": "change_intention",
                                         "version": person.version + 5, "wants_work": True}])
    assert not Visit.objects.exists()


def test_an_intention_change_goes_through_the_registry(worker, person):
    record(worker, person, changes=[{"action": "change_intention", "version": person.version,
                                     "wants_work": True, "expected_wage": 3000}])
    person.refresh_from_db()
    assert person.wants_work is True and person.expected_wage == 3000


@pytest.mark.parametrize(("change", "message"), [
    ({"action": "new_employment", "employer": "某厂", "place": "05",
      "start_date": "2017-05-01"}, "不是有效的务工地点"),
    ({"action": "new_employment", "employer": "某厂", "place": "",
      "start_date": "2017-05-01"}, "请选择务工地点"),
    ({"action": "change_intention", "work_place_wish": "9"}, "不是有效的务工地点"),
    ({"action": "change_intention", "training_wish": "乡镇"}, "不是有效的培训类型"),
    ({"action": "change_intention", "wants_work": "yes"}, "是"),
])
def test_bad_codes_are_refused_in_chinese_and_nothing_is_written(worker, person, change,
                                                                  message):
    job = make_employment(person=person)
    if change["action"] == "change_intention":
        change = {**change, "version": person.version}
    with pytest.raises(ServiceError, match=message):
        record(worker, person, changes=[
            {"action": "end_employment", "id": job.pk, "version": job.version,
             "end_date": "2017-05-31"}, change])
    assert not Visit.objects.exists()
    job.refresh_from_db()
    assert job.end_date is None and Employment.objects.filter(person=person).count() == 1
    person.refresh_from_db()
    assert person.work_place_wish == "" and person.training_wish == ""


def test_an_intention_change_takes_the_code_lists(worker, person):
    record(worker, person, changes=[{"action": "change_intention", "version": person.version,
                                     "wants_training": True, "training_wish": "02",
                                     "work_place_wish": "04", "industry_wish": "建筑"}])
    person.refresh_from_db()
    assert (person.training_wish, person.work_place_wish, person.industry_wish) == (
        "02", "04", "建筑")


def test_the_form_page_offers_the_code_lists_and_refuses_a_bad_place(client, login, worker,
                                                                     person):
    from fupin.core import codes

    login(worker)
    url = reverse("followups:visit_create_for", args=[person.pk])
    page = client.get(url).content.decode()
    for list_name in ("work_place", "training_kind"):
        for code, label in codes.choices(list_name):
            assert f'<option value="{code}"' in page and label in page
    assert 'name="work_place_wish"' in page and '<select class="form-select mb-2" ' \
        'id="work_place_wish"' in page
    assert "省内市外" not in page  # the old hard-coded list
    response = client.post(url, {"method": "home", "visited_on": "2017-06-01",
                                 "employer": "某厂", "place": "05",
                                 "start_date": "2017-05-01"})
    assert response.status_code == 400
    assert "不是有效的务工地点" in response.content.decode()
    assert not Visit.objects.exists() and not Employment.objects.filter(person=person).exists()
    response = client.post(url, {"method": "home", "visited_on": "2017-06-01",
                                 "change_intention": "on", "person_version": person.version,
                                 "wants_work": "on", "work_place_wish": "03",
                                 "training_wish": "01", "expected_wage": "2500"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.wants_work, person.work_place_wish, person.training_wish,
            person.expected_wage) == (True, "03", "01", 2500)


def test_the_api_refuses_a_bad_code_with_400(client, login, worker, person):
    login(worker)
    response = client.post(URL, {"person": person.pk, "visited_on": "2017-06-01",
                                 "method": "home", "changes": [
                                     {"action": "change_intention", "version": person.version,
                                      "work_place_wish": "77"}]},
                           content_type="application/json")
    assert response.status_code == 400
    assert response.json()["field"] == "work_place_wish"
    assert not Visit.objects.exists()


def test_a_retry_with_the_same_key_records_once(worker, person):
    key = str(uuid.uuid4())
    first, created = record(worker, person, client_key=key)
    again, created_again = record(worker, person, client_key=key)
    assert created and not created_again and first.pk == again.pk
    assert Visit.objects.count() == 1
    other = make_person(area_code=worker.scope_code)
    with pytest.raises(ServiceError):
        record(worker, other, client_key=key)


def test_dates_and_methods_are_checked(worker, person):
    with pytest.raises(ServiceError, match="晚于今天"):
        visits.visit_record(actor=worker, person=person,
                            data={"visited_on": datetime.date.today() + datetime.timedelta(days=2),
                                  "method": "home"})
    with pytest.raises(ServiceError, match="回访方式"):
        visits.visit_record(actor=worker, person=person,
                            data={"visited_on": D(2017, 1, 1), "method": "fax"})


def test_another_villages_person_is_refused(demo_users, person):
    with pytest.raises(ServiceError, match="管辖范围"):
        record(demo_users["village_b"], person)


def _jpeg_with_gps(size=(3000, 2000)):
    from PIL import Image

    image = Image.new("RGB", size, (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (32.0, 26.0, 0.0)
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    assert b"PhoneMaker" in out.getvalue()
    return out.getvalue()


def test_the_photo_is_resized_and_its_location_stripped(worker, person):
    from PIL import Image

    upload = SimpleUploadedFile("IMG_1.jpg", _jpeg_with_gps(), content_type="image/jpeg")
    visit, _created = record(worker, person, photo=upload)
    assert not visit.photo.name.endswith("IMG_1.jpg")
    stored = visit.photo.storage.open(visit.photo.name).read()
    assert b"PhoneMaker" not in stored
    image = Image.open(io.BytesIO(stored))
    assert max(image.size) == 1600
    assert not image.getexif()


def test_a_text_file_named_jpg_is_refused_in_chinese(worker, person):
    upload = SimpleUploadedFile("a.jpg", b"not an image at all", content_type="image/jpeg")
    with pytest.raises(ServiceError, match="不是有效的图片"):
        record(worker, person, photo=upload)
    assert not Visit.objects.exists()


# --- API ---------------------------------------------------------------------------------

def test_api_creates_then_replays_with_200(client, login, worker, person):
    login(worker)
    body = {"client_key": str(uuid.uuid4()), "person": person.pk, "visited_on": "2017-06-01",
            "method": "phone", "findings": "电话联系", "changes": [], "needs": []}
    first = client.post(URL, json.dumps(body), content_type="application/json")
    assert first.status_code == 201, first.content
    again = client.post(URL, json.dumps(body), content_type="application/json")
    assert again.status_code == 200 and again.json() == first.json()
    assert Visit.objects.count() == 1


def test_api_multipart_with_photo(client, login, worker, person):
    login(worker)
    body = {"person": person.pk, "visited_on": "2017-06-01", "method": "home"}
    photo = SimpleUploadedFile("p.jpg", _jpeg_with_gps((400, 300)), content_type="image/jpeg")
    response = client.post(URL, {"payload": json.dumps(body), "photo": photo})
    assert response.status_code == 201, response.content
    visit = Visit.objects.get()
    assert visit.photo
    shown = client.get(reverse("followups:visit_photo", args=[visit.pk]))
    assert shown.status_code == 200 and shown["Content-Type"] == "image/jpeg"


def test_api_conflict_is_409(client, login, worker, person):
    login(worker)
    job = make_employment(person=person)
    body = {"person": person.pk, "visited_on": "2017-06-01", "method": "home",
            "changes": [{"action": "end_employment", "id": job.pk,
                         "version": job.version + 1, "end_date": "2017-05-01"}]}
    response = client.post(URL, json.dumps(body), content_type="application/json")
    assert response.status_code == 409
    assert response.json()["code"] == "conflict" and response.json()["conflicts"]


@pytest.mark.parametrize("body", ["not json", "[]", json.dumps({"person": "x"}),
                                  json.dumps({"visited_on": "2017-06-01", "method": "home"}),
                                  json.dumps({"person": 1, "visited_on": "bad",
                                              "method": "home"})])
def test_api_bad_bodies_are_400(client, login, worker, person, body):
    login(worker)
    response = client.post(URL, body, content_type="application/json")
    assert response.status_code in (400, 404)
    assert "detail" in response.json()


def test_api_another_village_is_404_and_list_is_scoped(client, login, demo_users, person):
    login(demo_users["village_b"])
    body = {"person": person.pk, "visited_on": "2017-06-01", "method": "home"}
    response = client.post(URL, json.dumps(body), content_type="application/json")
    assert response.status_code == 404
    record(demo_users["village_a"], person)
    listed = client.get(URL).json()
    assert (listed.get("count", len(listed.get("results", listed))) == 0)


# --- the phone form ----------------------------------------------------------------------

def test_the_form_page_ends_a_job_and_redirects(client, login, worker, person):
    login(worker)
    job = make_employment(person=person)
    url = reverse("followups:visit_create_for", args=[person.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'capture="environment"' in page.content.decode()
    response = client.post(url, {"method": "home", "visited_on": "2017-06-01",
                                 "findings": "返乡", f"job_{job.pk}_version": job.version,
                                 f"job_{job.pk}_end_date": "2017-05-31", "needs": ["funds"]})
    assert response.status_code == 302, response.content.decode()[:2000]
    job.refresh_from_db()
    assert job.end_date == D(2017, 5, 31)
    assert Need.objects.filter(person=person, kind="funds").exists()


def test_the_form_page_shows_a_conflict_and_writes_nothing(client, login, worker, person):
    login(worker)
    job = make_employment(person=person)
    response = client.post(reverse("followups:visit_create_for", args=[person.pk]),
                           {"method": "home", "visited_on": "2017-06-01",
                            f"job_{job.pk}_version": job.version + 1,
                            f"job_{job.pk}_end_date": "2017-05-31"})
    assert response.status_code == 409
    assert not Visit.objects.exists()


def test_the_visits_list_is_scoped(client, login, demo_users, person):
    record(demo_users["village_a"], person, )
    login(demo_users["village_b"])
    page = client.get(reverse("followups:visit_list"))
    assert page.status_code == 200 and "张三" not in page.content.decode()
    login(demo_users["village_a"])
    assert "张三" in client.get(reverse("followups:visit_list")).content.decode()


def test_the_photo_is_served_only_to_who_sees_the_visit(client, login, demo_users, person):
    upload = SimpleUploadedFile("p.jpg", _jpeg_with_gps((300, 200)), content_type="image/jpeg")
    visit, _created = record(demo_users["village_a"], person, photo=upload)
    login(demo_users["village_b"])
    assert client.get(reverse("followups:visit_photo", args=[visit.pk])).status_code == 404


def test_the_ledger_refuses_bad_rows_and_writes_nothing(demo_users, person):
    from fupin.core.tabular.spec import ParsedRow
    from fupin.followups.imports import visits_import

    state = visits_import.start(actor=demo_users["village_a"])
    good = ParsedRow(line=2, values={"id_number": person.reveal("id_number"), "name": "张三",
                                     "visited_on": D(2017, 6, 1), "method": "home",
                                     "findings": "", "visitor": None, "need_kind": None}, raw=[])
    future = ParsedRow(line=3, values={**good.values,
                                       "visited_on": datetime.date.today()
                                       + datetime.timedelta(days=3)}, raw=[])
    wrong = ParsedRow(line=4, values={**good.values, "name": "李四"}, raw=[])
    rows = [good, future, wrong]
    visits_import.check(rows, state)
    assert not good.errors and future.errors and wrong.errors
    assert "晚于今天" in future.errors[0][1] and "不符" in wrong.errors[0][1]
