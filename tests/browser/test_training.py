"""Training as a village worker clicks through it on a phone, in Chinese: from the navigation
to the township's course, enrolling a villager by ID number (a refusal first), and the roster."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from fupin.registry.tests.factories import fake_id
from fupin.training.models import Enrolment
from fupin.training.tests.factories import make_course, make_trainee
from tests.browser.nav import assert_fits_phone, show_link

PASSWORD = "Guangyuan@2017"  # the password the demo_users fixture gives every demo user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, username: str) -> None:
    page.goto(live_server.url + "/accounts/login/")
    page.locator('input[name="username"]').fill(username)
    page.locator('input[name="password"]').fill(PASSWORD)
    page.locator('form button[type="submit"]').click()
    expect(page).to_have_url(live_server.url + "/")


def open_nav(page, href: str) -> None:
    """On a phone the navigation is an off-canvas panel behind the ☰ button."""
    page.get_by_role("button", name="菜单").click()
    nav = page.locator("#fupin-nav")
    expect(nav).to_have_class(re.compile(r"\bshow\b"))
    link = nav.locator(f'a[href="{href}"]')
    show_link(nav, link)  # inside its menu group
    link.click()


def test_village_worker_enrols_a_villager_from_the_course_page(page, live_server, demo_users,
                                                               artifacts_dir):
    actor = demo_users["village_a"]
    township = demo_users["lizhou_township"].scope_code
    course = make_course(area_code=township, name="2017年电焊工培训班", capacity=20)
    willing, unwilling = fake_id(), fake_id()
    make_trainee(area_code=actor.scope_code, id_number=willing, name="张大山")
    make_trainee(area_code=actor.scope_code, id_number=unwilling, name="李小河",
                 wants_training=False)
    log_in(page, live_server, "village_a")
    open_nav(page, "/training/courses/")
    page.get_by_role("link", name="2017年电焊工培训班").click()
    expect(page.get_by_role("heading", name="2017年电焊工培训班")).to_be_visible()
    box = page.locator('[data-testid="enrol-box"]')
    box.locator('input[name="person"]').fill(unwilling)
    box.get_by_role("button", name="报名").click()
    expect(box).to_contain_text("没有培训意愿")
    expect(box.locator('input[name="person"]')).to_have_value(unwilling)
    box.locator('input[name="person"]').fill(willing)
    box.get_by_role("button", name="报名").click()
    expect(page.locator(".alert-success")).to_contain_text("已为 张大山 报名")
    expect(page.locator("#roster ~ .card table")).to_contain_text("张大山")
    assert Enrolment.objects.get().course == course
    assert_fits_phone(page)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(artifacts_dir / "training-course-page.png"), full_page=True)


def test_township_officer_moves_a_course_with_its_buttons_on_a_phone(page, live_server,
                                                                     demo_users, artifacts_dir):
    """The workflow's buttons (core/_transitions.html): a step, then one that needs a reason,
    and the timeline; the page still fits the phone."""
    from fupin.training.models import Course

    township = demo_users["lizhou_township"].scope_code
    course = make_course(area_code=township, name="2026年电工培训班", status="planned")
    log_in(page, live_server, "lizhou_township")
    page.goto(f"{live_server.url}/training/courses/{course.pk}/")
    steps = page.locator('[data-testid="transitions"]')
    expect(steps.locator('[data-testid="state"]')).to_have_text("计划")
    steps.get_by_role("button", name="开放报名").click()
    expect(page.locator(".alert-success")).to_contain_text("已办理：开放报名")
    expect(steps.locator('[data-testid="state"]')).to_have_text("报名中")
    cancel = steps.locator('form[data-transition="cancel"]')
    cancel.locator('input[name="reason"]').fill("报名人数不足")
    cancel.get_by_role("button", name="取消培训班").click()
    expect(page.locator('[data-testid="timeline"]')).to_contain_text("报名人数不足")
    expect(page.locator('[data-testid="timeline"]')).to_contain_text("开放报名：计划 → 报名中")
    assert Course.objects.get().status == "cancelled"
    assert_fits_phone(page)
    page.screenshot(path=str(artifacts_dir / "training-course-workflow.png"), full_page=True)
