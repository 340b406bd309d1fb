"""Bad input to the API answers 4xx with a Chinese reason, never 500, and changes nothing
(issue 8, DESIGN §7). Every check walks every registered viewset, so a new module is covered
by registering it."""

from __future__ import annotations

import json

import pytest
from django.apps import apps
from django.db import models
from rest_framework.test import APIRequestFactory

import fupin.api_urls  # noqa: F401 — registers every app's viewsets on the router
from fupin.core import bounds
from fupin.core.api import ScopedModelViewSet, ScopedReads, router
from fupin.core.models import AreaScopedModel
from fupin.core.testing.factories import factory_for

JSON = "application/json"


def scoped_viewsets() -> list[tuple[str, type]]:
    return [(prefix, viewset) for prefix, viewset, _basename in router.registry
            if issubclass(viewset, ScopedReads)]


def writable_viewsets() -> list[tuple[str, type]]:
    return [(prefix, viewset) for prefix, viewset in scoped_viewsets()
            if hasattr(viewset, "partial_update")]


def all_viewsets() -> list[tuple[str, type]]:
    return [(prefix, viewset) for prefix, viewset, _basename in router.registry]


@pytest.fixture
def worker(demo_users, client):
    user = demo_users["village_a"]
    client.force_login(user)
    return user


# --- ids in the path -------------------------------------------------------------------

@pytest.mark.parametrize(("prefix", "viewset"), all_viewsets(), ids=str)
@pytest.mark.parametrize("pk", ["abc", "1.5", "-1", "%00", "99999999999999999999999"])
def test_a_non_integer_or_huge_id_answers_404_json(prefix, viewset, pk, worker, client):
    url = f"/api/v1/{prefix}/{pk}/"
    for method in ("get", "patch", "put", "delete"):
        body = {} if method == "get" else {"data": "{}", "content_type": JSON}
        resp = getattr(client, method)(url, **body)
        # a write the role may not make can be refused (403/405) before the id is looked at
        allowed = {404} if method == "get" else {403, 404, 405}
        assert resp.status_code in allowed, f"{method.upper()} {url}: {resp.status_code}"
        assert resp["Content-Type"].startswith("application/json"), url
        assert "detail" in resp.json()


# --- query parameters ----------------------------------------------------------------------

@pytest.mark.parametrize("year", ["0", "-5", "99999", "1948", "2101", "2017.5", "abc"])
def test_a_course_year_outside_sense_answers_400_in_chinese(year, worker, client):
    resp = client.get(f"/api/v1/courses/?year={year}")
    assert resp.status_code == 400, resp.content
    assert "year" in resp.json()


def test_a_course_year_inside_bounds_filters(worker, client):
    assert client.get("/api/v1/courses/?year=2017").status_code == 200
    assert "1949 至 2100" in client.get("/api/v1/courses/?year=0").json()["year"][0]


@pytest.mark.parametrize(("prefix", "viewset"), all_viewsets(), ids=str)
def test_a_nul_character_in_a_query_answers_400(prefix, viewset, worker, client):
    # PostgreSQL cannot compare text holding NUL: before the guard, a 500 there
    for query in ("area=a%00b", "q=%00", "parent=51%00", "x%00=1"):
        resp = client.get(f"/api/v1/{prefix}/?{query}")
        assert resp.status_code == 400 and "空字符" in resp.json()["detail"], query


def test_a_nul_character_in_a_page_query_answers_400(worker, client):
    resp = client.get("/registry/persons/?q=%00")
    assert resp.status_code == 400 and "空字符" in resp.content.decode()


@pytest.mark.parametrize(("prefix", "viewset"), scoped_viewsets(), ids=str)
def test_a_damaged_cursor_answers_400(prefix, viewset, worker, client):
    resp = client.get(f"/api/v1/{prefix}/?cursor=not-a-cursor")
    assert resp.status_code == 400 and "cursor" in resp.json(), resp.content


# --- bodies ----------------------------------------------------------------------------

