"""Accounts from a spreadsheet (issue 9 item 6): a county creates its village workers at once
through the shared import framework — all or nothing, the same file twice changes nothing,
rows out of scope or with roles above the importer refused in Chinese, and the new accounts'
initial passwords handed to the importer once."""

import io

import pytest
from django.test import Client
from python_calamine import CalamineWorkbook

from fupin.accounts.imports import username_base, users_import
from fupin.accounts.models import CredentialSheet, User
from fupin.core.tabular import importer
from fupin.core.tabular.reader import TabularError
from fupin.core.testing.foreign import model_counts, workbook


def run(actor, rows):
    return importer.commit(users_import, importer.load(workbook(users_import, rows), "u.xlsx"),
                           actor=actor)


def errors(report):
    return [(e.line, e.column, e.message) for e in report.errors]


@pytest.fixture
def county(demo_users):
    return demo_users["lizhou_county"]


@pytest.fixture
def villages(demo_users):
    return demo_users["village_a"].scope_code, demo_users["village_b"].scope_code


def good_rows(villages):
    a, b = villages
    return [
        {"full_name": "张三", "phone": "13800001111", "role": "村级专职人员", "area": a},
        {"full_name": "张三", "phone": "13800002222", "role": "村级专职人员", "area": b},
        {"full_name": "李四", "username": "lisi_cun", "role": "村专干", "area": b},
        {"full_name": "王五", "role": "乡镇经办", "area": a[:9]},
    ]


def test_a_good_file_creates_the_accounts_with_must_change(county, villages):
    report = run(county, good_rows(villages))
    assert report.ok, errors(report)
    assert report.outcome.as_dict() == {"created": 4, "updated": 0, "unchanged": 0}
    made = {u.username: u for u in User.objects.filter(full_name__in=["张三", "李四", "王五"])}
    assert set(made) == {"zhangsan", "zhangsan2", "lisi_cun", "wangwu"}
    assert all(u.must_change_password for u in made.values())
    assert made["wangwu"].role == "township_officer"
    assert made["wangwu"].scope_code == villages[0][:9]
    assert all(u.history.latest().history_user == county for u in made.values())
    sheet = CredentialSheet.objects.get()
    assert sheet.actor == county and sheet.accounts == 4
    by_name = {row[0]: row[4] for row in sheet.rows}
    assert all(made[n].check_password(p) for n, p in by_name.items())


def test_reimporting_the_same_file_changes_nothing(county, villages):
    assert run(county, good_rows(villages)).ok
    before = model_counts()
    report = run(county, good_rows(villages))
    assert report.ok and report.outcome.as_dict() == {"created": 0, "updated": 0,
                                                      "unchanged": 4}
    assert model_counts() == before


def test_an_edited_file_updates_only_the_changed_row(county, villages):
    assert run(county, good_rows(villages)).ok
    rows = good_rows(villages)
    rows[2]["phone"] = "13900003333"
    report = run(county, rows)
    assert report.outcome.as_dict() == {"created": 0, "updated": 1, "unchanged": 3}
    user = User.objects.get(username="lisi_cun")
    assert user.phone == "13900003333" and user.version == 2
    assert user.history.latest().history_change_reason == "导入修改"


def test_the_export_reimports_unchanged(client, county, villages):
    assert run(county, good_rows(villages)).ok
    client.force_login(county)
    resp = client.get("/accounts/users/export/")
    content = b"".join(resp.streaming_content)
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0)
    rows = sheet.to_python()
    assert rows[0][:5] == ["姓名", "用户名", "手机号", "角色", "所属区划"]
    assert any("13800001111" in [str(c) for c in r] for r in rows)  # staff export: clear
    report = importer.commit(users_import, importer.load(content, "export.xlsx"), actor=county)
    assert report.ok, errors(report)
    assert report.outcome.created == 0 and report.outcome.updated == 0


def test_a_wrong_header_asks_for_the_columns(county):
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["名字", "电话", "职务"])
    sheet.write_row(1, 0, ["张三", "13800001111", "村级专职人员"])
    book.close()
    with pytest.raises(importer.NeedsMapping) as exc:
        importer.commit(users_import, importer.load(out.getvalue(), "x.xlsx"), actor=county)
    assert "姓名" in exc.value.describe() and "角色" in exc.value.describe()
    assert not User.objects.filter(full_name="张三").exists()


