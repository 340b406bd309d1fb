"""The needs list (需求清单) and its pages (core's generic Resource views)."""

from ..resources.needs import needs

urlpatterns = [*needs.urls("needs/")]
