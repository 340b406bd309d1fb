"""用户管理 (issue 9 item 6; DESIGN §1): an administrator manages every account; a county
officer creates, edits, deactivates, reactivates and resets the accounts of the county's
townships and villages, giving roles only below their own and scopes only inside their own;
township and village staff manage none."""

import pytest
from django.http import Http404
from django.test import Client
from rest_framework.authtoken.models import Token

from fupin.accounts import services
from fupin.accounts.models import LoginEvent, User
from fupin.core.errors import ConcurrentEditError, ServiceError
from fupin.core.roles import Role, assignable_roles
from fupin.core.testing.fixtures import TEST_PASSWORD

LIST = "/accounts/users/"
NEW = "/accounts/users/new/"


@pytest.fixture
def county(demo_users):
    return demo_users["lizhou_county"]


@pytest.fixture
def village_a(demo_users):
    return demo_users["village_a"].scope_code


def create(actor, **kw):
    data = {"username": "zhangsan", "role": Role.VILLAGE_WORKER, "full_name": "张三",
            "phone": "13800001111"}
    data.update(kw)
    return services.user_create(actor=actor, **data)


# --- who gives what ---------------------------------------------------------------------------

def test_role_ranks(demo_users):
    assert set(assignable_roles(demo_users["admin"])) == {r for r, _l in Role.choices}
    assert set(assignable_roles(demo_users["lizhou_county"])) == {
        Role.TOWNSHIP_OFFICER, Role.VILLAGE_WORKER, Role.EXPERT, Role.TECHNICIAN}
    for name in ("lizhou_township", "village_a", "leader", "inspector", "expert",
                 "technician"):
        assert assignable_roles(demo_users[name]) == [], name


@pytest.mark.parametrize("role", [Role.COUNTY_OFFICER, Role.ADMIN, Role.LEADER,
                                  Role.INSPECTOR])
def test_county_officer_cannot_give_a_role_at_or_above_their_own(county, role):
    with pytest.raises(ServiceError, match="您不能授予") as exc:
        create(county, role=role, scope_code="510802")
    assert exc.value.field == "role"
    assert not User.objects.filter(username="zhangsan").exists()


def test_county_officer_cannot_give_a_scope_in_another_county(county, demo_users):
    other = demo_users["technician"].scope_code  # a Wangcang township
    with pytest.raises(ServiceError, match="不在您的管辖范围内"):
        create(county, role=Role.TECHNICIAN, scope_code=other)
    assert not User.objects.filter(username="zhangsan").exists()


def test_a_role_cannot_have_a_scope_wider_than_its_level(county):
    with pytest.raises(ServiceError, match="村或其下级"):
        create(county, role=Role.VILLAGE_WORKER, scope_code="510802")
    with pytest.raises(ServiceError, match="乡镇或其下级"):
        create(county, role=Role.TOWNSHIP_OFFICER, scope_code="510802")


def test_county_officer_creates_a_village_worker_who_must_change_the_password(county,
                                                                              village_a):
    user, password = create(county, scope_code=village_a)
    assert user.must_change_password and user.check_password(password)
    assert password not in user.password  # hashed, never kept in clear
    assert user.role == Role.VILLAGE_WORKER and user.scope_code == village_a
    record = user.history.latest()
    assert record.history_user == county and record.history_change_reason == "新建账户"


def test_a_chosen_password_must_pass_the_rules(county, village_a):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        create(county, scope_code=village_a, password="1234")
    assert not User.objects.filter(username="zhangsan").exists()


def test_a_username_is_taken_case_insensitively(county, village_a):
    with pytest.raises(ServiceError, match="已被使用"):
        create(county, scope_code=village_a, username="Village_A")


def test_township_and_village_staff_manage_no_account(demo_users, village_a):
    from django.core.exceptions import PermissionDenied

    for name in ("lizhou_township", "village_a", "leader"):
        with pytest.raises(PermissionDenied):
            create(demo_users[name], scope_code=village_a)
        assert not User.objects.visible_to(demo_users[name]).exists()


# --- whom one sees ---------------------------------------------------------------------------

def test_visible_to_is_the_accounts_one_manages(demo_users):
    seen = set(User.objects.visible_to(demo_users["lizhou_county"])
               .values_list("username", flat=True))
    # the county's township and village staff; not the county officer herself nor her
    # colleagues, not Wangcang, not the city's leader and inspector, not the superuser
    assert seen == {"lizhou_township", "village_a", "village_b"}
    everyone = set(User.objects.visible_to(demo_users["admin"]).values_list("username",
                                                                             flat=True))
    assert everyone == set(demo_users)


