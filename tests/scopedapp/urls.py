from .resources import samples

app_name = "scopedapp"
urlpatterns = samples.urls()
