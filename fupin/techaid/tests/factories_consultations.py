"""Test factories of the consultations part (registered with core.testing.factories):
consultations and on-site visits made directly (the services are tested on their own)."""

import datetime
import itertools

from django.utils import timezone

from fupin.core.testing.factories import register
from fupin.techaid.models import Consultation, OnsiteVisit

from .factories_catalog import make_industry

_seq = itertools.count(900001)


@register(Consultation)
def make_consultation(*, area_code: str, industry=None, status=None, raised_by=None,
                      **kw) -> Consultation:
    """A consultation of the village `area_code` (12 digits), by default 待分诊 and due in
    24 hours / 7 days."""
    now = kw.pop("raised_at", None) or timezone.now()
    data = {"title": "茶树叶片发黄", "description": "新梢叶片发黄，叶缘焦枯", "urgency": "normal",
            "answer_due_at": now + datetime.timedelta(hours=24),
            "solve_due_at": now + datetime.timedelta(days=7), **kw}
    if status is not None:
        data["status"] = status
    return Consultation.objects.create(
        area_code=area_code, industry=industry or make_industry(), raised_at=now,
        raised_by=raised_by, number=kw.pop("number", None) or f"HZ{now.year}-{next(_seq):06d}",
        **{k: v for k, v in data.items() if k != "number"})


@register(OnsiteVisit)
def make_onsite_visit(*, area_code: str, consultation=None, **kw) -> OnsiteVisit:
    consultation = consultation or make_consultation(area_code=area_code,
                                                     status=Consultation.Status.ONSITE)
    data = {"planned_on": timezone.localdate() + datetime.timedelta(days=2), **kw}
    return OnsiteVisit.objects.create(consultation=consultation,
                                      area_code=consultation.area_code, **data)
