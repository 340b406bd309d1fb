"""Pages of the figures part."""
from django.http import HttpResponse
from django.urls import path


def ranking(request):
    return HttpResponse("")


urlpatterns = [path("ranking/", ranking, name="ranking")]
