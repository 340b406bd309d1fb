"""Pages of the prescriptions part."""

urlpatterns = []
