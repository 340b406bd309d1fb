"""A consultation on phones, in Chinese (issue 11, "done when"): a Wangcang village worker
raises it with a photo from the camera input, the county officer routes it in one tap, the
tea group's expert answers it from the queue, the village worker confirms it solved with a
rating, and the county's figures on the consultation list (counted from the records) move."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from fupin.core.roles import Role
from tests.browser.nav import assert_fits_phone

PASSWORD = "Guangyuan@2017"  # the password the demo_users fixture gives every demo user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, username: str) -> None:
    """Sign out whoever is signed in (the top bar's 退出), then sign in as `username`."""
    leave = page.get_by_role("button", name="退出")
    if page.url.startswith(live_server.url) and leave.count():
        leave.click()
        page.wait_for_load_state("networkidle")
    page.context.clear_cookies()
    page.goto(live_server.url + "/accounts/login/")
    page.locator('input[name="username"]').fill(username)
    page.locator('input[name="password"]').fill(PASSWORD)
    page.locator('form button[type="submit"]').click()
    expect(page).to_have_url(live_server.url + "/")
    expect(page.get_by_role("navigation", name="顶部栏")).to_contain_text(
        get_user_model().objects.get(username=username).display_name)


def photo_bytes() -> bytes:
    from PIL import Image

    image = Image.new("RGB", (2000, 1500), (60, 140, 70))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def test_a_village_worker_raises_an_expert_answers_and_the_county_figure_moves(
        page, live_server, demo_users, artifacts_dir):
    from fupin.accounts.services import user_upsert
    from fupin.areas.models import Area
    from fupin.registry.tests.factories import make_household, make_person
    from fupin.techaid.models import Consultation
    from fupin.techaid.tests.factories_catalog import make_expert, make_group, make_industry

    township = demo_users["technician"].scope_code
    village = Area.objects.filter(parent_id=township).order_by("code").first().code
    user_upsert(username="wc_village", role=Role.VILLAGE_WORKER, scope_code=village,
                password=PASSWORD, full_name="旺苍信息员")
    tea = make_industry("茶叶")
    chief = make_expert(area_code="510821", industries=[tea], user=demo_users["expert"],
                        name="王首席")
    make_group(area_code="510821", industry=tea, chief=chief, name="茶叶产业专家服务组")
    household = make_household(area_code=village)
    make_person(household=household, name="陈茶农")

    # the county's figure before: nothing solved
    log_in(page, live_server, "wangcang_county")
    page.goto(live_server.url + "/techaid/consultations/")
    expect(page.locator('[data-testid="figure-solved"]')).to_have_text("0")

    # 1. the village worker raises it with a photo
    log_in(page, live_server, "wc_village")
    page.goto(live_server.url + "/techaid/consultations/raise/")
    form = page.locator('[data-testid="raise-form"]')
    camera = form.locator('input[type="file"][name="photos"]')
    assert camera.get_attribute("capture") == "environment"
    assert camera.get_attribute("accept") == "image/*"
    form.locator('select[name="industry"]').select_option(label="茶叶")
    form.locator('select[name="household"]').select_option(str(household.pk))
    form.locator('input[name="title"]').fill("茶树新梢叶片发黄")
    form.locator('textarea[name="description"]').fill("近一周新梢叶片发黄，叶缘焦枯，约三亩")
    form.locator('label[for="urgency-urgent"]').click()
    camera.set_input_files(files=[{"name": "IMG_0001.jpg", "mimeType": "image/jpeg",
                                   "buffer": photo_bytes()}])
    assert_fits_phone(page, "raise form")
    form.get_by_role("button", name="提交").click()
    expect(page.locator(".alert-success")).to_contain_text("会诊已提出")
    c = Consultation.objects.get()
    assert (c.area_code, c.household_id, c.urgency, c.photos.count()) == \
        (village, household.pk, "urgent", 1)
    img = page.locator('[data-testid="photos"] img').first
    expect(img).to_be_visible()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                           arg=img.element_handle())
    expect(page.locator('[data-testid="state"]')).to_have_text("待分诊")

    # 2. the county officer routes it from the routing list, in one tap
    log_in(page, live_server, "wangcang_county")
    page.goto(live_server.url + "/techaid/consultations/routing/")
    row = page.locator('[data-testid="routing"] .card').filter(has_text=c.number)
    assert_fits_phone(page, "routing list")
    row.get_by_role("button", name="分诊").click()
    expect(page.locator(".alert-success")).to_contain_text("已办理：分诊")
    expect(page.locator('[data-testid="state"]')).to_have_text("待答复")

    # 3. the expert answers from the queue
    log_in(page, live_server, "expert")
    page.goto(live_server.url + "/techaid/consultations/queue/")
    queue_row = page.locator('[data-testid="queue-row"]').filter(has_text="茶树新梢叶片发黄")
    expect(queue_row).to_contain_text("紧急")
    assert_fits_phone(page, "queue")
    queue_row.click()
    answer = page.locator("#answer")
    answer.locator('textarea[name="diagnosis"]').fill("缺氮引起的黄化，兼有轻度日灼")
    answer.locator('textarea[name="advice"]').fill("每亩追施尿素 10 公斤，遮阴，一周后复查")
    answer.get_by_role("button", name="提交答复").click()
    expect(page.locator(".alert-success")).to_contain_text("已办理：答复")
    expect(page.locator('[data-testid="diagnosis"]')).to_contain_text("缺氮")

    # 4. the village worker confirms it solved, with a rating
    log_in(page, live_server, "wc_village")
    page.goto(f"{live_server.url}/techaid/consultations/{c.pk}/")
    expect(page.locator('[data-testid="advice"]')).to_contain_text("尿素")
    solved = page.locator('form[data-transition="solved"]')
    solved.locator('select[name="rating"]').select_option("5")
    assert_fits_phone(page, "detail page")
    solved.get_by_role("button", name="确认已解决").click()
    expect(page.locator(".alert-success")).to_contain_text("已办理：确认已解决")
    expect(page.locator('[data-testid="state"]')).to_have_text("已解决")
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(artifacts_dir / "techaid-consultation-solved.png"), full_page=True)
    c.refresh_from_db()
    assert (c.status, c.rating, c.answered_by_id) == ("solved", 5, chief.pk)

    # 5. the county's figure moved
    log_in(page, live_server, "wangcang_county")
    page.goto(live_server.url + "/techaid/consultations/")
    expect(page.locator('[data-testid="figure-solved"]')).to_have_text("1")
    expect(page.locator('[data-testid="figure-total"]')).to_have_text("1")
    assert_fits_phone(page, "consultation list")
    # and on the indicators (the county's 科技扶贫 figures of this year, from the records)
    import datetime

    year = datetime.date.today().year
    figures = page.request.get(f"{live_server.url}/api/v1/indicators/?year={year}").json()
    assert figures["area"] == "510821"
    assert figures["values"]["techaid_raised"] == 1
    assert figures["values"]["techaid_solved"] == 1
