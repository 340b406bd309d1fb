"""Issue 8 item 6: no clear text on disk. An import through the pages (upload with errors,
upload with a mapping step, confirm) leaves no ID number or phone of its rows anywhere under
var/ — uploaded files, error reports, the database file, the cache — and the files go after the
retention period, the job's row staying."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import textwrap
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from fupin.core.models import ImportJob
from fupin.core.tabular import jobs

ROOT = Path(__file__).resolve().parents[3]


def _csv(rows) -> bytes:
    out = io.StringIO()
    for row in rows:
        out.write(",".join(str(v) for v in row) + "\r\n")
    return out.getvalue().encode("utf-8")


def _upload(client, data: bytes, name: str):
    f = io.BytesIO(data)
    f.name = name
    return client.post("/imports/persons/upload/", {"file": f})


def web_import(client, actor) -> list[str]:
    """Upload a roster with errors (an error report is written), then a good one whose
    header needs the mapping step, map it, confirm it. Returns the personal values the rows
    held, each of which must not be left in clear text."""
    from fupin.registry.tests.test_import import HEADER, KEY, family

    client.force_login(actor)
    rows = family(actor.scope_code)
    rows[0][KEY["phone"]] = "13923456781"
    secrets = [rows[0][KEY["id_number"]], rows[1][KEY["id_number"]], "13923456781"]
    # 1. errors: a wrong checksum and a phone number that is not one, quoted by the messages
    bad = [list(r) for r in rows]
    bad_id = bad[1][KEY["id_number"]][:17] + ("0" if bad[1][KEY["id_number"]][17] != "0"
                                               else "1")
    bad[1][KEY["id_number"]] = bad_id
    bad[0][KEY["phone"]] = "1392345678"
    secrets += [bad_id, "1392345678"]
    resp = _upload(client, _csv([HEADER, *bad]), "花名册-有错.csv")
    assert resp.status_code == 302
    job = ImportJob.objects.latest("created_at")
    assert job.status == "invalid", job.message
    assert any("1392345678" in str(e) for e in job.errors)  # messages quote cells
    report = client.get(f"/imports/jobs/{job.pk}/errors/")
    content = b"".join(report.streaming_content)
    assert zipfile.ZipFile(io.BytesIO(content)).testzip() is None  # served decrypted
    # 2. the good file, one header unknown: mapping, then confirm
    header = list(HEADER)
    header[KEY["name"]] = "人员"
    _upload(client, _csv([header, *rows]), f"花名册-{secrets[0]}.csv")
    job = ImportJob.objects.latest("created_at")
    assert job.status == "mapping", job.message
    choice = {f"col_{i}": key for i, key in job.mapping.items()}
    choice[f"col_{KEY['name']}"] = "name"
    client.post(f"/imports/jobs/{job.pk}/mapping/", choice)
    job.refresh_from_db()
    assert job.status == "ready", job.message
    client.post(f"/imports/jobs/{job.pk}/commit/")
    job.refresh_from_db()
    assert job.status == "done" and job.created == 2, job.message
    return secrets


def everything_under(var: Path) -> list[tuple[str, bytes]]:
    """Every file's bytes, and, for a zip (an .xlsx), its members unpacked: a clear .xlsx
    keeps its cells deflated, where a byte search would not see them."""
    out = []
    for path in sorted(p for p in var.rglob("*") if p.is_file()):
        data = path.read_bytes()
        out.append((str(path.relative_to(var)), data))
        if data.startswith(b"PK\x03\x04"):
            try:
                with zipfile.ZipFile(io.BytesIO(data)) as archive:
                    out.extend((f"{path.relative_to(var)}:{m}", archive.read(m))
                               for m in archive.namelist())
            except zipfile.BadZipFile:
                pass
    return out


def clear_text_found(var: Path, secrets: list[str]) -> list[str]:
    found = []
    for name, data in everything_under(var):
        for secret in secrets:
            for encoded in (secret.encode(), secret.encode("utf-16-le")):
                if encoded in data:
                    found.append(f"{secret} in {name}")
    return found


@pytest.fixture
def var(tmp_path, settings):
    """MEDIA_ROOT and a file cache under a temporary var/, as in production."""
    root = tmp_path / "var"
    (root / "media").mkdir(parents=True)
    settings.MEDIA_ROOT = root / "media"
    settings.CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(root / "cache")}}
    return root


def test_web_import_leaves_no_clear_personal_data_in_media_cache_or_database(
        demo_users, client, var):
    from fupin.registry.tests.test_cleartext import _everything_in_the_database

    secrets = web_import(client, demo_users["village_a"])
    assert list((var / "media").rglob("*.*")), "the import stored its files"
    assert clear_text_found(var, secrets) == []
    dump = _everything_in_the_database()
    assert "张大山" in dump  # the dump is real
    assert [s for s in secrets if s in dump] == []


# The same flow in a process of its own whose whole var/ is files: the SQLite database (with
# its WAL), the uploads, the cache. Every byte is read afterwards.
_CHILD = textwrap.dedent("""
    import json, os, sys
    import django
    django.setup()
    from django.core.management import call_command
    call_command("migrate", verbosity=0)
    from fupin.accounts.demo import demo_users
    from fupin.areas.services import areas_load
    from fupin.areas.testing import small_area_csv
    from fupin.core.testing.fixtures import TEST_PASSWORD
    areas_load(text=small_area_csv())
    users = {u.username: u for u in demo_users(password=TEST_PASSWORD)}
    from django.test import Client
    from fupin.core.tests.test_uploads import web_import
    secrets = web_import(Client(), users["village_a"])
    from django.db import connection
    connection.close()
    print(json.dumps(secrets))
