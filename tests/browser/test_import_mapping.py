"""The column-mapping step in a real browser: the page lists the fields once and every
column's dropdown offers them all (import-mapping.js), keeping the suggested choice."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_registry import XLSX, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_mapping_dropdowns_offer_every_field_and_import(live_server, demo_users, page):
    from fupin.registry.models import Person
    from fupin.registry.tests.test_import import HEADER, KEY, family, xlsx

    header = list(HEADER)
    header[KEY["name"]] = "人员"
    data = xlsx([header, *family(demo_users["village_a"].scope_code)])
    log_in(page, live_server, "village_a")
    page.goto(live_server.url + "/imports/persons/upload/")
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "花名册.xlsx", "mimeType": XLSX, "buffer": data}])
    page.get_by_role("button", name="上传并校验").click()
    expect(page.locator("[data-testid=job-status]")).to_have_text("待确认列")
    unknown = page.locator(f"#col_{KEY['name']}")
    id_column = page.locator(f"#col_{KEY['id_number']}")
    expect(unknown.locator("option")).to_have_count(len(HEADER) + 1)  # 忽略 + every field
    expect(id_column).to_have_value("id_number")  # the suggestion survives the copy
    unknown.select_option("name")
    page.get_by_role("button", name="确认对应并校验").click()
    expect(page.locator("[data-testid=job-status]")).to_have_text("校验通过，待确认")
    page.get_by_role("button", name="确认导入 2 行").click()
    expect(page.locator("[data-testid=job-status]")).to_have_text("已导入")
    assert Person.objects.count() == 2
