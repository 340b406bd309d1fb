"""Browser helpers for the phone: find a page in the menu (open the off-canvas panel, then the
page's group) and check that a page fits the screen."""

from __future__ import annotations

import re

from playwright.sync_api import expect


def open_menu(page):
    nav = page.locator("#fupin-nav")
    page.get_by_role("button", name=re.compile(r"^(菜单|Menu)$")).click()
    expect(nav).to_have_class(re.compile(r"\bshow\b"))
    return nav


def show_link(nav, link) -> None:
    """Open the collapsed group that holds `link` (a locator inside the menu)."""
    toggle = link.locator("xpath=ancestor::li[contains(@class, 'fupin-nav-group')]/button")
    if toggle.count() and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
    expect(link).to_be_visible()


WIDEST = r"""() => {
  const vw = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll('body *')].filter(
      e => e.getBoundingClientRect().right > vw + 0.5 && !e.closest('.table-responsive'));
  const cls = e => typeof e.className === 'string' && e.className
      ? '.' + e.className.trim().split(/\s+/).join('.') : '';
  return wide.slice(-3).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + cls(e));
}"""


def assert_fits_phone(page, what: str = "") -> None:
    """Nothing makes the page itself scroll sideways on the phone's screen (wide tables scroll
    in their own box). Measured once the page's requests (htmx fragments, the bell) are done;
    a failure names the elements that stick out."""
    page.wait_for_load_state("networkidle")
    width = page.evaluate("document.documentElement.scrollWidth")
    screen = page.viewport_size["width"]
    assert width <= screen, (f"{what or page.url} is {width}px wide on a {screen}px screen: "
                             f"{page.evaluate(WIDEST)}")


def htmx_ready(page) -> None:
    """Wait until the page now shown has loaded its scripts: a select changed before htmx
    has bound its listeners sends nothing (a person is never that fast; a test on a loaded
    machine is)."""
    page.wait_for_load_state("load")
