"""/api/v1/: one router that each app's api.py registers its viewsets with."""

from django.urls import include, path, re_path
from django.utils.module_loading import autodiscover_modules

from fupin.accounts.api import MeView, TokenView
from fupin.core.api import not_found, router
from fupin.reports.api import IndicatorsView

autodiscover_modules("api")

app_name = "api"
urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="token"),
    path("me/", MeView.as_view(), name="me"),
    path("indicators/", IndicatorsView.as_view(), name="indicators"),
    path("", include(router.urls)),
    re_path(r"", not_found),  # last: whatever no route above matched
]
