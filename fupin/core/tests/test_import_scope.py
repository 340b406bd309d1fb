"""The generic import scope test (issue 8 item 2; DESIGN §1): for every registered ImportSpec,
rows that name another village's household, head, person, post or course are refused row by
row and write nothing; and the pipeline's own guard (core/tabular/ledger.py) rolls back a
spec that writes outside the scope anyway."""

import pytest

from fupin.core.tabular.spec import all_specs
from fupin.core.testing.foreign import autodiscover, builder_for, check_foreign_rows


@pytest.mark.parametrize("spec", all_specs(), ids=lambda s: s.name)
def test_rows_naming_records_outside_the_scope_are_refused(spec, demo_users):
    builder = builder_for(spec.name)
    assert builder is not None, f"{spec.name}: no foreign-row builder registered"
    check_foreign_rows(spec, builder(demo_users))


def test_every_import_spec_has_a_foreign_row_builder():
    autodiscover()
    missing = [s.name for s in all_specs() if builder_for(s.name) is None]
    assert missing == [], f"register @foreign_rows in <app>/tests/foreign_rows.py for {missing}"


# --- the post-write guard: a spec that writes outside the scope anyway rolls back -----------

class WrongSpec:
    """A deliberately wrong spec: validation passes, write() puts a welfare post where the
    test says (the guard must not care how a spec writes)."""

    def __new__(cls, write):
        from fupin.core.tabular.spec import Col, ImportSpec, Outcome
        from fupin.employment.models import WelfarePost

        class Spec(ImportSpec):
            name = "wrong"
            columns = [Col("name", "名称", required=True)]
            model = WelfarePost

            def write(self, rows, state):
                write(state["actor"])
                return Outcome(created=len(rows))

        return Spec()


def _post(area_code, **kw):
    import datetime

    from fupin.employment.models import WelfarePost

    data = {"name": "保洁员", "kind": "01", "monthly_pay": 500,
            "established": datetime.date(2017, 1, 1), **kw}
    return WelfarePost(area_code=area_code, **data)


def _writes(village_b):
    """The ways a spec writes, each reaching village_b."""
    from fupin.core.tabular.importer import BulkWriter, upsert_records
    from fupin.employment.models import WelfarePost
    from fupin.employment.tests.factories import make_post

    def by_upsert(actor):
        upsert_records(WelfarePost, [(None, {"area_code": village_b, "name": "保洁员",
                                             "kind": "01", "monthly_pay": 500,
                                             "established": "2017-01-01"})], actor=actor)

    def by_bulk_create(actor):
        BulkWriter(WelfarePost, actor=actor).create([_post(village_b)], when=_now())

    def by_bulk_update_moving_out(actor):
        own = WelfarePost.objects.get(name="本村岗位")
        own.area_code = village_b
        BulkWriter(WelfarePost, actor=actor).update([own], ["area_code"], when=_now())

    def by_bulk_update_moving_in(actor):
        theirs = WelfarePost.objects.get(name="外村岗位")
        theirs.area_code = actor.scope_code
        BulkWriter(WelfarePost, actor=actor).update([theirs], ["area_code"], when=_now())

    def by_save(actor):
        post = _post(village_b)
        post._history_user = actor
        post.save()

    def by_save_of_a_foreign_record(actor):
        theirs = WelfarePost.objects.get(name="外村岗位")
        theirs.monthly_pay = 600
        theirs._history_user = actor
        theirs.save()

    def setup():
        make_post(area_code=village_b, name="外村岗位")

    return {"upsert_records": by_upsert, "BulkWriter.create": by_bulk_create,
            "BulkWriter.update (moved out)": by_bulk_update_moving_out,
            "BulkWriter.update (moved in)": by_bulk_update_moving_in,
            "save()": by_save, "save() of a foreign record": by_save_of_a_foreign_record}, setup


def _now():
    from django.utils import timezone

    return timezone.now()


@pytest.mark.parametrize("path", ["upsert_records", "BulkWriter.create",
                                  "BulkWriter.update (moved out)",
                                  "BulkWriter.update (moved in)", "save()",
                                  "save() of a foreign record"])
