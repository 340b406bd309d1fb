"""Logging in through a real browser on a phone-sized screen, in Chinese."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from fupin.core.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# ≥ 10 characters, mixed character classes, not containing a username.
PASSWORD = DEMO_PASSWORD


def submit_login(page, live_server, username: str, password: str) -> None:
    page.goto(live_server.url + "/accounts/login/")
    expect(page.locator("label[for=id_username]")).to_contain_text("用户名")
    page.locator('input[name="username"]').fill(username)
    page.locator('input[name="password"]').fill(password)
    page.locator('form button[type="submit"]').click()


def test_village_worker_logs_in_and_sees_their_village(live_server, demo, page, artifacts_dir):
    from fupin.accounts.models import User

    village = User.objects.get(username="village_a").scope_area.name

    submit_login(page, live_server, "village_a", PASSWORD)

    expect(page).to_have_url(live_server.url + "/")
    expect(page).to_have_title(re.compile("工作台"))
    expect(page.locator("main h1")).to_contain_text("您好")
    expect(page.locator("body")).to_contain_text("今日工作")
    expect(page.locator("[data-testid=scope]")).to_contain_text(village)
    page.screenshot(path=str(artifacts_dir / "login-village-worker.png"), full_page=True)


def test_wrong_password_shows_chinese_error(live_server, demo, page):
    submit_login(page, live_server, "village_a", PASSWORD + "x")

    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.locator("[role=alert]")).to_contain_text("用户名或密码不正确")
    expect(page.locator('input[name="password"]')).to_be_visible()
