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


def test_five_failures_lock_the_account_from_that_ip_only(client, demo_users):
    """One person mistyping locks herself on her own machine, not her colleagues behind the
    same office network, nor her own account from elsewhere."""
    for _ in range(5):
        post_login(client, "village_a", "wrong-Password1", ip="10.0.0.1")
    resp = post_login(client, "village_a", TEST_PASSWORD, ip="10.0.0.1")
    assert "锁定" in resp.content.decode()
    assert "_auth_user_id" not in client.session
    assert LoginEvent.objects.filter(result=LoginEvent.Result.LOCKED).count() == 1
    assert post_login(client, "village_b", TEST_PASSWORD, ip="10.0.0.1").status_code == 302
    client.post("/accounts/logout/", REMOTE_ADDR="10.0.0.1")
    assert post_login(client, "village_a", TEST_PASSWORD, ip="10.0.0.2").status_code == 302


def test_account_locks_everywhere_after_failures_from_many_ips(client, demo_users, settings):
    """Guessing one account's password from many addresses locks the account itself, even
    with the right password."""
    limit = settings.FUPIN_LOCKOUT_ACCOUNT_FAILURES
    assert settings.FUPIN_LOCKOUT_FAILURES < limit < settings.FUPIN_LOCKOUT_IP_FAILURES
    for i in range(limit - 1):
        post_login(client, "village_a", "wrong-Password1", ip=f"10.0.0.{i}")
    assert post_login(client, "village_a", TEST_PASSWORD, ip="10.0.1.1").status_code == 302
    client.post("/accounts/logout/", REMOTE_ADDR="10.0.1.1")
    post_login(client, "village_a", "wrong-Password1", ip="10.0.0.200")
    resp = post_login(client, "village_a", TEST_PASSWORD, ip="10.0.1.2")
    assert "锁定" in resp.content.decode() and "_auth_user_id" not in client.session
    assert post_login(client, "village_b", TEST_PASSWORD, ip="10.0.1.2").status_code == 302


def test_ip_locks_only_at_the_much_higher_threshold(client, demo_users, settings):
    """Failures across many accounts from one address lock the address at
    FUPIN_LOCKOUT_IP_FAILURES (an office shares one address)."""
    limit = settings.FUPIN_LOCKOUT_IP_FAILURES
    assert limit >= 50
    for i in range(limit - 1):
        post_login(client, f"nobody{i}", "wrong-Password1", ip="10.9.9.9")
    assert post_login(client, "village_b", TEST_PASSWORD, ip="10.9.9.9").status_code == 302
    client.post("/accounts/logout/", REMOTE_ADDR="10.9.9.9")
    post_login(client, "nobody-last", "wrong-Password1", ip="10.9.9.9")
    resp = post_login(client, "village_a", TEST_PASSWORD, ip="10.9.9.9")
    assert "锁定" in resp.content.decode()
    assert post_login(client, "village_a", TEST_PASSWORD, ip="10.9.9.8").status_code == 302


def test_lock_expires_after_window(client, demo_users):
    for _ in range(5):
        post_login(client, "village_a", "wrong-Password1")
    assert "锁定" in post_login(client, "village_a", TEST_PASSWORD).content.decode()
    LoginEvent.objects.update(at=timezone.now() - settings.FUPIN_LOCKOUT_WINDOW
                              - timedelta(seconds=1))
    assert post_login(client, "village_a", TEST_PASSWORD).status_code == 302


def test_four_failures_do_not_lock(client, demo_users):
    for _ in range(4):
        post_login(client, "village_a", "wrong-Password1")
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