@pytest.mark.parametrize("role", ["区县经办", "系统管理员", "领导", "督查员"])
def test_a_role_above_the_importer_is_refused(county, villages, role):
    rows = good_rows(villages) + [{"full_name": "赵六", "role": role, "area": "510802"}]
    before = model_counts()
    report = run(county, rows)
    assert not report.ok and model_counts() == before
    (line, column, message), = errors(report)
    assert line == 6 and column == "角色" and "您不能授予" in message


def test_an_unknown_role_is_refused(county, villages):
    report = run(county, [{"full_name": "赵六", "role": "村长", "area": villages[0]}])
    assert not report.ok and errors(report)[0][1] == "角色"


def test_rows_out_of_scope_are_refused(county, demo_users):
    wangcang_township = demo_users["technician"].scope_code
    from fupin.areas.models import Area

    wangcang_village = Area.objects.filter(parent_id=wangcang_township).first().code
    rows = [{"full_name": "赵六", "role": "村级专职人员", "area": wangcang_village},
            {"full_name": "钱七", "role": "乡镇经办", "area": wangcang_township},
            {"full_name": "孙八", "role": "村级专职人员",
             "area": Area.objects.get(pk=wangcang_village).name}]
    before = model_counts()
    report = run(county, rows)
    assert model_counts() == before
    assert {e.line for e in report.errors} == {2, 3, 4}
    assert all("管辖范围" in e.message for e in report.errors), errors(report)


def test_duplicate_usernames_in_the_file_are_refused(county, villages):
    a, b = villages
    rows = [{"full_name": "张三", "username": "zs", "role": "村级专职人员", "area": a},
            {"full_name": "张四", "username": "ZS", "role": "村级专职人员", "area": b}]
    report = run(county, rows)
    assert errors(report) == [(3, "用户名", "与第 2 行的用户名重复")]
    assert not User.objects.filter(username__iexact="zs").exists()


def test_a_username_of_an_account_out_of_reach_is_refused(county, villages):
    rows = [{"full_name": "张三", "username": name, "role": "村级专职人员", "area": villages[0]}
            for name in ("wangcang_county", "Technician", "admin", "lizhou_county")]
    before = model_counts()
    report = run(county, rows)
    assert model_counts() == before
    assert [e.message for e in report.errors] == [
        f"用户名“{n}”已被其他账户使用" for n in ("wangcang_county", "Technician", "admin",
                                          "lizhou_county")]


def test_a_username_of_a_managed_account_updates_it(county, villages, demo_users):
    report = run(county, [{"full_name": "新名字", "username": "village_a",
                           "role": "村级专职人员", "area": villages[0]}])
    assert report.ok and report.outcome.updated == 1
    user = User.objects.get(username="village_a")
    assert user.full_name == "新名字" and user.check_password("Guangyuan@2017")
    assert not CredentialSheet.objects.exists()


def test_the_same_person_twice_without_username_is_refused(county, villages):
    row = {"full_name": "张三", "phone": "13800001111", "role": "村级专职人员",
           "area": villages[0]}
    report = run(county, [row, dict(row)])
    assert errors(report) == [(3, "姓名", "与第 2 行是同一人（姓名、手机号、所属区划相同）")]


def test_township_officers_cannot_import_accounts(demo_users, villages):
    report = run(demo_users["lizhou_township"],
                 [{"full_name": "张三", "role": "村级专职人员", "area": villages[0]}])
    assert not report.ok and "无权导入用户账户" in report.errors[0].message
    client = Client()
    client.force_login(demo_users["lizhou_township"])
    assert client.get("/imports/users/upload/").status_code == 404


def test_usernames_from_pinyin():
    assert username_base("张三") == "zhangsan"
    assert username_base("吕布") in ("lvbu", "lubu", "lyubu")
    assert username_base("") == "user"


def test_the_guard_rolls_back_an_account_written_out_of_reach(county, villages, monkeypatch):
    """The import scope guard (core/tabular/ledger.py) checks users as it checks area
    records: a write() that put an account outside the importer's reach rolls back."""
    original = users_import.write

    def wrong_write(rows, state):
        outcome = original(rows, state)
        User.objects.filter(username="zhangsan").update(scope_area_id="510821")
        return outcome

    monkeypatch.setattr(users_import, "write", wrong_write)
    before = model_counts()
    with pytest.raises(TabularError, match="管辖范围以外"):
        run(county, good_rows(villages)[:1])
    assert model_counts() == before


# --- the one-time hand-over of the initial passwords ------------------------------------------

