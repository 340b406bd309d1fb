"""Finding a page in the menu on a phone: open the off-canvas panel, then the page's group."""

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
