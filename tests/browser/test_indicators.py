"""The indicator page in Chromium on a phone-size screen: figures, ECharts charts, drill-down."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from fupin.core.demo import DEMO_PASSWORD
from tests.browser.nav import assert_fits_phone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = DEMO_PASSWORD


def test_county_officer_reads_indicators_on_a_phone(live_server, demo, page, artifacts_dir):
    from fupin.core.indicators import Period, compute

    expected = compute(area="510802", period=Period(2017), keys=["trained"])["510802"]
    page.goto(live_server.url + "/accounts/login/")
    page.locator('input[name="username"]').fill("lizhou_county")
    page.locator('input[name="password"]').fill(PASSWORD)
    page.locator('form button[type="submit"]').click()
    page.goto(live_server.url + "/reports/indicators/?year=2017")
    expect(page.locator("main h1")).to_contain_text("就业扶贫指标")
    expect(page.locator('[data-indicator="trained"]')).to_have_text(f"{expected['trained']:,}")
    # ECharts drew both charts (canvas elements inside the chart boxes)
    expect(page.locator("#chart-coverage canvas")).to_have_count(1)
    expect(page.locator("#chart-children canvas")).to_have_count(1)
    page.select_option("#chart-key", "zero_employment")
    assert_fits_phone(page)
    page.screenshot(path=str(artifacts_dir / "indicators-phone.png"), full_page=True)
    # drill down into a township
    page.locator("table tbody a").first.click()
    expect(page.locator("main")).to_contain_text("返回上级")


def test_zero_employment_list_on_a_phone(live_server, demo, page, artifacts_dir):
    """The list village workers drive to empty: each household with its labourers'
    intentions, the count per area, and a person's page one tap away."""
    from django.contrib.auth import get_user_model

    from fupin.employment.selectors import zero_employment_counts

    officer = get_user_model().objects.get(username="lizhou_county")
    total, counts = zero_employment_counts(user=officer, area=officer.scope_code)
    assert total > 0 and counts, "the demo county has zero-employment households"
    page.goto(live_server.url + "/accounts/login/")
    page.locator('input[name="username"]').fill("lizhou_county")
    page.locator('input[name="password"]').fill(PASSWORD)
    page.locator('form button[type="submit"]').click()
    page.goto(live_server.url + "/employment/zero-employment/")
    expect(page.locator('[data-testid="zero-count"]')).to_have_text(str(total))
    expect(page.locator(".list-group-item").first).to_contain_text("岁")
    assert_fits_phone(page)
    page.screenshot(path=str(artifacts_dir / "zero-employment-phone.png"), full_page=True)
    page.locator(".list-group-item ul a").first.click()
    expect(page.locator("main h1")).to_be_visible()
    assert "/registry/persons/" in page.url