""")


def test_web_import_leaves_no_clear_id_number_anywhere_in_var(tmp_path):
    var = tmp_path / "var"
    (tmp_path / "var_settings.py").write_text(textwrap.dedent("""
        from tests.settings import *  # noqa: F403
        CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                              "LOCATION": str(VAR_DIR / "cache")}}  # noqa: F405
    """))
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(FUPIN_VAR_DIR=str(var), DJANGO_SETTINGS_MODULE="var_settings",
               PYTHONPATH=os.pathsep.join([str(tmp_path), str(ROOT)]))
    done = subprocess.run([sys.executable, "-c", _CHILD], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    secrets = json.loads(done.stdout.strip().splitlines()[-1])
    files = [name for name, _data in everything_under(var)]
    assert "fupin.sqlite3" in files and any(n.startswith("media/") for n in files)
    database = (var / "fupin.sqlite3").read_bytes()
    assert "张小花".encode() in database  # the database file holds the rows
    assert clear_text_found(var, secrets) == []


def _finished_job(client, actor, var, *, data=None) -> ImportJob:
    from fupin.registry.tests.test_import import HEADER, KEY, family

    client.force_login(actor)
    rows = family(actor.scope_code)
    rows[1][KEY["id_number"]] = rows[1][KEY["id_number"]][:17] + "Y"
    _upload(client, data or _csv([HEADER, *rows]), "有错.csv")
    job = ImportJob.objects.latest("created_at")
    assert job.status == "invalid" and job.file and job.error_report and job.errors
    return job


def test_purge_removes_files_after_the_retention_period_and_keeps_the_row(
        demo_users, client, var, settings):
    settings.FUPIN_UPLOAD_RETENTION_DAYS = 7
    actor = demo_users["village_a"]
    job = _finished_job(client, actor, var)
    paths = [Path(job.file.path), Path(job.error_report.path)]
    assert all(p.exists() for p in paths)
    assert jobs.uploads_purge(now=job.finished_at + timedelta(days=6))["jobs"] == 0
    assert all(p.exists() for p in paths)
    counts = jobs.uploads_purge(now=job.finished_at + timedelta(days=7, minutes=1))
    assert counts["jobs"] == 1 and counts["files"] == 2
    assert not any(p.exists() for p in paths)
    job.refresh_from_db()
    assert job.status == "invalid" and not job.file and not job.error_report
    assert job.errors == [] and job.purged_at is not None and job.error_rows == 1
    page = client.get(f"/imports/jobs/{job.pk}/").content.decode()
    assert "按保存期限（7 天）删除" in page and "下载错误报告" not in page
    assert client.get(f"/imports/jobs/{job.pk}/errors/").status_code == 404
    assert job.filename in client.get("/imports/").content.decode()  # history stays


def test_abandoned_upload_is_purged_and_expires(demo_users, client, var):
    from fupin.registry.tests.test_import import HEADER, family

    actor = demo_users["village_a"]
    client.force_login(actor)
    _upload(client, _csv([HEADER, *family(actor.scope_code)]), "没确认.csv")
    job = ImportJob.objects.get()
    assert job.status == "ready" and job.finished_at is None
    path = Path(job.file.path)
    jobs.uploads_purge(now=job.created_at + timedelta(days=8))
    job.refresh_from_db()
    assert job.status == "expired" and not path.exists() and job.purged_at
    assert client.post(f"/imports/jobs/{job.pk}/commit/").status_code == 404
    assert "已过期" in client.get(f"/imports/jobs/{job.pk}/").content.decode()


def test_nightly_and_its_own_command_purge(demo_users, client, var, monkeypatch):
    actor = demo_users["village_a"]
    job = _finished_job(client, actor, var)
    ImportJob.objects.filter(pk=job.pk).update(
        finished_at=timezone.now() - timedelta(days=30))
    orphan = var / "media" / "imports" / "2020" / "01" / "lost.upload"
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(b"x")
    os.utime(orphan, (0, 0))
    out = io.StringIO()
    call_command("nightly", stdout=out)
    job.refresh_from_db()
    assert job.purged_at and not job.file and not orphan.exists()
    assert "已清理 1 个导入任务" in out.getvalue()
    call_command("purge_uploads", stdout=out)  # nothing left: no error


def test_error_report_is_served_to_its_owner_only(demo_users, client, var):
    job = _finished_job(client, demo_users["village_a"], var)
    assert client.get(f"/imports/jobs/{job.pk}/errors/").status_code == 200
    client.force_login(demo_users["admin"])  # sees the job, not the rows it quotes
    assert client.get(f"/imports/jobs/{job.pk}/").status_code == 200
    assert client.get(f"/imports/jobs/{job.pk}/errors/").status_code == 404


def test_sealed_files_are_not_the_clear_bytes(demo_users, client, var):
    from cryptography.exceptions import InvalidTag

    from fupin.core import crypto
    from fupin.registry.tests.test_import import HEADER, KEY, family

    rows = family(demo_users["village_a"].scope_code)
    rows[1][KEY["id_number"]] = "X" + rows[1][KEY["id_number"]][1:]
    uploaded = _csv([HEADER, *rows])
    job = _finished_job(client, demo_users["village_a"], var, data=uploaded)
    on_disk = Path(job.file.path).read_bytes()
    assert crypto.is_sealed(on_disk) and uploaded not in on_disk
    assert job.filename not in job.file.name  # a random name on disk
    with job.file.open("rb") as fh:
        assert fh.read() == uploaded  # reading decrypts
    with override_settings(FUPIN_FIELD_KEY="another key"), pytest.raises(InvalidTag):
        crypto.open_bytes(on_disk)  # a wrong key reads nothing