def test_a_json_body_nested_5000_deep_answers_400(worker, client):
    body = '{"name": ' + "[" * 5000 + "]" * 5000 + "}"
    for url in ("/api/v1/persons/", "/api/v1/households/", "/api/v1/auth/token/"):
        resp = client.post(url, data=body, content_type=JSON)
        assert resp.status_code == 400, f"{url}: {resp.status_code}"
        assert "嵌套过深" in resp.json()["detail"]


def test_a_json_body_nested_moderately_deep_answers_400(worker, client):
    body = "[" * 100 + "]" * 100
    resp = client.post("/api/v1/households/", data=body, content_type=JSON)
    assert resp.status_code == 400


def test_a_nul_character_in_a_body_answers_400(worker, client):
    resp = client.post("/api/v1/households/", data=json.dumps({"address": "a\x00b"}),
                       content_type=JSON)
    assert resp.status_code == 400 and "空字符" in resp.json()["detail"]


def test_a_delete_with_a_list_body_retires_without_reason(worker, client):
    from fupin.registry.tests.factories import make_household

    household = make_household(area_code=worker.scope_code)
    resp = client.delete(f"/api/v1/households/{household.pk}/", data="[1, 2]",
                         content_type=JSON)
    assert resp.status_code < 500, resp.content


def test_a_reveal_with_a_list_body_answers_4xx(worker, client):
    from fupin.registry.tests.factories import make_person

    person = make_person(area_code=worker.scope_code)
    resp = client.post(f"/api/v1/persons/{person.pk}/reveal/", data="[]", content_type=JSON)
    assert 400 <= resp.status_code < 500, resp.content


def test_the_api_speaks_json_only(worker, client):
    resp = client.post("/api/v1/households/", {"address": "x"})  # multipart
    assert resp.status_code == 415


# --- read-only and unknown fields ------------------------------------------------------------

def _read_only_fields(viewset, instance, user) -> list[str]:
    request = APIRequestFactory().patch("/")
    request.user = user
    serializer = viewset.serializer_class(instance, context={"request": request})
    return [name for name, field in serializer.fields.items()
            if field.read_only and name not in ScopedModelViewSet.accepted_read_only]


def _writer(demo_users, model):
    """The first of village worker, township officer, county officer who may write `model`
    (all three see village_a's records)."""
    from fupin.core.roles import can_write

    for name in ("village_a", "lizhou_township", "lizhou_county"):
        if can_write(demo_users[name], model):
            return demo_users[name]
    raise AssertionError(f"nobody may write {model.__name__}")


@pytest.mark.parametrize(("prefix", "viewset"), writable_viewsets(), ids=str)
def test_every_read_only_field_sent_in_an_update_is_refused_by_name(prefix, viewset,
                                                                       demo_users, client):
    record = factory_for(viewset.model)(area_code=demo_users["village_a"].scope_code)
    worker = _writer(demo_users, viewset.model)
    client.force_login(worker)
    url = f"/api/v1/{prefix}/{record.pk}/"
    shown = client.get(url).json()
    names = _read_only_fields(viewset, record, worker)
    assert "id" in names
    for name in names:
        for method in ("patch", "put"):
            body = {**({} if method == "patch" else shown), name: shown.get(name, "x"),
                    "version": record.version}
            if method == "put":
                body = {k: v for k, v in body.items()
                        if k == name or k == "version" or k not in names}
            resp = getattr(client, method)(url, data=body, content_type=JSON)
            assert resp.status_code == 400, f"{method.upper()} {prefix}.{name}: " \
                                            f"{resp.status_code} {resp.content[:200]}"
            assert name in resp.json(), f"{method.upper()} {prefix}.{name}: {resp.json()}"
    unknown = client.patch(url, data={"no_such_field": 1, "version": record.version},
                           content_type=JSON)
    assert unknown.status_code == 400 and "no_such_field" in unknown.json()
    before = record.version
    record.refresh_from_db()
    assert record.version == before, f"{prefix}: a refused update changed the record"


def test_an_enrolments_person_sent_in_a_patch_is_refused(worker, client):
    from fupin.training.tests.factories import make_enrolment, make_trainee

    enrolment = make_enrolment(area_code=worker.scope_code)
    other = make_trainee(area_code=worker.scope_code)
    resp = client.patch(f"/api/v1/enrolments/{enrolment.pk}/",
                        data={"person": other.pk, "version": enrolment.version},
                        content_type=JSON)
    assert resp.status_code == 400 and "只读" in resp.json()["person"][0]
    enrolment.refresh_from_db()
    assert enrolment.person_id != other.pk


