from django.urls import path

from . import views
from .resources import households, national_reports, persons

app_name = "registry"
urlpatterns = [
    *households.urls("households/"),
    *persons.urls("persons/"),
    path("persons/<int:pk>/reveal/<str:field>/", views.reveal, name="reveal"),
    path("incomplete/", views.incomplete, name="incomplete"),
    *national_reports.urls("national-reports/"),
    path("national/", views.national, name="national"),
    path("national/<int:pk>/outdated/", views.national_outdated, name="national_outdated"),
]
