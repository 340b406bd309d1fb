"""The generic scoping test: every scoped model, through pages and API (DESIGN §1)."""

import pytest

from fupin.core import scoping
from fupin.core.models import ScopedQuerySet
from fupin.core.resources import resource_for
from fupin.core.testing.scoping import check_model_scoping, scoped_models


def _run(model, demo_users, client):
    user = demo_users["village_a"]
    client.force_login(user)
    check_model_scoping(model, client=client, user=user, area_a=user.scope_code,
                        area_b=demo_users["village_b"].scope_code)


@pytest.mark.parametrize("model", scoped_models(), ids=lambda m: m._meta.label)
def test_village_worker_cannot_reach_another_village(model, demo_users, client):
    _run(model, demo_users, client)


def test_scoped_models_are_discovered():
    labels = {m._meta.label for m in scoped_models()}
    assert "scopedapp.Sample" in labels


# --- the test of the test: remove scoping and the generic check must fail ----------------

def test_check_fails_when_scoping_is_removed_from_a_model(demo_users, client, monkeypatch):
    from tests.scopedapp.models import Sample

    monkeypatch.setattr(ScopedQuerySet, "visible_to", lambda self, user: self)
    with pytest.raises(AssertionError, match="out-of-scope"):
        _run(Sample, demo_users, client)


def test_check_fails_when_a_resource_reads_around_scoping(demo_users, client, monkeypatch):
    from tests.scopedapp.models import Sample

    resource = resource_for(Sample)
    monkeypatch.setattr(type(resource), "queryset", lambda self, user: Sample.objects.all())
    with pytest.raises(AssertionError, match="out-of-scope"):
        _run(Sample, demo_users, client)


def test_check_fails_for_a_model_without_resource(demo_users, client, monkeypatch):
    from fupin.core import resources
    from tests.scopedapp.models import Sample

    monkeypatch.setattr(resources, "_registry", {})
    with pytest.raises(AssertionError, match="no Resource"):
        _run(Sample, demo_users, client)


# --- the scoping rules themselves --------------------------------------------------------

def test_scope_fails_closed(demo_users, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    no_scope = django_user_model.objects.create(username="noscope", role="village_worker")
    assert scoping.user_scope_code(AnonymousUser()) is None
    assert scoping.user_scope_code(no_scope) is None
    inactive = demo_users["village_a"]
    inactive.is_active = False
    assert scoping.user_scope_code(inactive) is None
    assert scoping.user_scope_code(demo_users["lizhou_county"]) == "510802"


def test_county_officer_sees_whole_county(demo_users, client):
    from tests.scopedapp.models import Sample

    a = Sample.objects.create(name="甲", area_code=demo_users["village_a"].scope_code)
    b = Sample.objects.create(name="乙", area_code=demo_users["village_b"].scope_code)
    w = Sample.objects.create(name="旺", area_code=demo_users["technician"].scope_code + "001")
    county = demo_users["lizhou_county"]
    visible = set(Sample.objects.visible_to(county).values_list("pk", flat=True))
    assert visible == {a.pk, b.pk}
    assert w.pk in set(Sample.objects.visible_to(demo_users["admin"]).values_list("pk",
                                                                                    flat=True))


def test_check_fails_when_the_api_ignores_the_area_filter(demo_users, client, monkeypatch):
    from fupin.core.api import ScopedModelViewSet
    from tests.scopedapp.models import Sample

    monkeypatch.setattr(ScopedModelViewSet, "filter_queryset",
                        lambda self, queryset: queryset)
    with pytest.raises(AssertionError, match="not filtered by area"):
        _run(Sample, demo_users, client)


def test_requested_area_is_checked_against_the_scope_in_one_place(demo_users,
                                                                  django_user_model):
    from django.http import Http404

    worker, county = demo_users["village_a"], demo_users["lizhou_county"]
    assert scoping.requested_area(worker, None) == worker.scope_code
    assert scoping.requested_area(county, worker.scope_code) == worker.scope_code
    for user, value in [(worker, county.scope_code), (worker, "51080200100x"),
                        (county, "510821"), (county, "5108020010011")]:
        with pytest.raises(Http404):
            scoping.requested_area(user, value)
    nobody = django_user_model.objects.create_user("noscope", password="x")
    with pytest.raises(Http404):
        scoping.requested_area(nobody, None)
    root = django_user_model.objects.create_superuser("root", password="x")
    assert scoping.requested_area(root, None) == ""


@pytest.mark.parametrize("url", ["/reports/indicators/?year=2017", "/employment/zero-employment/",
                                 "/registry/national/", "/api/v1/indicators/?year=2017",
                                 "/api/v1/national-reports/mismatches/"])
def test_a_superuser_opens_the_drill_downs_of_everything(url, demo_users, client,
                                                         django_user_model):
    """A superuser's scope is everything (''): the pages answer, not 404 (they did)."""
    client.force_login(django_user_model.objects.create_superuser("root", password="x"))
    assert client.get(url).status_code == 200
    client.force_login(demo_users["village_a"])
    assert client.get(url + ("&" if "?" in url else "?") + "area=510821").status_code == 404
