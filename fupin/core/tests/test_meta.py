"""Meta-tests: rules every model of the product must keep."""

from django.apps import apps

import fupin.api_urls  # noqa: F401  (discovers every app's api.py)
from fupin.core.api import router
from fupin.core.resources import resource_for
from fupin.core.testing.factories import factory_for
from fupin.core.testing.scoping import scoped_models


def product_models():
    for model in apps.get_models():
        label = model._meta.app_config.name
        if not (label.startswith("fupin.") or label.startswith("tests.")):
            continue
        if model.__name__.startswith("Historical"):
            continue
        yield model


def test_every_domain_model_keeps_history():
    """DESIGN §7: every change to a domain record keeps history. Append-only audit logs
    (marked `audit_log = True`) and caches derived from the records (`derived_cache = True`)
    are the only exceptions."""
    missing = [m._meta.label for m in product_models()
               if not getattr(m, "audit_log", False) and not getattr(m, "derived_cache", False)
               and not hasattr(m, "history")]
    assert missing == []


def test_every_scoped_model_has_pages_api_and_factory():
    registered = {prefix for prefix, viewset, basename in router.registry}
    for model in scoped_models():
        name = model._meta.label
        assert resource_for(model) is not None, f"{name}: no Resource (pages, export)"
        assert factory_for(model) is not None, f"{name}: no test factory"
        assert any(getattr(vs, "model", None) is model for _p, vs, _b in router.registry), \
            f"{name}: no API viewset"
    assert registered
