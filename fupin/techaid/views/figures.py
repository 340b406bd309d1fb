"""Pages of the figures part."""

urlpatterns = []