def test_the_importer_downloads_the_passwords_once(client, county, villages, demo_users):
    assert run(county, good_rows(villages)).ok
    sheet = CredentialSheet.objects.get()
    url = f"/accounts/users/credentials/{sheet.pk}/"
    other = Client()
    other.force_login(demo_users["admin"])  # not the importer: not found
    assert other.post(url).status_code == 404
    client.force_login(county)
    assert "初始密码待下载" in client.get("/accounts/users/").content.decode()
    assert client.get(url).status_code == 405  # a download that empties the sheet is a POST
    resp = client.post(url)
    assert resp.status_code == 200 and "no-store" in resp["Cache-Control"]
    rows = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(resp.streaming_content))) \
        .get_sheet_by_index(0).to_python()
    zhangsan = User.objects.get(username="zhangsan")
    assert any(r[0] == "zhangsan" and zhangsan.check_password(r[4]) for r in rows)
    sheet.refresh_from_db()
    assert sheet.rows == [] and sheet.collected_at is not None
    assert client.post(url).status_code == 404  # once only


def test_uncollected_passwords_are_erased_after_the_period(county, villages):
    import datetime

    from django.core.management import call_command
    from django.utils import timezone

    assert run(county, good_rows(villages)).ok
    CredentialSheet.objects.update(created_at=timezone.now() - datetime.timedelta(days=4))
    call_command("purge_credentials", stdout=io.StringIO())
    sheet = CredentialSheet.objects.get()
    assert sheet.rows == [] and sheet.purged_at is not None and not sheet.pending


