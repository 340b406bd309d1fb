from fupin.core.api import ScopedModelViewSet, TransitionsMixin, router

from .models import Sample, Ticket
from .resources import SampleSerializer, TicketSerializer


class SampleViewSet(ScopedModelViewSet):
    model = Sample
    serializer_class = SampleSerializer


class TicketViewSet(TransitionsMixin, ScopedModelViewSet):
    model = Ticket
    serializer_class = TicketSerializer


router.register("samples", SampleViewSet, basename="sample")
router.register("tickets", TicketViewSet, basename="ticket")
