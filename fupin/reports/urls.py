from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("indicators/", views.indicators_page, name="indicators"),
    path("zero-employment/", views.zero_employment, name="zero_employment"),
]