def test_through_the_import_pages(client, county, villages):
    """Upload, confirm, and the job page points at the passwords' hand-over."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(county)
    assert client.get("/imports/users/template/").status_code == 200
    data = workbook(users_import, good_rows(villages))
    resp = client.post("/imports/users/upload/", {"file": SimpleUploadedFile("u.xlsx", data)})
    assert resp.status_code == 302
    job_url = resp["Location"]
    client.post(f"{job_url}commit/")
    page = client.get(job_url).content.decode()
    assert 'data-testid="done-link"' in page and "/accounts/users/credentials/" in page
    assert User.objects.filter(username="zhangsan2").exists()


def test_an_administrator_cannot_change_her_own_role_by_import(scope_users, villages):
    admin = scope_users["city"]
    report = run(admin, [{"full_name": "市级管理员", "username": "city_admin",
                          "role": "村级专职人员", "area": villages[0]}])
    assert errors(report) == [(2, "用户名", "不能修改自己的角色或管辖区划")]
    admin.refresh_from_db()
    assert admin.role == "admin"


def _download_url():
    return f"/accounts/users/credentials/{CredentialSheet.objects.get().pk}/"


def test_a_failure_while_building_the_download_keeps_the_passwords(client, county, villages,
                                                                    monkeypatch):
    """The sheet is emptied only with the workbook built, in the same transaction: a
    failure while building it leaves the passwords to download again."""
    assert run(county, good_rows(villages)).ok
    rows = CredentialSheet.objects.get().rows

    def boom(self):
        raise RuntimeError("disk full")

    monkeypatch.setattr("xlsxwriter.Workbook.close", boom)
    client.force_login(county)
    with pytest.raises(RuntimeError):
        client.post(_download_url())
    sheet = CredentialSheet.objects.get()
    assert sheet.pending and sheet.rows == rows


def test_the_download_leaves_out_accounts_now_out_of_the_importers_reach(client, county,
                                                                         villages):
    """An account moved since the import to another county is not the importer's any more:
    its password is not handed to them, and the file says one was left out."""
    assert run(county, good_rows(villages)).ok
    User.objects.filter(username="zhangsan").update(scope_area_id="510821")
    client.force_login(county)
    resp = client.post(_download_url())
    assert resp.status_code == 200
    rows = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(resp.streaming_content))) \
        .get_sheet_by_index(0).to_python()
    names = [r[0] for r in rows]
    assert "zhangsan" not in names and {"zhangsan2", "lisi_cun", "wangwu"} <= set(names)
    assert any("1 个账户已不在您的管辖范围内" in str(r[0]) for r in rows)
    assert CredentialSheet.objects.get().rows == []  # emptied all the same: once only


def test_the_user_list_only_reads_the_sheets(client, county, villages):
    """Listing the accounts writes nothing: the expired sheets are erased by `fupin nightly`
    (purge_credentials), and until then are neither offered nor handed out."""
    import datetime

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    assert run(county, good_rows(villages)).ok
    CredentialSheet.objects.update(created_at=timezone.now() - datetime.timedelta(days=4))
    client.force_login(county)
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/accounts/users/").content.decode()
    assert not [q for q in queries if "credentialsheet" in q["sql"].lower()
                and q["sql"].lstrip().upper().startswith("UPDATE")]
    assert "初始密码待下载" not in page
    sheet = CredentialSheet.objects.get()
    assert sheet.purged_at is None and sheet.rows  # still there, for the nightly purge
    assert "没有待下载的初始密码" in client.get("/accounts/users/credentials/").content.decode()
    assert client.post(_download_url()).status_code == 404


# --- the import keeps the services' rules -------------------------------------------------------

def _deactivate(county, username):
    from fupin.accounts import services

    services.user_deactivate(actor=county, user=User.objects.get(username=username))
    return User.objects.get(username=username)


def test_a_row_changing_a_deactivated_account_is_refused(county, villages):
    """As 修改账户 refuses it ("该账户已停用"): a deactivated account is restored first."""
    assert run(county, good_rows(villages)).ok
    before_user = _deactivate(county, "lisi_cun")
    rows = good_rows(villages)
    rows[2].update(phone="13900003333", role="产业技术员", area=villages[1][:9])
    before = model_counts()
    report = run(county, rows)
    assert not report.ok and model_counts() == before
    (line, column, message), = errors(report)
    assert line == 4 and column == "用户名" and "已停用" in message and "恢复" in message
    user = User.objects.get(username="lisi_cun")
    assert (user.phone, user.role, user.scope_code, user.version) == (
        before_user.phone, before_user.role, before_user.scope_code, before_user.version)


def test_a_row_without_username_matching_a_deactivated_account_is_refused(county, villages):
    assert run(county, good_rows(villages)).ok
    _deactivate(county, "zhangsan")
    rows = good_rows(villages)[:1]
    rows[0]["role"] = "产业技术员"
    rows[0]["area"] = villages[0]
    report = run(county, rows)
    assert not report.ok and "已停用" in errors(report)[0][2]
    assert User.objects.get(username="zhangsan").role == "village_worker"


def test_an_unchanged_row_of_a_deactivated_account_stays_unchanged(county, villages):
    """The export lists deactivated accounts too, and re-imports unchanged."""
    assert run(county, good_rows(villages)).ok
    _deactivate(county, "lisi_cun")
    report = run(county, good_rows(villages))
    assert report.ok and report.outcome.as_dict() == {"created": 0, "updated": 0,
                                                      "unchanged": 4}
    assert not User.objects.get(username="lisi_cun").is_active  # never reactivated


@pytest.fixture
def stricter_rule(monkeypatch):
    """A rule of the model's own (User.clean), as the services apply it (full_clean)."""
    from django.core.exceptions import ValidationError

    def clean(self):
        if "测" in (self.full_name or ""):
            raise ValidationError({"full_name": ["姓名不能含“测”字"]})

    monkeypatch.setattr(User, "clean", clean)


def test_the_models_own_rules_refuse_import_rows_as_they_refuse_the_pages(
        county, villages, stricter_rule):
    from fupin.accounts import services
    from fupin.core.errors import ServiceError

    with pytest.raises(ServiceError, match="不能含"):  # the 新建账户 page's service
        services.user_create(actor=county, username="ceshi", full_name="测试",
                             role="village_worker", scope_code=villages[0])
    assert run(county, good_rows(villages)).ok
    rows = good_rows(villages) + [{"full_name": "测试", "role": "村级专职人员",
                                   "area": villages[0]}]
    rows[2]["full_name"] = "李测"  # an existing account renamed
    before = model_counts()
    report = run(county, rows)
    assert not report.ok and model_counts() == before
    assert sorted(errors(report)) == [(4, "姓名", "姓名不能含“测”字"),
                                      (6, "姓名", "姓名不能含“测”字")]
    assert User.objects.get(username="lisi_cun").full_name == "李四"


def test_the_import_writes_the_services_history_reasons(county, villages):
    from fupin.accounts import services

    assert run(county, good_rows(villages)).ok
    made = User.objects.get(username="lisi_cun")
    assert made.history.latest().history_change_reason == services.history_reason(
        "create", imported=True)
    rows = good_rows(villages)
    rows[2]["phone"] = "13900004444"
    assert run(county, rows).ok
    assert made.history.latest().history_change_reason == services.history_reason(
        "update", imported=True)
