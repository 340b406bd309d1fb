from fupin.core.api import ScopedModelViewSet, router

from .models import Sample
from .resources import SampleSerializer


class SampleViewSet(ScopedModelViewSet):
    model = Sample
    serializer_class = SampleSerializer


router.register("samples", SampleViewSet, basename="sample")
