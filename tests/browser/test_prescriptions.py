"""Prescriptions in Chromium on a phone-size screen: the county officer writes a draft with
two measures (the second row added with 增加一条措施), issues it, prints the sheet; the
coverage page draws its chart."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from fupin.core.testing.fixtures import TEST_PASSWORD
from tests.browser.nav import assert_fits_phone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, live_server, username):
    page.goto(live_server.url + "/accounts/login/")
    page.locator('input[name="username"]').fill(username)
    page.locator('input[name="password"]').fill(TEST_PASSWORD)
    page.locator('form button[type="submit"]').click()


def test_officer_writes_issues_and_prints_a_prescription_on_a_phone(
        live_server, demo_users, page, artifacts_dir):
    from fupin.techaid.models import Prescription
    from fupin.techaid.tests.factories_catalog import make_household_industry, make_industry
    from fupin.techaid.tests.factories_prescriptions import make_mission

    mission = make_mission(area_code="510821")
    tea = make_industry("茶叶")
    make_household_industry(area_code=mission.area_code, industry=tea)
    _login(page, live_server, "wangcang_county")
    page.goto(live_server.url + f"/techaid/prescriptions/new/?village={mission.area_code}")
    page.select_option("#id_industry", str(tea.pk))
    page.select_option("#id_year", "2017")
    page.fill("#id_problems", "茶园杂草多，病虫害重")
    page.fill("#id_diagnosis", "管理粗放")
    page.fill("#id_m-0-name", "春季修剪")
    page.fill("#id_m-0-timing", "3月上旬")
    page.locator("#add-measure").click()
    expect(page.locator("[data-measure]")).to_have_count(2)
    page.fill("#id_m-1-name", "测土配方施肥")
    page.fill("#id_m-1-inputs", "复合肥 30 kg/亩")
    assert_fits_phone(page)
    page.screenshot(path=str(artifacts_dir / "prescription-form-phone.png"), full_page=True)
    page.locator('form button[type="submit"]').last.click()
    expect(page.locator('[data-section="measures"]')).to_contain_text("测土配方施肥")
    p = Prescription.objects.get()
    assert [m.name for m in p.measures.all()] == ["春季修剪", "测土配方施肥"]
    page.locator('[data-transition="issue"] button').click()
    expect(page.locator('[data-testid="state"]')).to_have_text("已签发")
    with page.expect_download() as download:
        page.locator('[data-testid="print"]').click()
    assert download.value.suggested_filename.endswith(".docx")
    assert_fits_phone(page)
    page.screenshot(path=str(artifacts_dir / "prescription-phone.png"), full_page=True)
    page.goto(live_server.url + f"/techaid/missions/{mission.pk}/")
    expect(page.locator('[data-section="mission-prescriptions"]')).to_contain_text(p.number)
    assert_fits_phone(page)
    page.screenshot(path=str(artifacts_dir / "mission-phone.png"), full_page=True)
    page.goto(live_server.url + "/techaid/coverage/")
    expect(page.locator('[data-testid="fully-covered"]')).to_have_text("1")
    expect(page.locator("#coverage-chart canvas")).to_have_count(1)
    assert_fits_phone(page)
    page.screenshot(path=str(artifacts_dir / "coverage-phone.png"), full_page=True)
