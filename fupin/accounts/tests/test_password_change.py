"""Changing a password (every user, on the 修改密码 page; administrators in the admin) revokes
the user's API tokens and other sessions; so does a deactivation (issue 8, item 8)."""

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from fupin.accounts import services
from fupin.accounts.models import LoginEvent
from fupin.core.testing.fixtures import TEST_PASSWORD

PAGE = "/accounts/password/"
NEW = "Chaoyang#2026x"


def logged_in(username, ip="10.5.5.5"):
    c = Client(REMOTE_ADDR=ip)
    resp = c.post("/accounts/login/", {"username": username, "password": TEST_PASSWORD})
    assert resp.status_code == 302
    return c


def api_token(username, password=TEST_PASSWORD):
    resp = Client().post("/api/v1/auth/token/", {"username": username, "password": password},
                         content_type="application/json")
    assert resp.status_code == 200, resp.content
    return resp.json()["token"]


def api_works(token) -> bool:
    return Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 200


def page_works(c) -> bool:
    return c.get("/").status_code == 200


def change(c, old=TEST_PASSWORD, new=NEW, again=None):
    return c.post(PAGE, {"old_password": old, "new_password1": new,
                         "new_password2": new if again is None else again})


@pytest.mark.parametrize("username", ["village_a", "leader", "technician", "admin"])
def test_every_user_has_the_page_and_the_link(demo_users, username):
    c = logged_in(username)
    home = c.get("/").content.decode()
    assert f'href="{PAGE}"' in home and "修改密码" in home
    page = c.get(PAGE)
    html = page.content.decode()
    assert page.status_code == 200
    for text in ("修改密码", "原密码", "新密码", "确认新密码", "至少需要 10 个字符"):
        assert text in html


def test_page_needs_login(areas):
    resp = Client().get(PAGE)
    assert resp.status_code == 302 and resp["Location"].startswith("/accounts/login/")


def test_change_keeps_this_session_and_revokes_tokens_and_other_sessions(demo_users):
    user = demo_users["village_a"]
    mine, other = logged_in("village_a"), logged_in("village_a", ip="10.6.6.6")
    token = api_token("village_a")
    colleague = logged_in("village_b")
    colleague_token = api_token("village_b")
    assert api_works(token) and page_works(other)

    resp = change(mine)
    assert resp.status_code == 302
    assert "密码已修改" in mine.get(resp["Location"]).content.decode()
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert page_works(mine)                                 # this session stays logged in
    assert not page_works(other)                            # the other one is logged out
    assert not api_works(token) and not Token.objects.filter(user=user).exists()
    assert page_works(colleague) and api_works(colleague_token)  # nobody else is touched
    event = LoginEvent.objects.get(result=LoginEvent.Result.PASSWORD)
    assert (event.user, event.username, event.ip) == (user, "village_a", "10.5.5.5")
    assert api_works(api_token("village_a", NEW))


@pytest.mark.parametrize(("old", "new", "again", "message"), [
    ("wrong-Password9", NEW, None, "原密码不正确"),
    (TEST_PASSWORD, NEW, NEW + "y", "两次输入的新密码不一致"),
    (TEST_PASSWORD, "Ab1", None, "密码太短，至少需要 10 个字符"),
    (TEST_PASSWORD, "abcdefghijkl", None, "不能只由一类字符组成"),
    (TEST_PASSWORD, "Xvillage_a12", None, "密码不能包含用户名"),
    (TEST_PASSWORD, TEST_PASSWORD, None, "新密码不能与原密码相同"),
    (TEST_PASSWORD, "password123", None, "这个密码太常见了"),
    (TEST_PASSWORD, "", None, "请填写此项"),
])
def test_bad_input_is_refused_in_chinese_and_changes_nothing(demo_users, old, new, again,
                                                               message):
    c = logged_in("village_a")
    token = api_token("village_a")
    resp = change(c, old=old, new=new, again=again)
    assert resp.status_code == 200
    assert message in resp.content.decode()
    user = demo_users["village_a"]
    user.refresh_from_db()
    assert user.check_password(TEST_PASSWORD)
    assert api_works(token) and page_works(c)
    assert not LoginEvent.objects.filter(result=LoginEvent.Result.PASSWORD).exists()


