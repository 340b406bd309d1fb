"""Pages of the catalog part."""

urlpatterns = []
