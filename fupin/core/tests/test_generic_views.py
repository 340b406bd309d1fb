"""The shared generic parts, through the small Sample model: the retired-records page, paging
by key, the home page, the language, how values read. Create, edit, the lost-update guard,
history, retire/restore, a read-only role, the export log and the API are tested for every
resource, Sample's included, by the shared bases (core/testing/resources.py)."""

from django.utils import timezone

from tests.scopedapp.models import Sample


def make(area, name="样例"):
    return Sample.objects.create(area_code=area, name=name)


def test_retired_records_page_lists_them_for_an_admin(demo_users, client):
    """The retire/restore round itself is the shared bases' (core/testing/resources.py,
    tests/scopedapp/tests/test_resource_views.py); this is the page of everything retired."""
    obj = make(demo_users["village_a"].scope_code, name="停用的样例")
    Sample.objects.filter(pk=obj.pk).update(retired_at=timezone.now())
    make(demo_users["village_a"].scope_code)
    client.force_login(demo_users["admin"])
    html = client.get("/retired/").content.decode()
    assert '"/scoped/samples/?status=retired">样例<span class="badge bg-secondary">1<' in html
    client.force_login(demo_users["village_a"])
    assert client.get("/retired/").status_code == 404


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
