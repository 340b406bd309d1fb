from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from fupin.accounts.models import LoginEvent
from fupin.core.testing.fixtures import TEST_PASSWORD

LOGIN = "/accounts/login/"


def post_login(client, username, password, ip="10.1.1.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_login_page_is_chinese(client, areas):
    page = client.get(LOGIN)
    assert page.status_code == 200
    html = page.content.decode()
    assert "扶贫管理平台" in html and "用户名" in html and 'lang="zh-hans"' in html


def test_login_success_records_event_and_shows_scope(client, demo_users):
    resp = post_login(client, "village_a", TEST_PASSWORD)
    assert resp.status_code == 302
    home = client.get("/")
    html = home.content.decode()
    assert "村级专职人员" in html and demo_users["village_a"].scope_area.name in html
    event = LoginEvent.objects.get(result=LoginEvent.Result.SUCCESS)
    assert (event.username, event.ip, event.user) == ("village_a", "10.1.1.1",
                                                       demo_users["village_a"])
    client.post("/accounts/logout/", REMOTE_ADDR="10.1.1.1")
    assert LoginEvent.objects.filter(result=LoginEvent.Result.LOGOUT,
                                     username="village_a").exists()


def test_wrong_password_is_refused_in_chinese_and_recorded(client, demo_users):
    resp = post_login(client, "village_a", "wrong-Password1")
    assert resp.status_code == 200 and "用户名或密码不正确" in resp.content.decode()
    assert LoginEvent.objects.filter(result=LoginEvent.Result.FAILURE, username="village_a",
                                     ip="10.1.1.1").count() == 1


def test_account_locks_after_five_failures_even_with_right_password(client, demo_users):
    for i in range(5):
        post_login(client, "village_a", "wrong-Password1", ip=f"10.0.0.{i}")
    resp = post_login(client, "village_a", TEST_PASSWORD, ip="10.0.0.99")
    assert "锁定" in resp.content.decode()
    assert "_auth_user_id" not in client.session
    assert LoginEvent.objects.filter(result=LoginEvent.Result.LOCKED).count() == 1
    # another account from another IP is unaffected
    assert post_login(client, "village_b", TEST_PASSWORD, ip="10.0.1.1").status_code == 302


def test_ip_locks_after_five_failures_across_accounts(client, demo_users):
    for name in ["a1", "a2", "a3", "a4", "a5"]:
        post_login(client, name, "wrong-Password1", ip="10.9.9.9")
    resp = post_login(client, "village_b", TEST_PASSWORD, ip="10.9.9.9")
    assert "锁定" in resp.content.decode()
    assert post_login(client, "village_b", TEST_PASSWORD, ip="10.9.9.8").status_code == 302


def test_lock_expires_after_window(client, demo_users):
    for i in range(5):
        post_login(client, "village_a", "wrong-Password1", ip=f"10.0.0.{i}")
    LoginEvent.objects.update(at=timezone.now() - settings.FUPIN_LOCKOUT_WINDOW
                              - timedelta(seconds=1))
    assert post_login(client, "village_a", TEST_PASSWORD).status_code == 302


def test_four_failures_do_not_lock(client, demo_users):
    for i in range(4):
        post_login(client, "village_a", "wrong-Password1", ip=f"10.0.0.{i}")
    assert post_login(client, "village_a", TEST_PASSWORD).status_code == 302


def test_session_settings_expire_idle_sessions():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_pages_need_login(client, areas):
    resp = client.get("/")
    assert resp.status_code == 302 and resp["Location"].startswith(LOGIN)


def test_csrf_enforced_on_login(areas):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post(LOGIN, {"username": "x", "password": "y"}).status_code == 403


def test_login_events_page_for_admin_only(client, demo_users):
    post_login(client, "village_a", "wrong-Password1")
    client.force_login(demo_users["admin"])
    page = client.get("/accounts/login-events/?result=failure")
    assert page.status_code == 200 and "village_a" in page.content.decode()
    client.force_login(demo_users["lizhou_county"])
    assert client.get("/accounts/login-events/").status_code == 404


@pytest.mark.django_db
def test_login_does_not_write_user_history(client, demo_users):
    user = demo_users["village_a"]
    before = user.history.count()
    post_login(client, "village_a", TEST_PASSWORD)
    user.refresh_from_db()
    assert user.last_login is not None and user.history.count() == before
