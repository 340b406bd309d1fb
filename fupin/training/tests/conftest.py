import datetime

import pytest
from django.utils import timezone


@pytest.fixture
def township(demo_users):
    """The township of village_a and village_b (where lizhou_township works)."""
    return demo_users["lizhou_township"].scope_code


@pytest.fixture
def other_township(demo_users, township):
    from fupin.areas.models import Area

    return (Area.objects.filter(parent_id="510802", level="township").exclude(pk=township)
            .order_by("code").values_list("code", flat=True).first())


@pytest.fixture
def today():
    return timezone.localdate()


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)
