"""The shared generic parts, through the small Sample model: create, edit, lost-update guard,
history, retire/restore, read-only leader, export log, API."""

from fupin.core.models import AccessLog
from tests.scopedapp.models import Sample


def make(area, name="样例"):
    return Sample.objects.create(area_code=area, name=name)


def test_create_and_edit_with_history(demo_users, client):
    user = demo_users["village_a"]
    client.force_login(user)
    resp = client.post("/scoped/samples/new/", {"name": "甲", "note": "", "area_code":
                                                user.scope_code})
    assert resp.status_code == 302
    obj = Sample.objects.get()
    assert obj.version == 1 and obj.history.get().history_user == user
    resp = client.post(f"/scoped/samples/{obj.pk}/edit/",
                       {"name": "甲二", "note": "备注", "area_code": user.scope_code,
                        "_version": 1})
    assert resp.status_code == 302
    obj.refresh_from_db()
    assert (obj.name, obj.version) == ("甲二", 2)
    page = client.get(f"/scoped/samples/{obj.pk}/history/").content.decode()
    assert "甲二" in page and "修改" in page and "名称" in page


def test_second_save_of_a_stale_form_is_refused(demo_users, client):
    user = demo_users["village_a"]
    client.force_login(user)
    obj = make(user.scope_code)
    data = {"name": "一", "note": "", "area_code": user.scope_code, "_version": 1}
    assert client.post(f"/scoped/samples/{obj.pk}/edit/", data).status_code == 302
    resp = client.post(f"/scoped/samples/{obj.pk}/edit/", {**data, "name": "二"})
    assert resp.status_code == 409
    assert "已被他人修改" in resp.content.decode()
    obj.refresh_from_db()
    assert obj.name == "一"


def test_form_refuses_area_outside_scope_in_chinese(demo_users, client):
    user = demo_users["village_a"]
    client.force_login(user)
    resp = client.post("/scoped/samples/new/", {"name": "甲", "area_code":
                                                demo_users["village_b"].scope_code})
    assert resp.status_code == 400 and "不在您的管辖范围内" in resp.content.decode()
    resp = client.post("/scoped/samples/new/", {"name": "", "area_code": user.scope_code})
    assert resp.status_code == 400 and "该字段是必填项" in resp.content.decode()
    assert not Sample.objects.exists()


def test_retire_then_admin_restores(demo_users, client):
    worker = demo_users["village_a"]
    obj = make(worker.scope_code)
    client.force_login(worker)
    client.post(f"/scoped/samples/{obj.pk}/retire/", {"reason": "重复登记"})
    obj.refresh_from_db()
    assert obj.retired_at is not None and obj.retired_reason == "重复登记"
    assert f"/scoped/samples/{obj.pk}/" not in client.get("/scoped/samples/").content.decode()
    # a worker cannot restore
    assert client.post(f"/scoped/samples/{obj.pk}/restore/").status_code == 404
    client.force_login(demo_users["admin"])
    listing = client.get("/scoped/samples/?status=retired").content.decode()
    assert f"/scoped/samples/{obj.pk}/" in listing
    assert "样例" in client.get("/retired/").content.decode()
    client.post(f"/scoped/samples/{obj.pk}/restore/")
    obj.refresh_from_db()
    assert obj.retired_at is None
    kinds = "".join(client.get(f"/scoped/samples/{obj.pk}/history/").content.decode().split())
    assert "停用" in kinds and "恢复" in kinds
    assert Sample.objects.filter(pk=obj.pk).exists()  # never deleted


def test_leader_reads_but_changes_nothing(demo_users, client):
    obj = make(demo_users["village_a"].scope_code)
    client.force_login(demo_users["leader"])
    assert client.get(f"/scoped/samples/{obj.pk}/").status_code == 200
    assert client.get("/scoped/samples/new/").status_code == 403
    assert client.post(f"/scoped/samples/{obj.pk}/edit/", {"name": "x"}).status_code == 403
    assert client.post(f"/scoped/samples/{obj.pk}/retire/").status_code == 403
    api = client.patch(f"/api/v1/samples/{obj.pk}/", {"name": "x", "version": 1},
                       content_type="application/json")
    assert api.status_code == 403
    assert client.get("/api/v1/samples/").status_code == 200
    obj.refresh_from_db()
    assert obj.name == "样例" and obj.retired_at is None


def test_export_is_logged(demo_users, client):
    user = demo_users["lizhou_county"]
    make(demo_users["village_a"].scope_code)
    make(demo_users["village_b"].scope_code)
    client.force_login(user)
    resp = client.get("/scoped/samples/export/")
    assert resp.status_code == 200 and resp["Content-Type"].startswith("application/vnd.open")
    b"".join(resp.streaming_content)
    log = AccessLog.objects.get()
    assert (log.actor, log.action, log.rows, log.model) == (user, "export", 2, "scopedapp.Sample")


def test_api_create_update_conflict_and_retire(demo_users, client):
    user = demo_users["village_a"]
    client.force_login(user)
    resp = client.post("/api/v1/samples/", {"name": "甲", "area_code": user.scope_code},
                       content_type="application/json")
    assert resp.status_code == 201, resp.content
    pk = resp.json()["id"]
    out = client.post("/api/v1/samples/", {"name": "乙", "area_code":
                                           demo_users["village_b"].scope_code},
                      content_type="application/json")
    assert out.status_code == 400 and "管辖范围" in out.content.decode()
    missing = client.patch(f"/api/v1/samples/{pk}/", {"name": "丙"},
                           content_type="application/json")
    assert missing.status_code == 400 and "version" in missing.json()
    ok = client.patch(f"/api/v1/samples/{pk}/", {"name": "丙", "version": 1},
                      content_type="application/json")
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = client.patch(f"/api/v1/samples/{pk}/", {"name": "丁", "version": 1},
                         content_type="application/json")
    assert stale.status_code == 409
    assert client.delete(f"/api/v1/samples/{pk}/").status_code == 204
    assert Sample.objects.get(pk=pk).retired_at is not None
    assert pk not in [r["id"] for r in client.get("/api/v1/samples/").json()["results"]]


def test_list_pages_by_key(demo_users, client):
    user = demo_users["village_a"]
    for i in range(55):
        make(user.scope_code, name=f"样例{i:02d}")
    client.force_login(user)
    first = client.get("/scoped/samples/").content.decode()
    assert "样例54" in first and "样例04" not in first and "after=" in first
    last_pk = Sample.objects.order_by("pk")[5].pk
    second = client.get(f"/scoped/samples/?after={last_pk}").content.decode()
    assert "样例04" in second and "样例54" not in second


def test_home_shows_role_scope_and_navigation(demo_users, client):
    client.force_login(demo_users["lizhou_township"])
    html = client.get("/").content.decode()
    assert "乡镇经办" in html and "东坝街道" in html and "行政区划" in html
    assert "登录日志" not in html  # admin-only entry
    client.force_login(demo_users["admin"])
    assert "登录日志" in client.get("/").content.decode()


def test_english_is_available(demo_users, client):
    client.force_login(demo_users["village_a"])
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/").content.decode()
    assert 'lang="en"' in html


def test_values_read_as_people_read_them():
    from django.utils import translation

    from fupin.core.templatetags.fupin import cell

    with translation.override("zh-hans"):
        assert [cell(True), cell(False), cell(None), cell(""), cell(0), cell("电焊")] == \
            ["是", "否", "—", "—", 0, "电焊"]
