from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "reports"
urlpatterns = [
    path("indicators/", views.indicators_page, name="indicators"),
    # the working list moved to its owner, employment: old links and bookmarks still land
    path("zero-employment/", RedirectView.as_view(pattern_name="employment:zero_employment",
                                                  query_string=True), name="zero_employment"),
]
