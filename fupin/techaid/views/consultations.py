"""Pages of the consultations part."""

urlpatterns = []
