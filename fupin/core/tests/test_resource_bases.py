"""The shared resource test bases (core/testing/resources.py): every registered Resource has
a declared test class, and the bases fail when what they test is broken (shown on the
Sample resource of tests/scopedapp)."""

import pytest

from fupin.core.resources import all_resources
from fupin.core.testing.factories import factory_for
from fupin.core.testing.foreign import builder_for
from fupin.core.testing.resources import ResourceTests, World, declared_tests


def test_every_resource_has_a_declared_test_class():
    declared = declared_tests()
    missing = [r.model._meta.label for r in all_resources() if r.model not in declared]
    assert missing == [], ("declare a ResourceTests subclass in <app>/tests/"
                           f"test_resource_views.py for {missing}")
    for resource in all_resources():
        cls = declared[resource.model]
        assert cls.resource is resource, f"{cls.__name__} tests another instance"


def test_the_generic_tests_the_bases_rely_on_can_run():
    """What the bases leave to the generic tests (scoping, personal data, import scope) runs
    for every declared resource: they build its records from its factory, and walk its
    import spec's foreign rows."""
    for model, cls in declared_tests().items():
        assert factory_for(model) is not None, f"{model._meta.label}: no test factory"
        spec = cls.resource.import_spec
        if spec is not None:
            assert builder_for(spec.name) is not None, f"{spec.name}: no foreign-row builder"


def test_inapplicable_tests_are_not_collected():
    from fupin.registry.tests import test_resource_views as registry

    national = registry.TestNationalReportViews
    assert national.test_create_through_the_form is None and national.test_api_create is None
    assert national.test_every_write_is_refused is not None
    assert national.test_export_reimports_without_change is None  # no import spec
    households = registry.TestHouseholdViews
    assert households.test_every_write_is_refused is None
    assert callable(households.test_stale_edit_is_refused)


# --- the test of the test: break what a base tests and it fails ------------------------------

@pytest.fixture
def sample(demo_users, client):
    from tests.scopedapp.tests import test_resource_views as module

    tests = module.TestSampleViews()
    actor = demo_users[tests.actor]
    client.force_login(actor)
    return tests, World(users=demo_users, actor=actor, client=client, area=actor.scope_code,
                        other=demo_users[tests.outsider].scope_code)


def _fails(test, w, match):
    with pytest.raises(AssertionError, match=match):
        test(w)


def test_an_edit_that_saves_nothing_fails(sample, monkeypatch):
    from tests.scopedapp.resources import SampleResource

    tests, w = sample
    monkeypatch.setattr(SampleResource, "update", lambda self, *, instance, **kw: instance)
    _fails(tests.test_edit_changes_the_record_and_keeps_history, w, "not saved as sent")


def test_a_missing_version_guard_fails(sample, monkeypatch):
    from fupin.core import services

    tests, w = sample
    monkeypatch.setattr(services, "check_version", lambda current, expected: None)
    _fails(tests.test_stale_edit_is_refused, w, "stale edit answered")


def test_restore_by_anyone_fails(sample, monkeypatch):
    from fupin.core.views import generic

    tests, w = sample
    monkeypatch.setattr(generic, "can_restore", lambda user: True)
    _fails(tests.test_retire_then_only_a_restorer_restores, w, "actor's restore")


def test_create_outside_the_scope_fails(sample, monkeypatch):
    from fupin.core import scoping

    tests, w = sample  # the form's area check and the service's, both gone
    monkeypatch.setattr(scoping, "in_scope", lambda user, code: True)
    monkeypatch.setattr(scoping, "assert_in_scope", lambda user, code: None)
    _fails(tests.test_create_in_another_scope_is_refused, w, "another scope")


def test_a_list_showing_retired_records_fails(sample, monkeypatch):
    from fupin.core.models import ScopedQuerySet

    tests, w = sample
    monkeypatch.setattr(ScopedQuerySet, "active", lambda self: self)
    _fails(tests.test_list_shows_active_records_and_hides_retired, w, "retired")


def test_history_by_another_user_fails(sample, monkeypatch):
    from fupin.core import services

    tests, w = sample
    admin = w.users["admin"]
    original = services._stamp
    monkeypatch.setattr(services, "_stamp", lambda obj, actor: original(obj, admin))
    _fails(tests.test_edit_changes_the_record_and_keeps_history, w, "history row")


def test_an_export_without_its_log_fails(sample, monkeypatch):
    from fupin.core.tabular import export

    tests, w = sample
    monkeypatch.setattr(export.personal, "export_log", lambda **kw: None)
    _fails(tests.test_export_holds_active_records_and_is_logged, w, "not logged")


def test_the_base_itself_declares_nothing():
    assert ResourceTests.resource is None
    assert not any(cls is ResourceTests for cls in declared_tests().values())


def test_a_resource_without_a_test_class_fails_the_meta_test(monkeypatch):
    from fupin.core.testing import resources
    from tests.scopedapp.models import Sample

    declared_tests()  # every app's classes imported (they register once, on import)
    monkeypatch.delitem(resources._declared, Sample)
    with pytest.raises(AssertionError, match="scopedapp.Sample"):
        test_every_resource_has_a_declared_test_class()