def test_editing_an_account_of_another_county_is_not_found(county, demo_users):
    theirs = demo_users["technician"]  # Wangcang
    with pytest.raises(Http404):
        services.user_update(actor=county, user=theirs, expected_version=None, full_name="x")
    for fn in (services.user_deactivate, services.user_reactivate,
               services.user_password_reset):
        with pytest.raises(Http404):
            fn(actor=county, user=theirs)
    theirs.refresh_from_db()
    assert theirs.full_name == "产业技术员" and theirs.is_active


def test_an_account_beside_or_above_is_not_found(county, demo_users):
    for name in ("wangcang_county", "admin", "leader"):
        with pytest.raises(Http404):
            services.user_deactivate(actor=county, user=demo_users[name])
    assert User.objects.filter(is_active=False).count() == 0


@pytest.mark.parametrize("name", ["wangcang_county", "technician", "admin", "leader"])
def test_pages_of_an_account_out_of_reach_answer_404(client, county, demo_users, name):
    client.force_login(county)
    pk = demo_users[name].pk
    for url in (f"{LIST}{pk}/", f"{LIST}{pk}/edit/", f"{LIST}{pk}/password/"):
        assert client.get(url).status_code == 404, url
    for url in (f"{LIST}{pk}/deactivate/", f"{LIST}{pk}/reactivate/",
                f"{LIST}{pk}/password/", f"{LIST}{pk}/edit/"):
        assert client.post(url, {"full_name": "x"}).status_code == 404, url
    assert User.objects.get(pk=pk).is_active


@pytest.mark.parametrize("name", ["lizhou_township", "village_a", "leader", "inspector",
                                  "expert", "technician"])
def test_township_village_and_other_users_are_forbidden_the_pages(client, demo_users, name):
    client.force_login(demo_users[name])
    target = demo_users["village_b"].pk
    for url in (LIST, NEW, f"{LIST}export/", f"{LIST}{target}/", f"{LIST}{target}/edit/",
                f"{LIST}credentials/", "/imports/users/template/"):
        assert client.get(url).status_code in (403, 404), url
    assert client.post(NEW, {"username": "x"}).status_code == 403
    assert client.post(f"{LIST}{target}/deactivate/").status_code == 403
    assert User.objects.get(pk=target).is_active
    assert "用户管理" not in client.get("/").content.decode()


# --- changes --------------------------------------------------------------------------------

def test_update_is_guarded_by_version(county, demo_users):
    worker = demo_users["village_a"]
    version = worker.version
    services.user_update(actor=county, user=worker, expected_version=version,
                         full_name="王五")
    with pytest.raises(ConcurrentEditError, match="已被他人修改"):
        services.user_update(actor=county, user=worker, expected_version=version,
                             full_name="赵六")
    worker.refresh_from_db()
    assert worker.full_name == "王五" and worker.version == version + 1


def test_update_cannot_move_an_account_out_of_reach(county, demo_users):
    worker = demo_users["village_a"]
    with pytest.raises(ServiceError, match="您不能授予"):
        services.user_update(actor=county, user=worker, expected_version=None,
                             role=Role.COUNTY_OFFICER, scope_code="510802")
    with pytest.raises(ServiceError, match="不在您的管辖范围内"):
        services.user_update(actor=county, user=worker, expected_version=None,
                             scope_code=demo_users["technician"].scope_code + "001")
    worker.refresh_from_db()
    assert worker.role == Role.VILLAGE_WORKER


def test_history_records_the_actor(county, demo_users):
    worker = demo_users["village_a"]
    services.user_update(actor=county, user=worker, expected_version=None, phone="13900002222")
    services.user_deactivate(actor=county, user=worker, reason="调离")
    services.user_reactivate(actor=county, user=worker)
    services.user_password_reset(actor=county, user=worker)
    records = list(worker.history.order_by("-history_id")[:4])
    assert [r.history_user for r in records] == [county] * 4
    assert [r.history_change_reason for r in records] == ["重置密码", "恢复账户",
                                                          "停用账户：调离", None]


def test_deactivated_user_cannot_log_in_and_tokens_are_revoked(county, demo_users):
    worker = demo_users["village_a"]
    Token.objects.create(user=worker)
    c = Client()
    assert c.post("/accounts/login/", {"username": "village_a",
                                       "password": TEST_PASSWORD}).status_code == 302
    services.user_deactivate(actor=county, user=worker)
    assert not Token.objects.filter(user=worker).exists()
    assert c.get("/").status_code == 302  # the session is over
    resp = Client().post("/accounts/login/", {"username": "village_a",
                                              "password": TEST_PASSWORD})
    assert resp.status_code == 200 and "用户名或密码不正确" in resp.content.decode()
    assert LoginEvent.objects.filter(user=worker, result=LoginEvent.Result.DEACTIVATED).exists()
    api = Client().post("/api/v1/auth/token/", {"username": "village_a",
                                                "password": TEST_PASSWORD},
                        content_type="application/json")
    assert api.status_code == 400


