"""The shell on a 375 px phone (issue 9 item 4): the top bar and every page fit the screen in
Chinese and in English, the menu's groups open and close, the current page is highlighted in
its open group, and the bell shows the unread count and follows it without a reload."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.nav import open_menu, show_link
from tests.browser.test_registry import assert_fits_phone, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = ["/", "/registry/persons/", "/registry/households/", "/training/courses/",
         "/employment/employments/", "/reports/indicators/", "/notifications/"]


def set_language(page, live_server, code: str) -> None:
    page.context.add_cookies([{"name": "django_language", "value": code,
                               "url": live_server.url}])


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("username", ["village_a", "lizhou_county"])
def test_every_page_fits_a_phone_in_both_languages(live_server, demo_users, page, language,
                                                   username, artifacts_dir):
    set_language(page, live_server, language)
    log_in(page, live_server, username)
    expect(page.locator("html")).to_have_attribute("lang", language)
    for path in PAGES:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"{path} in {language} is {width}px wide on a 375px screen"
        # the top bar's buttons stay on the screen (nothing pushed off to the right)
        for name in ("bell", "who"):
            box = page.locator(f"[data-testid={name}]").bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= 375, (path, name)
    screenshot(page, artifacts_dir / f"shell-{username}-{language}.png")


def test_menu_groups_open_and_close_and_the_current_page_is_highlighted(
        live_server, demo_users, page):
    log_in(page, live_server, "village_a")
    page.goto(live_server.url + "/registry/persons/")
    nav = open_menu(page)
    current = nav.locator('a[aria-current="page"]')
    expect(current).to_have_count(1)
    expect(current).to_have_attribute("href", "/registry/persons/")
    expect(current).to_have_class(re.compile(r"\bactive\b"))
    expect(current).to_be_visible()  # its group (登记) is open
    registration = nav.locator('[data-group="registration"] > button')
    expect(registration).to_have_attribute("aria-expanded", "true")

    # another group starts closed, opens, and closes again
    employment = nav.locator('[data-group="employment"] > button')
    courses = nav.locator('a[href="/training/courses/"]')
    expect(employment).to_have_attribute("aria-expanded", "false")
    expect(courses).to_be_hidden()
    box = nav.locator("#fupin-nav-employment")
    settled = re.compile(r"^(?!.*\bcollapsing\b).*\bcollapse\b")  # the animation is over
    employment.click()
    expect(courses).to_be_visible()
    expect(employment).to_have_attribute("aria-expanded", "true")
    expect(box).to_have_class(settled)
    employment.click()
    expect(courses).to_be_hidden()
    expect(box).to_have_class(settled)
    expect(employment).to_have_attribute("aria-expanded", "false")
    # every group has something for a village worker: 指标, and 科技扶贫 (提出会诊); a group
    # with nothing for the user is left out (fupin/core/tests/test_nav.py)
    expect(nav.locator('[data-group="supervision"]')).to_have_count(1)
    expect(nav.locator('[data-group="techaid"]')).to_have_count(1)

    # following a link: the new page is the current one, in its open group
    show_link(nav, courses)
    courses.click()
    expect(page).to_have_url(live_server.url + "/training/courses/")
    nav = open_menu(page)
    current = nav.locator('a[aria-current="page"]')
    expect(current).to_have_attribute("href", "/training/courses/")
    expect(current).to_be_visible()
    expect(nav.locator('[data-group="registration"] > button')).to_have_attribute(
        "aria-expanded", "false")


def test_the_bell_counts_unread_and_follows_without_a_reload(live_server, demo_users, page,
                                                             settings):
    from fupin.core.notifications import notify

    settings.FUPIN_NOTIFICATION_POLL_SECONDS = 1
    user = demo_users["village_a"]
    notify(recipients=[user], kind="test", text="请完善张三的登记", link="/registry/incomplete/")
    log_in(page, live_server, "village_a")
    bell = page.locator("[data-testid=bell]")
    expect(bell.locator("[data-testid=unread-count]")).to_have_text("1")
    page.evaluate("window.__same_page = true")
    notify(recipients=[user], kind="test", text="第二条消息")
    expect(bell.locator("[data-testid=unread-count]")).to_have_text("2")  # polled
    assert page.evaluate("window.__same_page === true")  # no reload

    bell.click()
    expect(page).to_have_url(live_server.url + "/notifications/")
    items = page.locator("[data-testid=notification]")
    expect(items).to_have_count(2)
    expect(items.first).to_contain_text("第二条消息")  # newest first
    items.nth(1).get_by_role("button", name="标为已读").click()
    expect(page.locator("[data-testid=unread-count]")).to_have_text("1")
    expect(items.nth(1)).to_have_attribute("data-read", "1")
    page.get_by_role("button", name="全部标为已读").click()
    expect(page.locator("[data-testid=unread-count]")).to_have_count(0)
    page.get_by_role("link", name="请完善张三的登记").click()
    expect(page).to_have_url(live_server.url + "/registry/incomplete/")
    assert_fits_phone(page)
