"""Record factories that the generic tests use, one per scoped model, registered by each app
(in `<app>/tests/factories.py`, found by `autodiscover()`)."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.module_loading import autodiscover_modules

_factories: dict[type, Callable[..., object]] = {}


def register(model):
    """Decorator: `@register(Household)` on a function (area_code=..., **kw) -> saved record."""

    def deco(fn):
        _factories[model] = fn
        return fn

    return deco


def autodiscover() -> None:
    autodiscover_modules("tests.factories")


def factory_for(model):
    autodiscover()
    return _factories.get(model)
