"""The main pages under the Content-Security-Policy, in Chromium on a phone: the browser
reports no violation (a `securitypolicyviolation` event or a console message), and what runs
on the pages still runs — htmx (the reveal button, the area picker cascade, the list
filter), ECharts (canvas charts), Bootstrap (the off-canvas menu), the API docs (Swagger UI),
and the 修改密码 page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_registry import PASSWORD, assert_fits_phone, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI + " " + (e.sample || "")
                    + " @" + e.sourceFile + ":" + e.lineNumber);
});
"""


@pytest.fixture
def watched(page):
    """The page, with every CSP violation it reports collected in `page.csp`."""
    console: list[str] = []
    page.add_init_script(WATCH)
    page.on("console", lambda m: console.append(m.text)
            if "Content Security Policy" in m.text else None)
    page.csp_console = console
    return page


def violations(page) -> list[str]:
    return page.evaluate("window.__csp || []") + page.csp_console


def visit(page, url: str) -> None:
    response = page.goto(url)
    assert response.status == 200, url
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    page.wait_for_load_state("networkidle")


def test_the_watch_sees_a_violation(live_server, demo_users, watched):
    """The check itself works: an inline style put into the page is reported."""
    visit(watched, live_server.url + "/accounts/login/")
    assert violations(watched) == []
    watched.evaluate("document.body.insertAdjacentHTML('beforeend',"
                     " '<div style=\"color: red\">x</div>')")
    expect(watched.locator("body")).to_contain_text("x")
    watched.wait_for_function("window.__csp.length > 0")
    assert any("style-src" in v for v in violations(watched))


def test_main_pages_run_under_the_policy(live_server, demo_users, watched, artifacts_dir):
    from fupin.registry.tests.factories import make_household, make_person

    page = watched
    village = demo_users["village_a"].scope_code
    zhang = make_person(household=make_household(area_code=village), name="张三",
                        phone="13812345678")
    make_person(area_code=village, name="李四")
    base = live_server.url

    visit(page, base + "/accounts/login/")
    log_in(page, live_server, "village_a")
    assert violations(page) == [], "home"

    # Bootstrap's off-canvas menu (phone) and the language select (a data- attribute)
    page.get_by_role("button", name="菜单").click()
    expect(page.locator("#fupin-nav")).to_have_class(re.compile(r"\bshow\b"))
    page.keyboard.press("Escape")

    visit(page, base + "/registry/persons/")
    table = page.locator("#object-table")
    page.get_by_label("搜索").fill("zs")
    page.get_by_role("button", name="筛选").click()  # htmx swaps the table
    expect(page).to_have_url(re.compile(r"[?&]q=zs\b"))
    expect(table.locator("tbody tr")).to_have_count(1)
    assert violations(page) == [], "person list"

    visit(page, base + f"/registry/persons/{zhang.pk}/")
    phone = page.locator("[data-section=identity] dt:text-is('联系电话') + dd")
    with page.expect_response(lambda r: "/reveal/phone/" in r.url):
        phone.get_by_role("button", name="显示").click()  # htmx POST with the CSRF header
    expect(phone).to_contain_text("13812345678")
    assert violations(page) == [], "person detail"

    visit(page, base + "/imports/persons/upload/")
    expect(page.locator("main")).to_contain_text("导入")
    assert violations(page) == [], "import page"

    visit(page, base + "/reports/indicators/")
    expect(page.locator("#chart-coverage canvas")).to_have_count(1)
    expect(page.locator("#chart-children canvas")).to_have_count(1)
    box = page.locator("#chart-children").bounding_box()
    assert box["height"] == 260  # the height comes from app.css, not a style attribute
    page.select_option("#chart-key", index=1)
    assert violations(page) == [], "indicators"
    screenshot(page, artifacts_dir / "csp-indicators.png")

    # the year select submits its form (data-autosubmit instead of onchange)
    year = page.locator("#year")
    options = year.locator("option").all_inner_texts()
    other = next(y for y in options if y != year.input_value())
    with page.expect_navigation():
        year.select_option(other)
    expect(page).to_have_url(re.compile(rf"[?&]year={other}\b"))
    assert violations(page) == [], "indicators, another year"

    visit(page, base + "/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Fupin API")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    assert violations(page) == [], "API docs"


