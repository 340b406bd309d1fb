from django.urls import path

from . import views

app_name = "areas"
urlpatterns = [
    path("", views.browse, name="browse"),
    path("picker/", views.picker, name="picker"),
    path("poor-villages/export/", views.poor_villages_export, name="poor_villages_export"),
    path("<str:code>/poor-village/", views.poor_village_edit, name="poor_village_edit"),
]
