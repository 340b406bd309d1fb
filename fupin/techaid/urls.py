from .views import catalog, consultations, figures, pairing, prescriptions

app_name = "techaid"
urlpatterns = [
    *catalog.urlpatterns,
    *consultations.urlpatterns,
    *prescriptions.urlpatterns,
    *pairing.urlpatterns,
    *figures.urlpatterns,
]
