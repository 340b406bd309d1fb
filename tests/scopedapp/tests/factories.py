from fupin.core.testing.factories import register
from tests.scopedapp.models import Sample, Ticket


@register(Sample)
def make_sample(*, area_code: str, **kw):
    return Sample.objects.create(area_code=area_code, name=kw.get("name", f"样例{area_code}"))


@register(Ticket)
def make_ticket(*, area_code: str, **kw):
    kw.setdefault("name", f"工单{area_code}")
    return Ticket.objects.create(area_code=area_code, **kw)
