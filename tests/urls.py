from django.urls import include, path

from fupin.urls import urlpatterns as product_urls

urlpatterns = [
    path("scoped/", include("tests.scopedapp.urls")),
    *product_urls,
]
