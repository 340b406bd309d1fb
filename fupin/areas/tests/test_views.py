def test_api_lists_children(demo_users, client):
    client.force_login(demo_users["village_a"])
    body = client.get("/api/v1/areas/?parent=510802").json()
    codes = [a["code"] for a in body]
    assert codes and all(c.startswith("510802") and len(c) == 9 for c in codes)
    assert body[0]["parent_code"] == "510802"
    top = client.get("/api/v1/areas/").json()
    assert [a["code"] for a in top] == ["51"]
    assert client.get("/api/v1/areas/510802/").json()["name"] == "利州区"


def test_api_areas_needs_login(areas, client):
    assert client.get("/api/v1/areas/?parent=51").status_code in (401, 403)


def test_picker_cascades_within_scope(demo_users, client):
    client.force_login(demo_users["lizhou_county"])
    html = client.get("/areas/picker/?name=area_code&leaf=village&_area_pick=510802001").content
    html = html.decode()
    assert 'value="510802001"' in html and "510802001001" in html  # villages of the township
    # asking for a root outside the scope falls back to the scope
    html = client.get("/areas/picker/?name=area_code&root=5108&_area_pick=510821").content
    assert "510821" not in html.decode().replace('value="510802', "")


def test_browse_scope(demo_users, client):
    client.force_login(demo_users["lizhou_township"])
    page = client.get("/areas/")
    assert page.status_code == 200 and "翠屏" in page.content.decode()
    assert client.get("/areas/?code=510821").status_code == 404
