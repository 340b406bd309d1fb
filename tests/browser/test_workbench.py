"""The workbench on a phone-size screen: a county officer's cards and a leader's indicators
fit 375 px, and a card opens its list."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import expect

from fupin.core.demo import DEMO_PASSWORD
from tests.browser.nav import assert_fits_phone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = DEMO_PASSWORD


def sign_in(page, live_server, username):
    page.goto(live_server.url + "/accounts/login/")
    page.locator('input[name="username"]').fill(username)
    page.locator('input[name="password"]').fill(PASSWORD)
    page.locator('form button[type="submit"]').click()


def test_workbench_on_a_phone(live_server, demo, page, artifacts_dir):
    from django.contrib.auth import get_user_model

    from fupin.core import workbench

    officer = get_user_model().objects.get(username="lizhou_county")
    expected = {c["card"].key: c["count"] for c in workbench.cards_for(officer)}
    assert expected["incomplete"] > 0, "the demo county has incomplete registrations"
    sign_in(page, live_server, "lizhou_county")
    page.goto(live_server.url + "/")
    card = page.locator('[data-card="incomplete"] [data-testid="card-count"]')
    expect(card).to_have_text(f"{expected['incomplete']:,}")
    assert_fits_phone(page, "the workbench")
    page.screenshot(path=str(artifacts_dir / "workbench-county-phone.png"), full_page=True)
    card.click()
    expect(page.locator("main h1")).to_contain_text("登记待完善")
    # the leader's: the indicators first, with their change from the month before
    page.context.clear_cookies()
    sign_in(page, live_server, "leader")
    page.goto(live_server.url + "/")
    # the latest month with records: this one (the demo township's visits of this year)
    expect(page.locator('[data-testid="workbench-indicators"]')).to_contain_text(
        datetime.date.today().strftime("%Y-%m"))
    expect(page.locator('[data-indicator="employed"] [data-testid="indicator-change"]')) \
        .to_be_visible()
    assert_fits_phone(page, "the leader's workbench")
    page.screenshot(path=str(artifacts_dir / "workbench-leader-phone.png"), full_page=True)
