"""DESIGN §1/§7: the database holds no ID number or phone in clear text."""

from django.apps import apps
from django.db import connection

from fupin.registry.tests.factories import fake_id, make_person


def _everything_in_the_database() -> str:
    chunks = []
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            table = model._meta.db_table
            if table not in connection.introspection.table_names(cursor):
                continue
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 — our own table names
            chunks.extend(repr(row) for row in cursor.fetchall())
    if connection.vendor == "sqlite":
        chunks.extend(connection.connection.iterdump())
    return "\n".join(chunks)


def test_no_id_number_phone_or_account_in_clear_text(demo_users):
    ident = fake_id(county="510821")
    p = make_person(area_code=demo_users["village_a"].scope_code, id_number=ident,
                    phone="13987654321", bank_account="6217003810012345678")
    assert p.reveal("id_number") == ident  # the value is there, encrypted
    dump = _everything_in_the_database()
    assert p.name in dump  # the dump is real
    for secret in (ident, "13987654321", "6217003810012345678", ident[6:14] + ident[14:]):
        assert secret not in dump