def test_guard_rolls_back_a_spec_that_writes_outside_the_scope(demo_users, path):
    from fupin.core.tabular import importer
    from fupin.core.tabular.reader import TabularError
    from fupin.core.testing.foreign import model_counts, workbook
    from fupin.employment.tests.factories import make_post

    actor = demo_users["village_a"]
    make_post(area_code=actor.scope_code, name="本村岗位")
    writes, setup = _writes(demo_users["village_b"].scope_code)
    setup()
    spec = WrongSpec(writes[path])
    before = model_counts()
    with pytest.raises(TabularError, match="管辖范围以外"):
        importer.commit(spec, importer.load(workbook(spec, [{"name": "x"}]), "x.xlsx"),
                        actor=actor)
    assert model_counts() == before


def test_guard_lets_writes_inside_the_scope_through(demo_users):
    from fupin.core.tabular import importer
    from fupin.core.tabular.importer import BulkWriter
    from fupin.core.testing.foreign import workbook
    from fupin.employment.models import WelfarePost

    actor = demo_users["lizhou_township"]
    village = demo_users["village_b"].scope_code
    spec = WrongSpec(lambda a: BulkWriter(WelfarePost, actor=a).create([_post(village)],
                                                                       when=_now()))
    report = importer.commit(spec, importer.load(workbook(spec, [{"name": "x"}]), "x.xlsx"),
                             actor=actor)
    assert report.ok and WelfarePost.objects.get().area_code == village


def test_without_the_guard_the_wrong_spec_would_write(demo_users, monkeypatch):
    """The test of the test: the rollback above is the guard's doing."""
    from fupin.core.tabular import importer
    from fupin.core.tabular.ledger import Ledger
    from fupin.core.testing.foreign import workbook
    from fupin.employment.models import WelfarePost

    monkeypatch.setattr(Ledger, "verify", lambda self, actor: None)
    writes, _setup = _writes(demo_users["village_b"].scope_code)
    spec = WrongSpec(writes["BulkWriter.create"])
    importer.commit(spec, importer.load(workbook(spec, [{"name": "x"}]), "x.xlsx"),
                    actor=demo_users["village_a"])
    assert WelfarePost.objects.filter(area_code=demo_users["village_b"].scope_code).exists()


# --- the records a row reaches are found again under the write transaction -----------------

def _between_validation_and_write(monkeypatch, spec, change):
    """Run `change()` inside the import's transaction, after validation passed."""
    original = spec.begin_write

    def begin_write(state):
        change()
        original(state)

    monkeypatch.setattr(spec, "begin_write", begin_write)


def test_persons_write_refuses_a_household_retired_since_validation(demo_users, monkeypatch):
    from fupin.core.tabular import importer
    from fupin.core.tabular.reader import TabularError
    from fupin.core.testing.foreign import model_counts, workbook
    from fupin.registry import services
    from fupin.registry.imports import persons_import
    from fupin.registry.tests.factories import fake_id, make_person

    actor = demo_users["village_a"]
    head = make_person(area_code=actor.scope_code, id_number=fake_id())
    rows = [{"area_code": actor.scope_code, "household_number": head.household.number,
             "name": "张小花", "id_number": fake_id(male=False), "relation": "之女",
             "labour_capacity": "普通劳动力"}]
    before = model_counts()
    _between_validation_and_write(monkeypatch, persons_import, lambda: services.household_retire(
        actor=actor, household=head.household))
    with pytest.raises(TabularError, match="校验之后数据有变化"):
        importer.commit(persons_import, importer.load(workbook(persons_import, rows), "r.xlsx"),
                        actor=actor)
    assert model_counts() == before  # the retirement inside the transaction rolled back too


def test_employment_write_refuses_a_person_moved_away_since_validation(demo_users, monkeypatch):
    from fupin.core.tabular import importer
    from fupin.core.tabular.reader import TabularError
    from fupin.core.testing.foreign import model_counts, workbook
    from fupin.employment.imports import employments_import
    from fupin.registry.models import Person
    from fupin.registry.tests.factories import make_person

    actor = demo_users["village_a"]
    person = make_person(area_code=actor.scope_code, name="张三")
    rows = [{"id_number": person.reveal("id_number"), "name": "张三", "employer": "某公司",
             "place": "省外", "start_date": "2017-03-01"}]
    before = model_counts()
    _between_validation_and_write(monkeypatch, employments_import, lambda: Person.objects.filter(
        pk=person.pk).update(area_code=demo_users["village_b"].scope_code))
    with pytest.raises(TabularError, match="校验之后数据有变化"):
        importer.commit(employments_import,
                        importer.load(workbook(employments_import, rows), "e.xlsx"), actor=actor)
    assert model_counts() == before
