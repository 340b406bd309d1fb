"""The generic scoping check (DESIGN §1, CONVENTIONS "Scoping fails closed").

`check_model_scoping` takes any AreaScopedModel and proves, through both the pages and the
API, that a user of one village cannot list, open, edit, retire, restore or export a record
of another village, while they do see their own. It knows nothing of the model beyond what
the Resource and factory registries say, so a new model is covered by registering them — and
a model that has no Resource, no factory, or forgets scoping fails.
"""

from __future__ import annotations

import io

from django.apps import apps
from django.urls import NoReverseMatch, reverse
from python_calamine import CalamineWorkbook

from fupin.core.models import AreaScopedModel
from fupin.core.resources import resource_for
from fupin.core.roles import can_write

from .factories import factory_for

PAGE_GETS = ("detail", "edit", "history")
PAGE_POSTS = ("edit", "retire", "restore")


def scoped_models() -> list[type]:
    return [m for m in apps.get_models() if issubclass(m, AreaScopedModel)]


def _export_area_codes(content: bytes) -> list[str]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    rows = book.get_sheet_by_index(0).to_python()
    header, body = rows[0], rows[1:]
    col = header.index("所属区划代码" if "所属区划代码" in header else "区划代码")
    return [str(r[col]) for r in body]


def _api(client, method: str, url: str, data=None):
    return getattr(client, method)(url, data=data or {}, content_type="application/json")


def check_model_scoping(model, *, client, user, area_a: str, area_b: str) -> None:
    """`client` is signed in as `user`, whose scope holds area_a and not area_b."""
    resource = resource_for(model)
    assert resource is not None, f"{model.__name__}: no Resource registered (pages, export, API)"
    factory = factory_for(model)
    assert factory is not None, f"{model.__name__}: no test factory registered"
    mine = factory(area_code=area_a)
    theirs = factory(area_code=area_b)
    mine_version, theirs_version = mine.version, theirs.version
    name = model.__name__

    # --- pages -------------------------------------------------------------------
    list_url = reverse(resource.url_name("list"))
    mine_url = reverse(resource.url_name("detail"), args=[mine.pk])
    theirs_url = reverse(resource.url_name("detail"), args=[theirs.pk])
    for query in ("", f"?area={area_b}", "?status=retired"):
        page = client.get(list_url + query)
        assert page.status_code == 200, f"{name}: list{query} answered {page.status_code}"
        html = page.content.decode()
        assert f'href="{theirs_url}"' not in html, \
            f"{name}: list{query} shows an out-of-scope record"
    assert f'href="{mine_url}"' in client.get(list_url).content.decode(), \
        f"{name}: list does not show the user's own record (the check would prove nothing)"
    assert client.get(mine_url).status_code == 200, f"{name}: own record does not open"
    for action in PAGE_GETS:
        url = reverse(resource.url_name(action), args=[theirs.pk])
        status = client.get(url).status_code
        assert status == 404, f"{name}: GET {action} of an out-of-scope record answered {status}"
    for action in PAGE_POSTS:
        url = reverse(resource.url_name(action), args=[theirs.pk])
        status = client.post(url, {"reason": "x", "_version": theirs.version}).status_code
        assert status == 404, f"{name}: POST {action} of an out-of-scope record answered {status}"
    export = client.get(reverse(resource.url_name("export")) + f"?area={area_b}")
    assert export.status_code == 200, f"{name}: export answered {export.status_code}"
    codes = _export_area_codes(b"".join(export.streaming_content))
    assert area_b not in codes, f"{name}: export holds an out-of-scope record"
    codes = _export_area_codes(b"".join(client.get(reverse(resource.url_name("export")))
                                        .streaming_content))
    assert area_a in codes, f"{name}: export lacks the user's own record"

    # --- API ---------------------------------------------------------------------
    try:
        api_list = reverse(f"api:{model._meta.model_name}-list")
        api_theirs = reverse(f"api:{model._meta.model_name}-detail", args=[theirs.pk])
        api_mine = reverse(f"api:{model._meta.model_name}-detail", args=[mine.pk])
    except NoReverseMatch as exc:
        raise AssertionError(f"{name}: no API endpoint registered") from exc
    def api_ids(query: str) -> list:
        body = client.get(api_list + query)
        assert body.status_code == 200, f"{name}: API list{query} answered {body.status_code}"
        return [row["id"] for row in body.json()["results"]]

    for query in ("", f"?area={area_b}"):
        assert theirs.pk not in api_ids(query), \
            f"{name}: API list{query} shows an out-of-scope record"
    assert mine.pk in api_ids(""), f"{name}: API list lacks the user's own record"
    # The area filter must really filter (an ignored parameter would pass the check above):
    # one's own area returns one's record, another's returns nothing at all.
    assert mine.pk in api_ids(f"?area={area_a}"), \
        f"{name}: API list?area={area_a} lacks the user's own record"
    assert api_ids(f"?area={area_b}") == [], \
        f"{name}: API list?area={area_b} is not filtered by area (shows the user's own records)"
    assert client.get(api_mine).status_code == 200
    status = client.get(api_theirs).status_code
    assert status == 404, f"{name}: API GET of an out-of-scope record answered {status}"
    allowed = {404} if can_write(user, model) else {403, 404}
    if not _api_writes(model):  # a read-only endpoint: no write reaches any record
        allowed |= {405}
    for method in ("patch", "put", "delete"):
        status = _api(client, method, api_theirs, {"version": theirs.version}).status_code
        assert status in allowed, f"{name}: API {method.upper()} out of scope answered {status}"

    # --- nothing changed ----------------------------------------------------------
    theirs.refresh_from_db()
    mine.refresh_from_db()
    assert theirs.version == theirs_version and theirs.retired_at is None, \
        f"{name}: an out-of-scope record was changed"
    assert mine.version == mine_version


def _api_writes(model) -> bool:
    """Whether the model's API endpoint takes updates (a ScopedReadOnlyViewSet does not)."""
    from fupin.core.api import router

    return any(getattr(viewset, "model", None) is model and hasattr(viewset, "partial_update")
               for _prefix, viewset, _basename in router.registry)
