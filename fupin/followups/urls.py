from .views import areas, needs, plans, visits, worklist

app_name = "followups"
urlpatterns = [
    *worklist.urlpatterns,
    *plans.urlpatterns,
    *visits.urlpatterns,
    *needs.urlpatterns,
    *areas.urlpatterns,
]
