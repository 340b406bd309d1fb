from fupin.accounts.models import LoginEvent
from fupin.core.testing.fixtures import TEST_PASSWORD


def token_for(client, username, password=TEST_PASSWORD, ip="10.2.2.2"):
    return client.post("/api/v1/auth/token/", {"username": username, "password": password},
                       content_type="application/json", REMOTE_ADDR=ip)


def test_token_then_me(client, demo_users):
    resp = token_for(client, "village_a")
    assert resp.status_code == 200
    token = resp.json()["token"]
    me = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}").json()
    assert me["username"] == "village_a"
    assert me["role"] == "village_worker"
    assert me["scope_area_code"] == demo_users["village_a"].scope_code
    assert LoginEvent.objects.filter(channel="api", result="success").count() == 1


def test_token_refused_with_wrong_password_and_locks(client, demo_users):
    resp = token_for(client, "village_a", "nope-Nope-1")
    assert resp.status_code == 400 and "不正确" in resp.json()["detail"]
    for _ in range(4):
        token_for(client, "village_a", "nope-Nope-1")
    resp = token_for(client, "village_a")
    assert resp.status_code == 400 and "锁定" in resp.json()["detail"]
    # the same lockout as the pages: per account and address, a colleague is not locked
    assert token_for(client, "village_b").status_code == 200
    assert token_for(client, "village_a", ip="10.2.2.3").status_code == 200


def test_api_needs_authentication(client, areas):
    assert client.get("/api/v1/me/").status_code in (401, 403)
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION="Token bad").status_code == 401


def test_schema_and_docs(client, demo_users):
    client.force_login(demo_users["admin"])
    schema = client.get("/api/schema/")
    assert schema.status_code == 200 and b"/api/v1/me/" in schema.content
    assert client.get("/api/docs/").status_code == 200


def test_tokens_expire_and_a_new_login_issues_a_new_one(client, demo_users, settings):
    import datetime

    from rest_framework.authtoken.models import Token

    settings.FUPIN_API_TOKEN_HOURS = 12
    first = token_for(client, "village_a").json()
    assert first["expires"]
    assert token_for(client, "village_a").json()["token"] == first["token"]  # still valid
    Token.objects.filter(key=first["token"]).update(
        created=datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=12, seconds=1))
    resp = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {first['token']}")
    assert resp.status_code == 401 and "过期" in resp.json()["detail"]
    second = token_for(client, "village_a").json()["token"]
    assert second != first["token"]
    me = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {second}")
    assert me.status_code == 200
