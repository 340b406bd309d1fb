"""Shared test bases for a Resource (CONVENTIONS "Tests"; the idea of NetBox's
utilities/testing/views.py, none of its code): an app's test declares its resource and the
data of a valid form, and gets tests of the list, detail, history, create, edit, retire,
restore, export, import and API of that resource.

    class TestCourseViews(ResourceTests):
        resource = courses
        actor, outsider = "lizhou_township", "technician"

        def create_data(self, area):
            return {"area_code": area, "name": "月嫂培训班", ...}

        def update_data(self, obj):
            return {**self.create_data(obj.area_code), "capacity": "45"}

What a class declares (all but `resource` have defaults):

- `resource`: the `core.resources.Resource` instance; its model's factory
  (`core.testing.factories`) makes the records the tests read and change.
- `actor` / `outsider`: demo usernames (core/testing/fixtures.py `demo_users`). The actor
  writes in its scope's area code (`area`); the outsider's scope code (`other`) lies outside
  the actor's scope, at the same level. `reader` (reads, writes nothing) and `restorer`.
- `create_data(area)`: the POST of the create form for a new record in `area` (make what it
  refers to — a household, a person, a post — with the factories here). It is also called
  with the outsider's area: the form must then refuse and nothing be written.
- `update_data(obj)`: the POST of the edit form changing at least one field of `obj` (the
  base adds `_version`).
- `api_create_data(area)` / `api_update_data(obj)`: the API bodies, where they differ from
  the forms' (a person by pk rather than by ID number).
- `import_rows(area)`: rows (column key → cell) of a valid file that creates records in
  `area`, for a resource with an `import_spec`; without it only the export's re-import runs.
- `read_only = True` for a resource that no page or API call writes (the national system's
  reports): the write tests are replaced by tests that every write is refused.

The values the tests compare are the form's own cleaned values (or, for the API, the model
fields' `to_python`) against what the record holds afterwards, so the data is declared once.

What the bases do not repeat, because a generic test already proves it for every registered
resource from its factory: out-of-scope records invisible and 404 through pages and API
(core/tests/test_scoping.py), nothing personal in clear for a masked role in any list,
page, history, export or API answer (core/tests/test_personal.py), and import rows reaching
or writing into another scope refused with nothing written (core/tests/test_import_scope.py
with `<app>/tests/foreign_rows.py`). The meta-test (core/tests/test_resource_bases.py) fails
for a registered Resource without a test class here, and for one whose model lacks the
factory or foreign-row builder those generic tests need.

Test classes live in `<app>/tests/test_resource_views.py`, where the meta-test finds them.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass

import pytest
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from python_calamine import CalamineWorkbook

from .factories import factory_for
from .foreign import model_counts, workbook

MODULE = "tests.test_resource_views"
_declared: dict[type, type] = {}

CREATE_TESTS = ("test_create_through_the_form", "test_create_refuses_invalid_input",
                "test_create_in_another_scope_is_refused", "test_api_create",
                "test_api_create_in_another_scope_is_refused")
WRITE_TESTS = (*CREATE_TESTS, "test_edit_changes_the_record_and_keeps_history",
               "test_stale_edit_is_refused", "test_retire_then_only_a_restorer_restores",
               "test_reader_changes_nothing", "test_api_update_is_version_guarded",
               "test_api_delete_retires")
READ_ONLY_TESTS = ("test_every_write_is_refused",)
IMPORT_TESTS = ("test_import_creates_and_a_second_import_changes_nothing",
                "test_import_refuses_rows_without_required_cells")
EXPORT_IMPORT_TESTS = ("test_export_reimports_without_change",)


def declared_tests() -> dict[type, type]:
    """{model: test class} of every app's `tests/test_resource_views.py`."""
    autodiscover_modules(MODULE)
    return dict(_declared)


@dataclass
class World:
    users: dict
    actor: object
    client: object
    area: str  # the actor's scope code: where its records are made
    other: str  # the outsider's scope code: outside the actor's scope


def _is_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in str(text))