def test_wrong_old_passwords_count_towards_the_lockout(demo_users):
    c = logged_in("village_a")
    for _ in range(5):
        change(c, old="wrong-Password9")
    resp = change(c)
    assert "锁定" in resp.content.decode()
    user = demo_users["village_a"]
    user.refresh_from_db()
    assert user.check_password(TEST_PASSWORD)


def test_admin_setting_a_password_revokes_the_users_tokens_and_sessions(demo_users):
    user = demo_users["village_a"]
    theirs = logged_in("village_a")
    token = api_token("village_a")
    admin = logged_in("admin", ip="10.7.7.7")
    resp = admin.post(f"/admin/accounts/user/{user.pk}/password/",
                      {"password1": NEW, "password2": NEW, "usable_password": "true"})
    assert resp.status_code == 302, resp.content.decode()[:2000]
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert not api_works(token) and not page_works(theirs)
    assert page_works(admin)
    event = LoginEvent.objects.get(result=LoginEvent.Result.PASSWORD)
    assert (event.user, event.ip) == (user, "10.7.7.7")


def test_set_password_through_the_services_revokes_tokens(demo_users):
    token = api_token("village_a")
    theirs = logged_in("village_a")
    services.user_upsert(username="village_a", role="village_worker",
                         scope_code=demo_users["village_a"].scope_code, password=NEW,
                         full_name=demo_users["village_a"].full_name)
    assert not api_works(token) and not page_works(theirs)
    event = LoginEvent.objects.get(result=LoginEvent.Result.PASSWORD)
    assert event.ip is None and event.channel == LoginEvent.Channel.COMMAND


def test_deactivation_revokes_tokens_and_sessions_for_good(demo_users):
    user = demo_users["village_a"]
    token = api_token("village_a")
    theirs = logged_in("village_a")
    user.is_active = False
    user.save()
    assert not Token.objects.filter(user=user).exists()
    assert not page_works(theirs)
    assert LoginEvent.objects.filter(result=LoginEvent.Result.DEACTIVATED, user=user).exists()
    user.is_active = True  # reactivated: the old credentials stay dead
    user.save()
    assert not api_works(token) and not page_works(theirs)


def test_other_saves_of_the_user_keep_tokens_and_sessions(demo_users):
    user = demo_users["village_a"]
    token = api_token("village_a")
    theirs = logged_in("village_a")
    user.full_name = "王小红"
    user.save()
    logged_in("village_a", ip="10.8.8.8")  # a login saves last_login
    assert api_works(token) and page_works(theirs)
    assert not LoginEvent.objects.filter(result__in=[LoginEvent.Result.PASSWORD,
                                                     LoginEvent.Result.DEACTIVATED]).exists()


def test_a_rehash_at_login_is_no_password_change(demo_users, settings):
    """Django re-hashes a password at login when the preferred hasher changed: the same
    password, so the tokens and sessions stay."""
    from django.contrib.auth.hashers import make_password

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher",
                                 "django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    user = demo_users["village_a"]
    user.password = make_password(TEST_PASSWORD, hasher="pbkdf2_sha256")
    user.save(update_fields=["password"])  # a hash of an older hasher, stored as is
    token = api_token("village_a")
    theirs = logged_in("village_a")
    before = LoginEvent.objects.filter(result=LoginEvent.Result.PASSWORD).count()
    logged_in("village_a", ip="10.9.1.1")  # the login upgrades the hash
    user.refresh_from_db()
    assert user.password.startswith("md5$")
    assert api_works(token) and page_works(theirs)
    assert LoginEvent.objects.filter(result=LoginEvent.Result.PASSWORD).count() == before
