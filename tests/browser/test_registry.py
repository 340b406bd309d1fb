"""The registry as a village worker clicks through it on a phone, in Chinese: finding a person
and revealing a protected value, registering a household and its first member (with the
cascading area picker), and importing a roster with and without errors."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.nav import assert_fits_phone, htmx_ready, show_link

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Guangyuan@2017"  # the password the demo_users fixture gives every demo user
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def log_in(page, live_server, username: str) -> None:
    page.goto(live_server.url + "/accounts/login/")
    page.locator('input[name="username"]').fill(username)
    page.locator('input[name="password"]').fill(PASSWORD)
    page.locator('form button[type="submit"]').click()
    expect(page).to_have_url(live_server.url + "/")


def open_nav(page, label: str) -> None:
    """On a phone the navigation is an off-canvas panel behind the ☰ button."""
    nav = page.locator("#fupin-nav")
    menu = page.get_by_role("button", name="菜单")
    expect(menu).to_be_visible()
    link = nav.locator("a.nav-link").filter(has_text=re.compile(rf"^\s*{label}\s*$"))
    expect(link).to_have_count(1)
    expect(link).to_be_hidden()
    menu.click()
    expect(nav).to_have_class(re.compile(r"\bshow\b"))
    show_link(nav, link)  # inside its menu group
    expect(nav.get_by_role("link", name=label, exact=True)).to_be_visible()  # icon aria-hidden
    link.click()


def screenshot(page, path) -> None:
    page.evaluate("window.scrollTo(0, 0)")  # the sticky top bar stays on top of the picture
    page.screenshot(path=str(path), full_page=True)


def test_find_person_by_pinyin_and_reveal_phone(live_server, demo_users, page, artifacts_dir):
    from fupin.registry.tests.factories import make_household, make_person

    village = demo_users["village_a"].scope_code
    household = make_household(area_code=village)
    zhang = make_person(household=household, name="张三", phone="13812345678")
    make_person(area_code=village, name="李四")

    log_in(page, live_server, "village_a")
    open_nav(page, "家庭成员")
    expect(page).to_have_url(re.compile(r"/registry/persons/$"))
    expect(page.locator("main h1")).to_contain_text("家庭成员")
    table = page.locator("#object-table")
    expect(table).to_contain_text("李四")  # both listed before the search
    assert_fits_phone(page)

    page.get_by_label("搜索").fill("zs")
    page.get_by_role("button", name="筛选").click()  # htmx swaps the table, pushes the URL
    expect(page).to_have_url(re.compile(r"[?&]q=zs\b"))
    expect(table).to_contain_text("张三")
    expect(table).not_to_contain_text("李四")
    expect(table.locator("tbody tr")).to_have_count(1)

    table.get_by_role("link", name="张三").click()
    expect(page).to_have_url(re.compile(rf"/persons/{zhang.pk}/$"))
    expect(page.locator("main h1")).to_have_text("张三")
    phone = page.locator("[data-section=identity] dt:text-is('联系电话') + dd")
    expect(phone).to_have_text(re.compile(r"138\*{4}5678\s*显示"))
    expect(phone).not_to_contain_text("13812345678")

    with page.expect_response(lambda r: "/reveal/phone/" in r.url
                              and r.request.method == "POST") as reveal:
        phone.get_by_role("button", name="显示").click()
    assert reveal.value.status == 200
    expect(phone).to_contain_text("13812345678")
    expect(phone.get_by_role("button", name="显示")).to_have_count(0)
    # the reveal is logged: who saw which field of whom
    from fupin.core.models import AccessLog

    log = AccessLog.objects.get(action=AccessLog.Action.REVEAL)
    assert (log.actor, log.object_id, log.field) == (demo_users["village_a"], str(zhang.pk),
                                                     "phone")
    # the ID number stays masked: only what was asked for is revealed
    expect(page.locator("[data-section=identity]")).to_contain_text(zhang.id_number_masked)
    assert_fits_phone(page)
    screenshot(page, artifacts_dir / "person-page-phone.png")


def test_village_worker_registers_household_and_member(live_server, demo_users, page,
                                                       artifacts_dir):
    from fupin.registry.models import Household, Person
    from fupin.registry.tests.factories import fake_id

    worker = demo_users["village_a"]
    log_in(page, live_server, "village_a")
    open_nav(page, "贫困户")
    expect(page.locator("main h1")).to_contain_text("贫困户")
    page.get_by_role("link", name="新增").click()
    expect(page.locator("main h1")).to_contain_text("新增贫困户")

    # a village worker's picker shows the village, fixed: no select, the code in the form
    picker = page.locator("form [data-area-picker=area_code]")
    expect(picker).to_contain_text(worker.scope_area.name)
    expect(picker.locator("select")).to_have_count(0)
    expect(picker.locator("input[name=area_code]")).to_have_value(worker.scope_code)
    assert_fits_phone(page)

    page.get_by_label("识别年度").fill("2015")
    page.get_by_label("主要致贫原因").select_option(label="因病")
    page.get_by_label("住址").fill("三组 12 号")
    page.get_by_role("button", name="保存").click()

    expect(page.locator("[role=alert]")).to_contain_text("已保存")
    household = Household.objects.get()
    assert household.area_code == worker.scope_code
    assert household.number.startswith(worker.scope_code)  # numbered automatically
    expect(page).to_have_url(re.compile(rf"/households/{household.pk}/$"))
    expect(page.locator("main")).to_contain_text("尚无成员")

    page.get_by_role("link", name="添加成员").click()
    expect(page.get_by_label("户编号")).to_have_value(household.number)
    id_number = fake_id(male=False, county=worker.scope_code[:6])
    page.get_by_label(re.compile(r"^姓名")).fill("王秀英")
    page.get_by_label("身份证号").fill(id_number)
    page.get_by_label("联系电话").fill("13912345678")
    page.get_by_label("与户主关系").select_option(label="户主")
    page.get_by_label("劳动技能").select_option(index=1)
    assert_fits_phone(page)
    page.get_by_role("button", name="保存").click()

    person = Person.objects.get()
    expect(page).to_have_url(re.compile(rf"/persons/{person.pk}/$"))
    expect(page.locator("main h1")).to_have_text("王秀英")
    expect(page.locator("[data-section=identity]")).to_contain_text("女")
    expect(page.locator("main")).to_contain_text(household.number)
    household.refresh_from_db()
    assert household.head_id == person.pk and person.area_code == worker.scope_code
    assert_fits_phone(page)
    screenshot(page, artifacts_dir / "person-created-phone.png")


def test_township_officer_picks_village_in_cascading_picker(live_server, demo_users, page,
                                                            artifacts_dir):
    from fupin.registry.models import Household

    officer = demo_users["lizhou_township"]
    village = demo_users["village_b"].scope_area  # the second village of the township
    log_in(page, live_server, "lizhou_township")
    open_nav(page, "贫困户")
    page.get_by_role("link", name="新增").click()

    picker = page.locator("form [data-area-picker=area_code]")
    hidden = page.locator("form input[name=area_code]")
    expect(hidden).to_have_value(officer.scope_code)  # nothing chosen yet: the township
    # saving without a village is refused: the township is not a village
    page.get_by_role("button", name="保存").click()
    expect(page.locator("main")).to_contain_text("请选择到村（社区）一级")
    assert not Household.objects.exists()

    select = picker.locator("select")
    expect(select).to_have_count(1)
    expect(select.locator("option")).to_contain_text([village.name])
    htmx_ready(page)  # the refused form came back as a new page
    with page.expect_response(lambda r: "/areas/picker/" in r.url):
        select.select_option(value=village.code)
    # the picker was swapped (outerHTML): look it up again
    expect(page.locator("form input[name=area_code]")).to_have_value(village.code)
    expect(page.locator("form [data-area-picker=area_code] select")).to_have_value(village.code)
    assert_fits_phone(page)
    screenshot(page, artifacts_dir / "household-form-township.png")

    page.get_by_role("button", name="保存").click()
    expect(page.locator("[role=alert]")).to_contain_text("已保存")
    household = Household.objects.get()
    assert household.area_code == village.code
    expect(page.locator("main")).to_contain_text(village.name)


def test_import_with_errors_then_good_file(live_server, demo_users, page, artifacts_dir):
    from python_calamine import CalamineWorkbook

    from fupin.registry.models import Person
    from fupin.registry.tests.test_import import HEADER, KEY, family, xlsx

    village = demo_users["village_a"].scope_code
    bad_rows = family(village)
    bad_rows[1][KEY["id_number"]] = "510802198505010011"  # wrong check digit
    bad = xlsx([HEADER, *bad_rows])
    good = xlsx([HEADER, *family(village)])

    log_in(page, live_server, "village_a")
    open_nav(page, "导入")
    expect(page.locator("main h1")).to_have_text("导入")
    roster = page.locator(".card").filter(
        has=page.get_by_role("heading", name="贫困劳动力实名制登记表"))
    roster.get_by_role("link", name="上传导入").click()
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "花名册-有错.xlsx", "mimeType": XLSX, "buffer": bad}])
    page.get_by_role("button", name="上传并校验").click()

    expect(page.locator("[data-testid=job-status]")).to_have_text("有错误，未导入")
    expect(page.locator("main")).to_contain_text("未写入任何数据")
    errors = page.locator("#import-status table")
    expect(errors.locator("thead")).to_contain_text("行号")
    row = errors.locator("tbody tr").filter(has_text="校验位")
    expect(row).to_have_count(1)
    expect(row.locator("td").nth(0)).to_have_text("3")
    expect(row.locator("td").nth(1)).to_have_text("身份证号")
    report = page.get_by_role("link", name=re.compile("下载错误报告"))
    expect(report).to_be_visible()
    with page.expect_download() as download:
        report.click()
    assert download.value.suggested_filename.endswith(".xlsx")
    sheet = CalamineWorkbook.from_path(str(download.value.path())).get_sheet_by_index(0)
    assert "校验位" in str(sheet.to_python())
    assert not Person.objects.exists()
    assert_fits_phone(page)
    screenshot(page, artifacts_dir / "import-errors.png")

    page.get_by_role("link", name="重新上传").click()
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "花名册.xlsx", "mimeType": XLSX, "buffer": good}])
    page.get_by_role("button", name="上传并校验").click()
    expect(page.locator("[data-testid=job-status]")).to_have_text("校验通过，待确认")
    confirm = page.get_by_role("button", name=re.compile("确认导入"))
    expect(confirm).to_contain_text("2")
    confirm.click()

    expect(page.locator("[data-testid=job-status]")).to_have_text("已导入")
    expect(page.locator("#import-status")).to_contain_text("新增 2")
    created = page.locator("#import-status .card").filter(has_text="新增")
    expect(created).to_have_text(re.compile(r"^\s*2\s*新增\s*$"))
    assert Person.objects.count() == 2
    assert_fits_phone(page)
    screenshot(page, artifacts_dir / "import-done.png")
