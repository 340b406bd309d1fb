from django.urls import path

from . import views
from .resources import employments, placements, posts, ventures

app_name = "employment"
urlpatterns = [
    *employments.urls("employments/"),
    *ventures.urls("ventures/"),
    *posts.urls("posts/"),
    *placements.urls("placements/"),
    path("zero-employment/", views.zero_employment, name="zero_employment"),
]
