from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    path("", include("fupin.core.urls")),
    path("accounts/", include("fupin.accounts.urls")),
    path("areas/", include("fupin.areas.urls")),
    path("registry/", include("fupin.registry.urls")),
    path("training/", include("fupin.training.urls")),
    path("employment/", include("fupin.employment.urls")),
    path("followups/", include("fupin.followups.urls")),
    path("techaid/", include("fupin.techaid.urls")),
    path("reports/", include("fupin.reports.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("api/v1/", include("fupin.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # the split view serves its init script as a file: no inline script (CSP, settings.py)
    path("api/docs/", SpectacularSwaggerSplitView.as_view(
        url_name="schema", template_name="api/swagger_ui.html"), name="api-docs"),
    path("admin/", admin.site.urls),
]