def test_township_picks_a_village_under_the_policy(live_server, demo_users, watched):
    """The cascading area picker: htmx replaces the picker when a township is chosen."""
    page = watched
    village = demo_users["village_b"].scope_area
    log_in(page, live_server, "lizhou_township")
    visit(page, live_server.url + "/registry/households/")
    page.get_by_role("link", name="新增").click()
    page.wait_for_url("**/households/new/")  # and its scripts loaded: htmx binds the picker
    select = page.locator("form [data-area-picker=area_code] select")
    with page.expect_response(lambda r: "/areas/picker/" in r.url):
        select.select_option(value=village.code)
    expect(page.locator("form input[name=area_code]")).to_have_value(village.code)
    assert violations(page) == []

    # the indicator page of a township: one bar per village, and the tooltip over them
    visit(page, live_server.url + "/reports/indicators/")
    chart = page.locator("#chart-children")
    expect(chart.locator("canvas")).to_have_count(1)
    shown = page.evaluate("""() => {
        const chart = echarts.getInstanceByDom(document.getElementById("chart-children"));
        chart.dispatchAction({type: "showTip", seriesIndex: 0, dataIndex: 0});
        return chart.getOption().series[0].data.length;
    }""")
    assert shown >= 1
    assert violations(page) == []


def test_password_change_on_a_phone(live_server, demo_users, watched, artifacts_dir):
    """From the user menu, the 修改密码 page on a 375 px screen; afterwards this session is
    still logged in and the new password logs in."""
    page = watched
    log_in(page, live_server, "village_b")
    page.get_by_role("link", name="修改密码").click()
    expect(page.locator("main h1")).to_have_text("修改密码")
    expect(page.get_by_test_id("password-rules")).to_contain_text("至少需要 10 个字符")
    assert_fits_phone(page)
    screenshot(page, artifacts_dir / "password-change-phone.png")
    page.get_by_label("原密码").fill(PASSWORD)
    page.get_by_label("新密码", exact=True).fill("Chaoyang#2026x")
    page.get_by_label("确认新密码").fill("Chaoyang#2026y")
    page.get_by_role("button", name="修改密码").click()
    expect(page.locator("main")).to_contain_text("两次输入的新密码不一致")
    page.get_by_label("原密码").fill(PASSWORD)
    page.get_by_label("新密码", exact=True).fill("Chaoyang#2026x")
    page.get_by_label("确认新密码").fill("Chaoyang#2026x")
    page.get_by_role("button", name="修改密码").click()
    expect(page.locator("[role=alert]")).to_contain_text("密码已修改")
    expect(page).to_have_url(live_server.url + "/")
    assert_fits_phone(page)
    assert violations(page) == []
    user = demo_users["village_b"]
    user.refresh_from_db()
    assert user.check_password("Chaoyang#2026x")


def test_every_navigation_page_runs_under_the_policy(live_server, demo_users, watched):
    """Every page the navigation offers a county officer, and each list's
    new-record form."""
    page = watched
    log_in(page, live_server, "lizhou_county")
    links = page.locator("#fupin-nav a.nav-link")
    urls = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert len(urls) >= 8
    for url in urls:
        visit(page, live_server.url + url)
        assert violations(page) == [], url
        new = page.get_by_role("link", name="新增")
        if new.count():
            new.first.click()
            page.wait_for_load_state("networkidle")
            assert violations(page) == [], url + " 新增"


def test_progress_bar_width_comes_from_the_site_script(live_server, demo_users, watched):
    """A course's enrolment bar: its width was a style attribute, now a data- attribute
    that app.js applies."""
    from fupin.training.tests.factories import make_course, make_enrolment

    page = watched
    course = make_course(area_code=demo_users["lizhou_township"].scope_code, capacity=4)
    make_enrolment(area_code=demo_users["village_a"].scope_code, course=course)
    log_in(page, live_server, "lizhou_township")
    visit(page, live_server.url + f"/training/courses/{course.pk}/")
    bar = page.locator(".progress .progress-bar").first
    expect(bar).to_have_attribute("data-width", "25")
    track = page.locator(".progress").first.bounding_box()["width"]
    width = bar.bounding_box()["width"]
    assert abs(width - track / 4) < 2, (width, track)
    assert violations(page) == []