def test_a_read_only_field_sent_on_creation_is_refused(worker, client):
    resp = client.post("/api/v1/households/", data={"address": "x", "version": 7, "head": 1},
                       content_type=JSON)
    assert resp.status_code == 400 and list(resp.json()) == ["head"]


# --- years and dates, bounded in one place (core.bounds) ------------------------------------

def _bounded_fields():
    """Every editable date field and every year field of every domain record."""
    for model in apps.get_models():
        if not issubclass(model, AreaScopedModel):
            continue
        for field in model._meta.get_fields():
            if not isinstance(field, models.Field) or not field.editable:
                continue
            if isinstance(field, models.DateField) and not isinstance(field,
                                                                       models.DateTimeField):
                yield model, field, bounds.validate_date
            elif field.name.endswith("_year") or field.name == "year":
                yield model, field, bounds.validate_year


def test_every_date_and_year_field_is_bounded():
    fields = list(_bounded_fields())
    assert len(fields) >= 14
    missing = [f"{m._meta.label}.{f.name}" for m, f, v in fields if v not in f.validators]
    assert not missing, f"without core.bounds validators: {missing}"


@pytest.mark.parametrize(("field", "value"), [("identified_year", 40569),
                                              ("exit_year", 12026), ("identified_year", 0)])
def test_a_household_year_outside_sense_is_refused(field, value, worker, client):
    resp = client.post("/api/v1/households/", data={field: value}, content_type=JSON)
    assert resp.status_code == 400 and "1949 至 2100" in resp.json()[field][0], resp.content


def test_a_post_established_in_year_3_is_refused(demo_users, client):
    county = demo_users["lizhou_county"]
    client.force_login(county)
    resp = client.post("/api/v1/welfare-posts/", data={
        "area_code": demo_users["village_a"].scope_code, "name": "保洁员", "kind": "01",
        "monthly_pay": "800", "established": "0003-01-01"}, content_type=JSON)
    assert resp.status_code == 400, resp.content
    assert "1900-01-01 至 2100-12-31" in resp.json()["established"][0]


def test_the_page_refuses_a_date_outside_bounds(demo_users, client):
    from django.urls import reverse

    from fupin.training.models import Course

    client.force_login(demo_users["lizhou_county"])
    resp = client.post(reverse("training:course_create"), {
        "area_code": "510802001", "name": "电焊工培训班", "kind": "02", "provider": "县就业局",
        "start_date": "0003-01-01", "end_date": "2017-01-10", "place": "县城", "capacity": 20,
        "subsidy_per_person": "800"})
    assert resp.status_code in (200, 400)
    assert "1900-01-01 至 2100-12-31" in resp.content.decode()
    assert not Course.objects.exists()


# --- the schema is true to the answers ----------------------------------------------------------

def _schema(client):
    return client.get("/api/schema/?format=json").json()


def test_schema_says_null_and_blank_where_the_answers_hold_them(worker, client):
    schemas = _schema(client)["components"]["schemas"]
    assert schemas["Area"]["properties"]["parent_code"].get("nullable") is True
    for name in ("work_place", "employment_status"):
        prop = schemas["Person"]["properties"][name]
        refs = [alt.get("$ref", "") for alt in prop.get("oneOf", [])]
        assert any(r.endswith("/BlankEnum") for r in refs), f"Person.{name}: {prop}"


def test_schema_documents_the_error_answers(worker, client):
    paths = _schema(client)["paths"]
    detail = paths["/api/v1/persons/{id}/"]
    assert {"400", "401", "403", "404", "409"} <= set(detail["patch"]["responses"])
    assert {"401", "403", "404"} <= set(detail["get"]["responses"])
    assert "400" in paths["/api/v1/courses/"]["get"]["responses"]
    assert detail["get"]["parameters"][0]["schema"]["pattern"] == "^[0-9]+$"
