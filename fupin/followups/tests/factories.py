"""Follow-up factories (visits helper): a valid visit in a person's village."""

import datetime

from fupin.core.testing.factories import register
from fupin.followups.models import Visit
from fupin.registry.tests.factories import make_person


@register(Visit)
def make_visit(*, area_code: str | None = None, person=None, **kw) -> Visit:
    person = person or make_person(area_code=area_code)
    data = {"visited_on": datetime.date(2017, 6, 1), "method": "home",
            "findings": "在家务农 有外出务工意愿", **kw}
    return Visit.objects.create(person=person, area_code=person.area_code, **data)
