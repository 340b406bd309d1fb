from django.urls import path

from .views import pages

app_name = "core"
urlpatterns = [
    path("", pages.home, name="home"),
    path("retired/", pages.retired, name="retired"),
]
