from .resources import samples, tickets

app_name = "scopedapp"
urlpatterns = [*samples.urls(), *tickets.urls()]