def test_one_cannot_deactivate_or_reset_oneself(demo_users):
    admin = demo_users["admin"]
    with pytest.raises(ServiceError, match="不能停用自己"):
        services.user_deactivate(actor=admin, user=admin)
    with pytest.raises(ServiceError, match="修改密码"):
        services.user_password_reset(actor=admin, user=admin)


def test_reset_sets_must_change_and_revokes_tokens(county, demo_users):
    worker = demo_users["village_a"]
    Token.objects.create(user=worker)
    password = services.user_password_reset(actor=county, user=worker)
    worker.refresh_from_db()
    assert worker.must_change_password and worker.check_password(password)
    assert not worker.check_password(TEST_PASSWORD)
    assert not Token.objects.filter(user=worker).exists()
    assert LoginEvent.objects.filter(user=worker, result=LoginEvent.Result.PASSWORD).exists()


def test_a_chosen_reset_password_must_pass_the_rules(county, demo_users):
    with pytest.raises(ServiceError, match="至少需要"):
        services.user_password_reset(actor=county, user=demo_users["village_a"],
                                     password="Ab1")


def test_generated_passwords_pass_the_rules_and_differ():
    from django.contrib.auth.password_validation import validate_password

    seen = {services.password_generate() for _i in range(50)}
    assert len(seen) == 50
    for password in seen:
        validate_password(password)
        assert len(password) == services.GENERATED_LENGTH


# --- pages ----------------------------------------------------------------------------------

def test_list_filters_and_masks_the_phone(client, county, demo_users):
    services.user_update(actor=county, user=demo_users["village_a"], expected_version=None,
                         phone="13812345678")
    client.force_login(county)
    html = client.get(LIST).content.decode()
    assert "138****5678" in html and "13812345678" not in html
    assert "村级专职人员甲" in html and "旺苍" not in html
    html = client.get(LIST, {"role": Role.TOWNSHIP_OFFICER}).content.decode()
    assert "lizhou_township" in html and "village_a" not in html
    html = client.get(LIST, {"q": "5678"}).content.decode()
    assert "village_a" in html and "village_b" not in html
    html = client.get(LIST, {"area": demo_users["village_b"].scope_code}).content.decode()
    assert "village_b" in html and "village_a" not in html
    services.user_deactivate(actor=county, user=demo_users["village_b"])
    html = client.get(LIST, {"active": "0"}).content.decode()
    assert "village_b" in html and "village_a" not in html


def test_list_pages_by_keys(client, county, village_a):
    for i in range(55):
        create(county, username=f"worker{i:02d}", scope_code=village_a)
    client.force_login(county)
    first = client.get(LIST).content.decode()
    assert "worker54" in first and "下一页" in first and "worker00" not in first
    last = User.objects.get(username="worker05").pk
    second = client.get(LIST, {"after": last}).content.decode()
    assert "worker00" in second and "worker54" not in second


def test_create_page_shows_the_password_once(client, county, village_a):
    client.force_login(county)
    assert client.get(NEW).status_code == 200
    resp = client.post(NEW, {"username": "lisi", "full_name": "李四", "phone": "",
                             "role": Role.VILLAGE_WORKER, "scope_area": village_a})
    assert resp.status_code == 200 and "no-store" in resp["Cache-Control"]
    html = resp.content.decode()
    user = User.objects.get(username="lisi")
    password = html.split('data-testid="shown-password">')[1].split("<")[0]
    assert user.check_password(password) and user.must_change_password
    # nowhere else: not on the account's page, not in its history
    assert password not in client.get(f"{LIST}{user.pk}/").content.decode()


def test_create_page_refuses_a_role_above_with_a_chinese_message(client, county):
    client.force_login(county)
    resp = client.post(NEW, {"username": "lisi", "full_name": "李四",
                             "role": Role.COUNTY_OFFICER, "scope_area": "510802"})
    assert resp.status_code == 400 and not User.objects.filter(username="lisi").exists()
    assert "选择一个有效的选项" in resp.content.decode() or "您不能授予" in resp.content.decode()


