from django.urls import path

from . import views
from .resources import households, persons

app_name = "registry"
urlpatterns = [
    *households.urls("households/"),
    *persons.urls("persons/"),
    path("persons/<int:pk>/reveal/<str:field>/", views.reveal, name="reveal"),
    path("incomplete/", views.incomplete, name="incomplete"),
]
