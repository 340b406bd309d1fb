"""First login forces a password change (issue 9 item 6): an account whose password somebody
else chose (created by a manager, reset, imported) reaches nothing but 修改密码 until the
user changes it; the API refuses it with a clear 403 in Chinese."""

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from fupin.accounts import services
from fupin.accounts.models import User
from fupin.core.roles import Role

NEW = "Chaoyang#2026x"
MESSAGE = "请先登录网页修改密码"


@pytest.fixture
def fresh(demo_users):
    """A village worker just created by the county officer, and her initial password."""
    user, password = services.user_create(
        actor=demo_users["lizhou_county"], username="zhangsan", full_name="张三",
        role=Role.VILLAGE_WORKER, scope_code=demo_users["village_a"].scope_code)
    return user, password


def logged_in(username, password):
    c = Client()
    resp = c.post("/accounts/login/", {"username": username, "password": password})
    assert resp.status_code == 302, resp.content.decode()[:500]
    return c


@pytest.mark.parametrize("url", ["/", "/registry/persons/", "/imports/", "/accounts/users/",
                                 "/reports/"])
def test_every_page_sends_to_the_password_change(fresh, url):
    user, password = fresh
    c = logged_in("zhangsan", password)
    resp = c.get(url)
    assert resp.status_code == 302 and resp["Location"] == "/accounts/password/"


def test_htmx_requests_are_redirected_by_header(fresh):
    _user, password = fresh
    c = logged_in("zhangsan", password)
    resp = c.get("/", HTTP_HX_REQUEST="true")
    assert resp.status_code == 204 and resp["HX-Redirect"] == "/accounts/password/"


def test_the_api_answers_403_in_chinese_for_sessions_and_tokens(fresh):
    user, password = fresh
    c = logged_in("zhangsan", password)
    resp = c.get("/api/v1/me/")
    assert resp.status_code == 403 and MESSAGE in resp.json()["detail"]
    token = Client().post("/api/v1/auth/token/", {"username": "zhangsan",
                                                   "password": password},
                          content_type="application/json")
    assert token.status_code == 403 and MESSAGE in token.json()["detail"]
    # a token issued before a reset is revoked by it; one made otherwise is still refused
    key = Token.objects.create(user=user).key
    resp = Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}")
    assert resp.status_code == 403 and MESSAGE in resp.json()["detail"]


def test_changing_the_password_clears_the_flag_and_opens_everything(fresh):
    user, password = fresh
    c = logged_in("zhangsan", password)
    page = c.get("/accounts/password/")
    assert page.status_code == 200 and "首次登录" in page.content.decode()
    resp = c.post("/accounts/password/", {"old_password": password, "new_password1": NEW,
                                          "new_password2": NEW})
    assert resp.status_code == 302
    user.refresh_from_db()
    assert not user.must_change_password
    assert c.get("/").status_code == 200
    assert c.get("/api/v1/me/").status_code == 200
    record = user.history.latest()
    assert record.must_change_password is False and record.history_user == user


def test_a_wrong_old_password_keeps_the_flag(fresh):
    user, password = fresh
    c = logged_in("zhangsan", password)
    resp = c.post("/accounts/password/", {"old_password": "wrong", "new_password1": NEW,
                                          "new_password2": NEW})
    assert resp.status_code == 200
    assert User.objects.get(pk=user.pk).must_change_password
    assert c.get("/").status_code == 302


def test_logout_stays_reachable(fresh):
    _user, password = fresh
    c = logged_in("zhangsan", password)
    assert c.post("/accounts/logout/").status_code == 302
    assert c.get("/").status_code == 302  # to the login page now
    assert c.get("/").url.startswith("/accounts/login/")


def test_a_reset_forces_the_change_again(demo_users):
    worker = demo_users["village_a"]
    password = services.user_password_reset(actor=demo_users["lizhou_county"], user=worker)
    c = logged_in("village_a", password)
    assert c.get("/").status_code == 302


def test_users_without_the_flag_are_not_bothered(demo_users):
    c = Client()
    c.force_login(demo_users["village_a"])
    assert c.get("/").status_code == 200
    assert c.get("/api/v1/me/").status_code == 200


def test_the_bells_poll_neither_reloads_the_password_page_nor_renews_the_session(fresh):
    """The bell polls every minute: answered with HX-Redirect, htmx reloaded 修改密码 and wiped
    what the user typed, and each poll kept the session alive. It stops polling instead."""
    import datetime

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    _user, password = fresh
    c = logged_in("zhangsan", password)
    key = c.cookies["sessionid"].value
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() + datetime.timedelta(minutes=5))
    before = Session.objects.get(session_key=key).expire_date
    resp = c.get("/notifications/bell/", HTTP_HX_REQUEST="true")
    assert resp.status_code == 286 and "HX-Redirect" not in resp  # htmx: stop polling
    assert Session.objects.get(session_key=key).expire_date == before
    assert "sessionid" not in resp.cookies


def test_the_password_page_has_no_bell_while_the_change_is_due(fresh, demo_users):
    _user, password = fresh
    page = logged_in("zhangsan", password).get("/accounts/password/").content.decode()
    assert 'data-testid="bell"' not in page and "/notifications/bell/" not in page
    c = Client()
    c.force_login(demo_users["village_a"])  # no change due: the bell is there
    assert 'data-testid="bell"' in c.get("/accounts/password/").content.decode()
