"""Import through the pages: template, upload, error report, mapping, confirm, background."""

import io

from python_calamine import CalamineWorkbook

from fupin.core.models import ImportJob
from fupin.registry.imports import persons_import
from fupin.registry.models import Person
from fupin.registry.tests.test_import import HEADER, KEY, family, xlsx


def upload(client, data, name="roster.xlsx"):
    return client.post("/imports/persons/upload/", {"file": _named(data, name)})


def _named(data, name):
    f = io.BytesIO(data)
    f.name = name
    return f


def test_template_download(demo_users, client):
    client.force_login(demo_users["village_a"])
    resp = client.get("/imports/persons/template/")
    assert resp.status_code == 200
    book = CalamineWorkbook.from_filelike(io.BytesIO(resp.content))
    template = [c.label for c in persons_import.template_columns]
    assert book.get_sheet_by_name("数据").to_python()[0][: len(template)] == template


def test_upload_validate_confirm(demo_users, client):
    actor = demo_users["village_a"]
    client.force_login(actor)
    resp = upload(client, xlsx([HEADER, *family(actor.scope_code)]))
    job = ImportJob.objects.get()
    assert resp.status_code == 302 and job.status == "ready"
    page = client.get(f"/imports/jobs/{job.pk}/").content.decode()
    assert "校验通过" in page and "确认导入" in page
    assert not Person.objects.exists()
    client.post(f"/imports/jobs/{job.pk}/commit/")
    job.refresh_from_db()
    assert job.status == "done" and job.created == 2
    assert Person.objects.count() == 2
    assert "新增" in client.get(f"/imports/jobs/{job.pk}/").content.decode()


def test_errors_on_page_and_as_spreadsheet(demo_users, client):
    actor = demo_users["village_a"]
    client.force_login(actor)
    rows = family(actor.scope_code)
    rows[1][KEY["id_number"]] = "510802198505010011"
    upload(client, xlsx([HEADER, *rows]))
    job = ImportJob.objects.get()
    assert job.status == "invalid"
    page = client.get(f"/imports/jobs/{job.pk}/").content.decode()
    assert "校验位" in page and "未写入任何数据" in page
    report = client.get(f"/imports/jobs/{job.pk}/errors/")
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(report.streaming_content)))
    rows = sheet.get_sheet_by_index(0).to_python()
    assert rows[0][:2] == ["行号", "错误"] and rows[1][0] == 3 and "校验位" in rows[1][1]
    assert not Person.objects.exists()
    # another user cannot open the job
    client.force_login(demo_users["village_b"])
    assert client.get(f"/imports/jobs/{job.pk}/").status_code == 404


def test_unknown_headers_go_through_mapping(demo_users, client):
    actor = demo_users["village_a"]
    client.force_login(actor)
    rows = family(actor.scope_code)
    header = list(HEADER)
    header[KEY["name"]] = "人员"  # a header nobody taught us
    upload(client, xlsx([header, *rows]))
    job = ImportJob.objects.get()
    assert job.status == "mapping"
    page = client.get(f"/imports/jobs/{job.pk}/").content.decode()
    assert "人员" in page
    choice = {f"col_{i}": key for i, key in job.mapping.items()}
    choice[f"col_{KEY['name']}"] = "name"
    client.post(f"/imports/jobs/{job.pk}/mapping/", choice)
    job.refresh_from_db()
    assert job.status == "ready", job.message
    client.post(f"/imports/jobs/{job.pk}/commit/")
    assert set(Person.objects.values_list("name", flat=True)) == {"张大山", "张小花"}


def test_bad_file_message_on_page(demo_users, client):
    client.force_login(demo_users["village_a"])
    upload(client, b"not a spreadsheet at all \x00\x01", "roster.xlsx")
    job = ImportJob.objects.get()
    assert job.status == "failed" and "不是有效的" in job.message


def test_large_file_runs_as_background_task_with_progress(demo_users, client, monkeypatch):
    from fupin.core.tabular import jobs
    from fupin.registry.generator import roster_rows

    monkeypatch.setattr(jobs, "BACKGROUND_ROWS", 50)
    enqueued = []
    real = jobs.run_import_job

    class Recording:  # the task object is frozen; record calls through a stand-in
        @staticmethod
        def enqueue(*args):
            enqueued.append(args)
            return real.enqueue(*args)

    monkeypatch.setattr(jobs, "run_import_job", Recording)
    actor = demo_users["lizhou_county"]
    client.force_login(actor)
    rows = list(roster_rows(area="510802", persons=120, seed=4))
    upload(client, xlsx([HEADER, *rows]))
    job = ImportJob.objects.get()
    assert enqueued and job.status == "ready"
    client.post(f"/imports/jobs/{job.pk}/commit/")
    job.refresh_from_db()
    assert job.status == "done" and job.created == 120 and len(enqueued) == 2


def test_progress_fragment_polls_while_running(demo_users, client):
    from django.core.cache import cache

    actor = demo_users["village_a"]
    client.force_login(actor)
    job = ImportJob.objects.create(actor=actor, spec="persons", filename="x.xlsx",
                                   status="committing")
    cache.set(f"fupin:import:{job.pk}", {"phase": "commit", "done": 40, "total": 100,
                                         "at": __import__("time").time()})
    html = client.get(f"/imports/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in html and "40 / 100" in html and 'data-width="40"' in html
    cache.set(f"fupin:import:{job.pk}", {"phase": "commit", "done": 40, "total": 100, "at": 0})
    html = client.get(f"/imports/jobs/{job.pk}/").content.decode()
    assert "导入已中断" in html and "every 1s" not in html