def form_errors(html: str) -> list[str]:
    """The error messages a form page shows (core/_form_fields.html)."""
    field = re.findall(r'class="invalid-feedback d-block">([^<]*)<', html)
    alert = re.findall(r'<div class="alert alert-danger" role="alert">(.*?)</div></div>', html,
                       re.S)
    return [m.strip() for m in field + [re.sub(r"<[^>]+>", " ", a) for a in alert]
            if m.strip()]


def _xlsx_rows(content: bytes) -> list[list]:
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()


class ResourceTests:
    resource = None
    actor = "village_a"
    outsider = "village_b"
    reader = "leader"
    restorer = "admin"
    read_only = False

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.resource is None:  # an intermediate base
            return
        _declared[cls.resource.model] = cls
        drop = list(WRITE_TESTS if cls.read_only else READ_ONLY_TESTS)
        if cls.resource.import_spec is None:
            drop += [*IMPORT_TESTS, *EXPORT_IMPORT_TESTS]
        elif cls.import_rows is ResourceTests.import_rows:
            drop += IMPORT_TESTS
        for name in drop:  # not collected: pytest takes only callables
            setattr(cls, name, None)

    # --- what an app declares ----------------------------------------------------------
    def create_data(self, area: str) -> dict:
        raise NotImplementedError(f"{type(self).__name__}: declare create_data(area)")

    def update_data(self, obj) -> dict:
        raise NotImplementedError(f"{type(self).__name__}: declare update_data(obj)")

    def api_create_data(self, area: str) -> dict:
        return self.create_data(area)

    def api_update_data(self, obj) -> dict:
        return self.update_data(obj)

    def import_rows(self, area: str) -> list[dict]:
        raise NotImplementedError

    def make(self, area: str, **kw):
        """One saved record in `area`, from the model's registered factory."""
        factory = factory_for(self.model)
        assert factory is not None, f"{self.name}: no test factory registered"
        return factory(area_code=area, **kw)

    # --- helpers -----------------------------------------------------------------------
    @property
    def model(self):
        return self.resource.model

    @property
    def name(self) -> str:
        return self.model.__name__

    def url(self, action: str, obj=None) -> str:
        args = [obj.pk] if obj is not None else []
        return reverse(self.resource.url_name(action), args=args)

    def api_url(self, obj=None) -> str:
        name = self.model._meta.model_name
        if obj is None:
            return reverse(f"api:{name}-list")
        return reverse(f"api:{name}-detail", args=[obj.pk])

    def api(self, client, method: str, url: str, data=None):
        return getattr(client, method)(url, data=data or {}, content_type="application/json")

    def link(self, obj) -> str:
        return f'href="{self.url("detail", obj)}"'

    def label(self, obj, user) -> str:
        """The record's first list column (its name, number or person) as `user` reads it."""
        return str(self.resource.columns[0].value(obj, user))

    def form_values(self, user, data: dict, instance=None) -> dict:
        """The model fields the form data sets, as the form cleans them."""
        form = self.resource.form_class(data=data, instance=instance, user=user)
        form.is_valid()
        names = {f.name for f in self.model._meta.concrete_fields}
        return {k: v for k, v in form.cleaned_data.items()
                if k in data and k in names and k in form.fields}

    def api_values(self, data: dict) -> dict:
        """The model fields an API body sets, as the model fields read them."""
        out = {}
        for key, value in data.items():
            try:
                field = self.model._meta.get_field(key)
            except Exception:  # noqa: BLE001 — a body key that is not a model field
                continue
            if not field.concrete:
                continue
            if isinstance(field, models.ForeignKey):
                out[field.attname] = value
                continue
            try:
                out[key] = field.to_python(value)
            except ValidationError:
                continue
        return out

    def assert_holds(self, obj, expected: dict, where: str) -> None:
        assert expected, f"{self.name}: {where}: the declared data sets no model field to check"
        obj.refresh_from_db()
        wrong = {k: (getattr(obj, k), v) for k, v in expected.items() if getattr(obj, k) != v}
        assert not wrong, f"{self.name}: {where}: fields not saved as sent (held, sent): {wrong}"

    def assert_history(self, obj, *, user, kind: str, where: str) -> None:
        latest = obj.history.order_by("-history_date", "-history_id").first()
        assert latest is not None, f"{self.name}: {where}: no history row"
        assert (latest.history_type, latest.history_user_id) == (kind, user.pk), \
            f"{self.name}: {where}: latest history row is {latest.history_type!r} by " \
            f"{latest.history_user_id}, not {kind!r} by {user.pk}"

    def retired(self, area: str):
        """A retired record (written directly: what retiring does is tested below)."""
        obj = self.make(area)
        self.model.objects.filter(pk=obj.pk).update(retired_at=timezone.now(),
                                                    retired_reason="测试")
        return obj

    def new_records(self, before: set):
        return self.model.objects.exclude(pk__in=before)

    @pytest.fixture
    def w(self, demo_users, client) -> World:
        actor = demo_users[self.actor]
        client.force_login(actor)
        return World(users=demo_users, actor=actor, client=client, area=actor.scope_code,
                     other=demo_users[self.outsider].scope_code)

    # --- list, detail, history -----------------------------------------------------------
    def test_list_shows_active_records_and_hides_retired(self, w):
        obj, gone = self.make(w.area), self.retired(w.area)
        html = w.client.get(self.url("list")).content.decode()
        assert self.link(obj) in html, f"{self.name}: list lacks an active record"
        assert self.link(gone) not in html, f"{self.name}: default list shows a retired record"
        w.client.force_login(w.users[self.restorer])
        html = w.client.get(self.url("list"), {"status": "retired"}).content.decode()
        assert self.link(gone) in html, f"{self.name}: retired list lacks the retired record"
        assert self.link(obj) not in html, f"{self.name}: retired list shows an active one"

    def test_detail_and_history_pages(self, w):
        obj = self.make(w.area)
        page = w.client.get(self.url("detail", obj))
        assert page.status_code == 200, f"{self.name}: detail answered {page.status_code}"
        assert self.label(obj, w.actor) in page.content.decode(), \
            f"{self.name}: the detail page does not show {self.label(obj, w.actor)!r}"
        history = w.client.get(self.url("history", obj))
        assert history.status_code == 200, f"{self.name}: history answered {history.status_code}"
        assert "创建" in history.content.decode(), f"{self.name}: history lacks the creation"

    # --- create ----------------------------------------------------------------------------
    def test_create_through_the_form(self, w):
        data = self.create_data(w.area)
        expected = self.form_values(w.actor, data)
        before = set(self.model.objects.values_list("pk", flat=True))
        resp = w.client.post(self.url("create"), data)
        assert resp.status_code == 302, \
            f"{self.name}: create answered {resp.status_code}: {resp.content.decode()[:2000]}"
        new = list(self.new_records(before))
        assert len(new) == 1, f"{self.name}: create wrote {len(new)} records"
        obj = new[0]
        assert resp["Location"] == self.url("detail", obj)
        self.assert_holds(obj, expected, "create")
        assert (obj.version, obj.retired_at) == (1, None)
        self.assert_history(obj, user=w.actor, kind="+", where="create")

    def test_create_refuses_invalid_input(self, w):
        data = {k: "" for k in self.create_data(w.area)}
        before = model_counts()
        resp = w.client.post(self.url("create"), data)
        assert resp.status_code == 400, f"{self.name}: an empty form answered {resp.status_code}"
        errors = form_errors(resp.content.decode())
        assert errors and all(_is_chinese(e) for e in errors), \
            f"{self.name}: the refusal shows no Chinese message: {errors}"
        assert model_counts() == before, f"{self.name}: a refused form wrote records"

    def test_create_in_another_scope_is_refused(self, w):
        data = self.create_data(w.other)
        before = model_counts()
        resp = w.client.post(self.url("create"), data)
        assert resp.status_code in (400, 403, 404), \
            f"{self.name}: create in another scope answered {resp.status_code}"
        if resp.status_code == 400:
            errors = form_errors(resp.content.decode())
            assert errors and all(_is_chinese(e) for e in errors), \
                f"{self.name}: the refusal shows no Chinese message: {errors}"
        assert model_counts() == before, f"{self.name}: create in another scope wrote records"

    # --- edit --------------------------------------------------------------------------------
    def _edit(self, w, obj, data=None):
        data = data if data is not None else self.update_data(obj)
        return w.client.post(self.url("edit", obj), {**data, "_version": obj.version})

    def test_edit_changes_the_record_and_keeps_history(self, w):
        obj = self.make(w.area)
        data = self.update_data(obj)
        expected = self.form_values(w.actor, data, instance=obj)
        changed = {k for k, v in expected.items() if getattr(obj, k) != v}
        assert changed, f"{self.name}: update_data changes no field of the record"
        assert w.client.get(self.url("edit", obj)).status_code == 200
        resp = self._edit(w, obj, data)
        assert resp.status_code == 302, \
            f"{self.name}: edit answered {resp.status_code}: {resp.content.decode()[:2000]}"
        version = obj.version
        self.assert_holds(obj, expected, "edit")
        assert obj.version == version + 1, f"{self.name}: edit did not move the version"
        self.assert_history(obj, user=w.actor, kind="~", where="edit")
        assert "修改" in w.client.get(self.url("history", obj)).content.decode()

    def test_stale_edit_is_refused(self, w):
        obj = self.make(w.area)
        data = self.update_data(obj)
        stale = obj.version
        assert self._edit(w, obj, data).status_code == 302
        obj.refresh_from_db()
        rows = obj.history.count()
        resp = w.client.post(self.url("edit", obj), {**data, "_version": stale})
        assert resp.status_code == 409, f"{self.name}: a stale edit answered {resp.status_code}"
        assert "已被他人修改" in resp.content.decode(), f"{self.name}: no Chinese conflict message"
        version = obj.version
        obj.refresh_from_db()
        assert (obj.version, obj.history.count()) == (version, rows), \
            f"{self.name}: a stale edit wrote"

    # --- retire and restore -------------------------------------------------------------------
    def test_retire_then_only_a_restorer_restores(self, w):
        obj = self.make(w.area)
        resp = w.client.post(self.url("retire", obj), {"reason": "重复登记"})
        assert resp.status_code == 302
        obj.refresh_from_db()
        assert obj.retired_at is not None and obj.retired_reason == "重复登记", \
            f"{self.name}: retire did not retire"
        self.assert_history(obj, user=w.actor, kind="~", where="retire")
        assert self.link(obj) not in w.client.get(self.url("list")).content.decode()
        status = w.client.post(self.url("restore", obj)).status_code
        assert status == 404, f"{self.name}: the actor's restore answered {status}"
        obj.refresh_from_db()
        assert obj.retired_at is not None, f"{self.name}: restored by a non-restorer"
        restorer = w.users[self.restorer]
        w.client.force_login(restorer)
        w.client.post(self.url("restore", obj))
        obj.refresh_from_db()
        assert obj.retired_at is None, f"{self.name}: the restorer could not restore"
        self.assert_history(obj, user=restorer, kind="~", where="restore")
        kinds = "".join(w.client.get(self.url("history", obj)).content.decode().split())
        assert "停用" in kinds and "恢复" in kinds

    def test_reader_changes_nothing(self, w):
        obj = self.make(w.area)
        w.client.force_login(w.users[self.reader])
        assert w.client.get(self.url("detail", obj)).status_code == 200
        assert w.client.get(self.url("create")).status_code == 403
        assert w.client.post(self.url("create"), self.create_data(w.area)).status_code == 403
        assert self._edit(w, obj).status_code == 403
        assert w.client.post(self.url("retire", obj), {"reason": "x"}).status_code == 403
        body = {**self.api_update_data(obj), "version": obj.version}
        assert self.api(w.client, "patch", self.api_url(obj), body).status_code == 403
        assert self.api(w.client, "delete", self.api_url(obj)).status_code == 403
        version = obj.version
        obj.refresh_from_db()
        assert (obj.version, obj.retired_at) == (version, None), f"{self.name}: reader wrote"

    # --- read-only resources -------------------------------------------------------------------
    def test_every_write_is_refused(self, w):
        obj = self.make(w.area)
        before = model_counts()
        for url in (self.url("create"), self.url("edit", obj)):
            resp = w.client.post(url, {"_version": obj.version})
            assert resp.status_code in (400, 403, 405), f"{self.name}: POST {url} answered " \
                f"{resp.status_code}"
            if resp.status_code == 400:
                errors = form_errors(resp.content.decode())
                assert errors and all(_is_chinese(e) for e in errors), \
                    f"{self.name}: POST {url} refused without a Chinese message: {errors}"
        resp = w.client.post(self.url("retire", obj), {"reason": "x"}, follow=True)
        said = [str(m) for m in resp.context["messages"] if m.level_tag == "error"]
        assert said and all(_is_chinese(m) for m in said), \
            f"{self.name}: a refused retire says nothing in Chinese: {said}"
        for method, url in (("post", self.api_url()), ("patch", self.api_url(obj)),
                            ("put", self.api_url(obj)), ("delete", self.api_url(obj))):
            status = self.api(w.client, method, url, {"version": obj.version}).status_code
            assert status == 405, f"{self.name}: API {method.upper()} answered {status}"
        assert model_counts() == before, f"{self.name}: a read-only resource was written"
        obj.refresh_from_db()
        assert obj.retired_at is None

    # --- export and import ---------------------------------------------------------------------
    def _export(self, w) -> bytes:
        resp = w.client.get(self.url("export"))
        assert resp.status_code == 200, f"{self.name}: export answered {resp.status_code}"
        return b"".join(resp.streaming_content)

    def test_export_holds_active_records_and_is_logged(self, w):
        from fupin.core.models import AccessLog

        obj = self.make(w.area)
        self.retired(w.area)
        rows = _xlsx_rows(self._export(w))
        body = [r for r in rows[1:] if any(str(c).strip() for c in r)]
        assert len(body) == 1, f"{self.name}: export holds {len(body)} rows, not the 1 active"
        text = "\t".join(str(c) for c in body[0])
        assert self.label(obj, w.actor) in text, f"{self.name}: export lacks the record"
        log = AccessLog.objects.filter(action="export").order_by("-pk").first()
        assert log is not None and (log.actor_id, log.rows, log.model) == \
            (w.actor.pk, 1, self.model._meta.label), f"{self.name}: export not logged"

    def _commit(self, w, rows: list[dict] | bytes):
        from fupin.core.tabular import importer

        spec = self.resource.import_spec
        data = rows if isinstance(rows, bytes) else workbook(spec, rows)
        return importer.commit(spec, importer.load(data, "t.xlsx"), actor=w.actor)

    def test_export_reimports_without_change(self, w):
        self.make(w.area)
        content = self._export(w)
        before = model_counts()
        report = self._commit(w, content)
        assert report.ok, f"{self.name}: its own export does not re-import: {report.errors}"
        assert (report.outcome.created, report.outcome.updated) == (0, 0), \
            f"{self.name}: re-importing its export changed records: {report.outcome}"
        assert model_counts()[self.model._meta.label] == before[self.model._meta.label]

    def test_import_creates_and_a_second_import_changes_nothing(self, w):
        rows = self.import_rows(w.area)
        before = set(self.model.objects.values_list("pk", flat=True))
        report = self._commit(w, rows)
        assert report.ok, f"{self.name}: a valid file was refused: {report.errors}"
        new = list(self.new_records(before))
        assert report.outcome.created == len(rows) == len(new), \
            f"{self.name}: {len(rows)} rows created {report.outcome.created} ({len(new)} found)"
        for obj in new:
            assert obj.area_code.startswith(w.area)
            self.assert_history(obj, user=w.actor, kind="+", where="import")
        counts = model_counts()
        again = self._commit(w, rows)
        assert again.ok and (again.outcome.created, again.outcome.updated) == (0, 0), \
            f"{self.name}: re-importing the same file changed records: {again.outcome}"
        label = self.model._meta.label
        assert model_counts()[label] == counts[label]

    def test_import_refuses_rows_without_required_cells(self, w):
        spec = self.resource.import_spec
        required = {c.key for c in spec.columns if c.required}
        rows = [{k: ("" if k in required else v) for k, v in row.items()}
                for row in self.import_rows(w.area)]
        before = model_counts()
        report = self._commit(w, rows)
        assert not report.ok, f"{self.name}: rows without their required cells were imported"
        assert all(_is_chinese(e.message) for e in report.errors)
        assert model_counts() == before, f"{self.name}: a refused file wrote records"

    # --- API ------------------------------------------------------------------------------------
    def test_api_list_and_detail(self, w):
        obj, gone = self.make(w.area), self.retired(w.area)
        body = w.client.get(self.api_url())
        assert body.status_code == 200
        ids = [row["id"] for row in body.json()["results"]]
        assert obj.pk in ids and gone.pk not in ids, \
            f"{self.name}: API list {ids} should hold {obj.pk} and not the retired {gone.pk}"
        detail = w.client.get(self.api_url(obj))
        assert detail.status_code == 200
        assert (detail.json()["id"], detail.json().get("version", obj.version)) == \
            (obj.pk, obj.version)

    def test_api_create(self, w):
        data = self.api_create_data(w.area)
        expected = self.api_values(data)
        before = model_counts()
        empty = self.api(w.client, "post", self.api_url(), {})
        assert empty.status_code == 400, f"{self.name}: an empty body answered " \
            f"{empty.status_code}"
        assert _is_chinese(json.dumps(empty.json(), ensure_ascii=False))
        assert model_counts() == before, f"{self.name}: a refused body wrote records"
        resp = self.api(w.client, "post", self.api_url(), data)
        assert resp.status_code == 201, f"{self.name}: API create answered {resp.status_code}: " \
            f"{resp.content.decode()[:2000]}"
        obj = self.model.objects.get(pk=resp.json()["id"])
        self.assert_holds(obj, expected, "API create")
        self.assert_history(obj, user=w.actor, kind="+", where="API create")

    def test_api_create_in_another_scope_is_refused(self, w):
        data = self.api_create_data(w.other)
        before = model_counts()
        resp = self.api(w.client, "post", self.api_url(), data)
        assert resp.status_code in (400, 403, 404), \
            f"{self.name}: API create in another scope answered {resp.status_code}"
        assert _is_chinese(json.dumps(resp.json(), ensure_ascii=False)), \
            f"{self.name}: the API refusal is not in Chinese: {resp.content[:500]}"
        assert model_counts() == before, f"{self.name}: API create in another scope wrote"

    def test_api_update_is_version_guarded(self, w):
        obj = self.make(w.area)
        data = self.api_update_data(obj)
        expected = self.api_values(data)
        url = self.api_url(obj)
        missing = self.api(w.client, "patch", url, data)
        assert missing.status_code == 400 and "version" in missing.json()
        stale = obj.version
        ok = self.api(w.client, "patch", url, {**data, "version": stale})
        assert ok.status_code == 200, f"{self.name}: API update answered {ok.status_code}: " \
            f"{ok.content.decode()[:2000]}"
        self.assert_holds(obj, expected, "API update")
        assert obj.version == stale + 1
        self.assert_history(obj, user=w.actor, kind="~", where="API update")
        conflict = self.api(w.client, "patch", url, {**data, "version": stale})
        assert conflict.status_code == 409 and _is_chinese(conflict.json()["detail"]), \
            f"{self.name}: a stale API update answered {conflict.status_code}"
        version = obj.version
        obj.refresh_from_db()
        assert obj.version == version

    def test_api_delete_retires(self, w):
        obj = self.make(w.area)
        assert self.api(w.client, "delete", self.api_url(obj)).status_code == 204
        obj.refresh_from_db()
        assert obj.retired_at is not None, f"{self.name}: API DELETE did not retire"
        assert self.model.objects.filter(pk=obj.pk).exists()  # never deleted
        ids = [row["id"] for row in w.client.get(self.api_url()).json()["results"]]
        assert obj.pk not in ids
