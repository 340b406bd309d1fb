"""The 回访台账 importer (imports.py): a re-import of the same file changes nothing — also when
回访情况 holds full-width punctuation (，：（）), which the shared text cleaning must keep."""

import datetime

import pytest

from fupin.core.tabular import importer
from fupin.followups import visits
from fupin.followups.imports import visits_import
from fupin.followups.models import Visit
from fupin.registry.tests.factories import make_person
from fupin.registry.tests.test_import import xlsx

D = datetime.date
pytestmark = pytest.mark.django_db
FINDINGS = "在岗稳定，收入正常（月均 3000 元）：下次电话回访"


def _sheet(*rows) -> bytes:
    return xlsx([[c.label for c in visits_import.columns],
                 *[[r.get(c.key, "") for c in visits_import.columns] for r in rows]])


def _run(actor, data):
    return importer.commit(visits_import, importer.load(data, "visits.xlsx"), actor=actor)


def test_a_reimport_with_full_width_punctuation_is_all_unchanged(demo_users):
    worker = demo_users["village_a"]
    person = make_person(area_code=worker.scope_code, name="张三")
    data = _sheet({"id_number": person.reveal("id_number"), "name": "张三",
                   "visited_on": "2017-06-01", "method": "入户", "findings": FINDINGS})
    first = _run(worker, data)
    assert first.ok and first.outcome.as_dict() == {"created": 1, "updated": 0, "unchanged": 0}
    assert Visit.objects.get(person=person).findings == FINDINGS  # as typed
    history = Visit.history.count()
    again = _run(worker, data)
    assert again.outcome.as_dict() == {"created": 0, "updated": 0, "unchanged": 1}
    assert Visit.history.count() == history


def test_a_form_visit_exported_and_reimported_is_unchanged(demo_users):
    worker = demo_users["village_a"]
    person = make_person(area_code=worker.scope_code, name="李四")
    visits.visit_record(actor=worker, person=person,
                        data={"visited_on": D(2017, 6, 1), "method": "phone",
                              "findings": FINDINGS})
    rows = list(visits_import.export_rows(
        visits_import.export_ordering(Visit.objects.filter(person=person)), reveal=True))
    data = xlsx([[c.label for c in visits_import.columns], *rows])
    report = _run(worker, data)
    assert report.ok, report.errors
    assert report.outcome.as_dict() == {"created": 0, "updated": 0, "unchanged": 1}
    assert Visit.objects.get(person=person).findings == FINDINGS



def test_a_form_record_with_full_width_text_is_the_one_its_export_names(demo_users):
    """The shared person-record importer: a job typed on a form (某公司（广元）) exported and
    imported again is the same job, unchanged — neither a second job nor an update."""
    from fupin.employment.imports import employments_import
    from fupin.employment.models import Employment
    from fupin.employment.tests.factories import make_employment

    worker = demo_users["village_a"]
    person = make_person(area_code=worker.scope_code, name="王五")
    make_employment(person=person, employer="某建筑公司（广元）", industry="建筑，装修")
    rows = list(employments_import.export_rows(employments_import.export_ordering(
        Employment.objects.filter(person=person)), reveal=True))
    data = xlsx([[c.label for c in employments_import.columns], *rows])
    report = importer.commit(employments_import, importer.load(data, "e.xlsx"), actor=worker)
    assert report.ok, report.errors
    assert report.outcome.as_dict() == {"created": 0, "updated": 0, "unchanged": 1}
    assert list(Employment.objects.filter(person=person).values_list("employer", "industry")) \
        == [("某建筑公司（广元）", "建筑，装修")]


def test_prose_keeps_chinese_punctuation_and_folds_the_rest():
    from fupin.core.tabular import parsers

    assert parsers.clean_prose(" 在岗，收入３０００元（稳定）…  下次  回访 ") == \
        "在岗，收入3000元（稳定）… 下次 回访"
    assert parsers.clean_text("在岗，收入（稳定）") == "在岗,收入(稳定)"  # other columns as before
    assert parsers.same_text("在岗，收入", "在岗,收入") and not parsers.same_text("在岗", "离岗")
    assert not parsers.same_text(None, "")
