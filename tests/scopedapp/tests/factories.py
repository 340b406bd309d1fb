from fupin.core.testing.factories import register
from tests.scopedapp.models import Sample


@register(Sample)
def make_sample(*, area_code: str, **kw):
    return Sample.objects.create(area_code=area_code, name=kw.get("name", f"样例{area_code}"))
