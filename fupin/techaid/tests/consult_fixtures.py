"""Fixtures of the consultations part's tests (imported by its test modules): a Wangcang
village and its worker, the demo expert linked to an Expert in the county's tea group, a
Lizhou expert, and `step` (a transition with its on-commit notifications run)."""

from __future__ import annotations

import io

import pytest

from fupin.core import workflows
from fupin.core.roles import Role
from fupin.core.testing.fixtures import TEST_PASSWORD
from fupin.techaid.models import Consultation
from fupin.techaid.tests.factories_catalog import make_expert, make_group, make_industry

WANGCANG, LIZHOU = "510821", "510802"
S = Consultation.Status


def jpeg(*, size=(2400, 1200), exif=True) -> io.BytesIO:
    """A JPEG photo as a phone takes it: large, with EXIF (camera make and GPS)."""
    from PIL import Image

    image = Image.new("RGB", size, (40, 120, 60))
    out = io.BytesIO()
    if exif:
        data = Image.Exif()
        data[0x010F] = "PhoneMaker"  # Make
        data[0x0110] = "Model X"  # Model
        gps = {1: "N", 2: (32.0, 13.0, 0.0), 3: "E", 4: (106.0, 17.0, 0.0)}
        data[0x8825] = gps  # GPSInfo
        image.save(out, format="JPEG", exif=data.tobytes())
    else:
        image.save(out, format="JPEG")
    out.seek(0)
    out.name = "IMG_0001.jpg"
    return out


def upload(content: bytes | io.BytesIO, name="IMG_0001.jpg", kind="image/jpeg"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    raw = content.getvalue() if hasattr(content, "getvalue") else content
    return SimpleUploadedFile(name, raw, content_type=kind)


@pytest.fixture
def wc(demo_users):
    """The Wangcang world: a village and its worker, the tea group with the demo expert as
    chief, a second member, another group (核桃) with another expert, a Lizhou expert."""
    from fupin.accounts.services import user_upsert
    from fupin.areas.models import Area

    township = demo_users["technician"].scope_code
    village = Area.objects.filter(parent_id=township).order_by("code").first().code
    other_village = Area.objects.filter(parent_id=township).order_by("code").last().code
    worker, _c = user_upsert(username="wc_village", role=Role.VILLAGE_WORKER,
                             scope_code=village, password=TEST_PASSWORD, full_name="旺苍信息员")
    worker2, _c = user_upsert(username="wc_village2", role=Role.VILLAGE_WORKER,
                              scope_code=other_village, password=TEST_PASSWORD)
    expert_user2, _c = user_upsert(username="wc_expert2", role=Role.EXPERT,
                                   scope_code=WANGCANG, password=TEST_PASSWORD)
    walnut_user, _c = user_upsert(username="wc_walnut", role=Role.EXPERT, scope_code=WANGCANG,
                                  password=TEST_PASSWORD)
    lz_user, _c = user_upsert(username="lz_expert", role=Role.EXPERT, scope_code=LIZHOU,
                              password=TEST_PASSWORD)
    tea, walnut = make_industry("茶叶"), make_industry("核桃")
    chief = make_expert(area_code=WANGCANG, industries=[tea], user=demo_users["expert"],
                        name="王首席")
    member = make_expert(area_code=WANGCANG, industries=[tea], user=expert_user2, name="李专家")
    walnut_expert = make_expert(area_code=WANGCANG, industries=[walnut], user=walnut_user,
                                name="赵核桃")
    lz_expert = make_expert(area_code=LIZHOU, industries=[tea], user=lz_user, name="利州专家")
    group = make_group(area_code=WANGCANG, industry=tea, chief=chief, members=[member])
    walnut_group = make_group(area_code=WANGCANG, industry=walnut, chief=walnut_expert)
    lz_group = make_group(area_code=LIZHOU, industry=tea, chief=lz_expert)

    class W:
        pass

    w = W()
    w.__dict__.update(
        users=demo_users, village=village, other_village=other_village, worker=worker,
        worker2=worker2, county=demo_users["wangcang_county"], expert=demo_users["expert"],
        expert2=expert_user2, walnut_user=walnut_user, lz_user=lz_user, tea=tea,
        walnut=walnut, chief=chief, member=member, walnut_expert=walnut_expert,
        lz_expert=lz_expert, group=group, walnut_group=walnut_group, lz_group=lz_group,
        technician=demo_users["technician"])
    return w


@pytest.fixture
def step(django_capture_on_commit_callbacks):
    """Take a transition and run what it does after commit (notifications)."""

    def run(actor, obj, name, reason="", **payload):
        with django_capture_on_commit_callbacks(execute=True):
            done = workflows.transition(actor=actor, obj=obj, name=name, reason=reason,
                                        **payload)
        return done

    return run


@pytest.fixture
def raise_(wc, django_capture_on_commit_callbacks):
    """Raise a consultation in the Wangcang village as its worker (or `actor`)."""
    from fupin.techaid import consultations as services

    def run(actor=None, photos=(), **data):
        body = {"area_code": wc.village, "industry": wc.tea.pk, "title": "茶树叶片发黄",
                "description": "新梢叶片发黄，叶缘焦枯", "urgency": "normal", **data}
        with django_capture_on_commit_callbacks(execute=True):
            return services.consultation_raise(actor=actor or wc.worker, data=body,
                                               photos=photos)

    return run
