"""Pages of the pairing part."""

urlpatterns = []