def test_edit_page_conflict_answers_409(client, county, demo_users):
    worker = demo_users["village_a"]
    client.force_login(county)
    data = {"full_name": "新名字", "phone": "", "role": worker.role,
            "scope_area": worker.scope_code, "_version": worker.version}
    services.user_update(actor=county, user=worker, expected_version=None, full_name="别人改的")
    resp = client.post(f"{LIST}{worker.pk}/edit/", data)
    assert resp.status_code == 409 and "已被他人修改" in resp.content.decode()
    worker.refresh_from_db()
    assert worker.full_name == "别人改的"


def test_edit_page_keeps_the_phone_when_left_blank(client, county, demo_users):
    worker = demo_users["village_a"]
    services.user_update(actor=county, user=worker, expected_version=None, phone="13812345678")
    worker.refresh_from_db()
    client.force_login(county)
    resp = client.post(f"{LIST}{worker.pk}/edit/", {
        "full_name": "新名字", "phone": "", "role": worker.role,
        "scope_area": worker.scope_code, "_version": worker.version})
    assert resp.status_code == 302
    worker.refresh_from_db()
    assert worker.full_name == "新名字" and worker.phone == "13812345678"


def test_detail_shows_history_with_the_actor(client, county, demo_users):
    worker = demo_users["village_a"]
    services.user_deactivate(actor=county, user=worker, reason="调离")
    client.force_login(county)
    html = client.get(f"{LIST}{worker.pk}/").content.decode()
    assert "停用账户：调离" in html and "利州区经办" in html and "账户停用" in html


def test_reset_and_deactivate_pages(client, county, demo_users):
    worker = demo_users["village_a"]
    client.force_login(county)
    resp = client.post(f"{LIST}{worker.pk}/password/", {"password": ""})
    assert resp.status_code == 200 and "no-store" in resp["Cache-Control"]
    worker.refresh_from_db()
    assert worker.must_change_password
    resp = client.post(f"{LIST}{worker.pk}/deactivate/", {"reason": "离职"})
    assert resp.status_code == 302
    worker.refresh_from_db()
    assert not worker.is_active
    client.post(f"{LIST}{worker.pk}/reactivate/")
    worker.refresh_from_db()
    assert worker.is_active


def test_admin_manages_every_account(client, demo_users):
    client.force_login(demo_users["admin"])
    county = demo_users["wangcang_county"]
    assert client.get(f"{LIST}{county.pk}/").status_code == 200
    user, _password = services.user_create(actor=demo_users["admin"], username="newcounty",
                                           role=Role.COUNTY_OFFICER, scope_code="510821",
                                           full_name="新区县经办")
    assert user.role == Role.COUNTY_OFFICER


def test_navigation_entry_for_managers_only(client, demo_users):
    client.force_login(demo_users["lizhou_county"])
    assert f'href="{LIST}"' in client.get("/").content.decode()
    client.force_login(demo_users["lizhou_township"])
    assert f'href="{LIST}"' not in client.get("/").content.decode()


def test_generated_passwords_hash_fast_and_are_rehashed_at_first_login(settings, county,
                                                                         village_a):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    user, password = create(county, scope_code=village_a)
    assert user.password.startswith("pbkdf2_sha256$10000$")
    assert user.check_password(password)  # Django's own hasher verifies it, and upgrades it
    user.refresh_from_db()
    assert user.password.startswith(f"pbkdf2_sha256${PBKDF2PasswordHasher.iterations}$")
    assert not LoginEvent.objects.filter(user=user).exists()  # an upgrade revokes nothing


@pytest.mark.django_db(transaction=True)
def test_two_officers_editing_at_once_one_wins(demo_users, monkeypatch):
    """Both opened version N; both submit at the same moment: the row lock makes the second
    read the first's version and refuse, nothing half-written (PostgreSQL: real concurrent
    transactions)."""
    import threading

    from django.db import connection, connections

    if connection.vendor == "sqlite":
        pytest.skip("SQLite serializes writers (BEGIN IMMEDIATE): no race to lose")
    county = demo_users["lizhou_county"]
    worker = demo_users["village_a"]
    version = worker.version
    real = services._managed_locked
    barrier = threading.Barrier(2, timeout=30)

    def in_step(*, actor, user):
        barrier.wait()  # both have passed their checks before either takes the lock
        return real(actor=actor, user=user)

    monkeypatch.setattr(services, "_managed_locked", in_step)
    done, refused = [], []

    def edit(name):
        try:
            services.user_update(actor=county, user=User.objects.get(pk=worker.pk),
                                 expected_version=version, full_name=name)
            done.append(name)
        except ConcurrentEditError as exc:
            refused.append(exc.message)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=edit, args=(n,)) for n in ("甲", "乙")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(done) == 1 and len(refused) == 1 and "已被他人修改" in refused[0]
    worker.refresh_from_db()
    assert worker.full_name == done[0] and worker.version == version + 1
