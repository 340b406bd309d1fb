"""Schemathesis over the OpenAPI schema (issue 8, DESIGN §7 "bad input gets a clear error").

Every operation of /api/schema/ is called through the WSGI application, signed in with a
village worker's token, with a fixed number of generated examples per operation, valid ones
and invalid ones (derandomized, so a run is repeatable and bounded). Each answer must not be a
server error and must conform to the schema: a documented status code, a documented content
type and a body that matches the declared schema.

Each example runs in a savepoint that is rolled back, so every example sees the same records
(a DELETE that retires the person does not leave the next example a 404).
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.specs.openapi import checks as openapi_checks

from fupin.core.testing.factories import factory_for

EXAMPLES = 6  # per operation and mode: ~40 operations x 2 modes, about a minute
CHECKS = [
    schemathesis.checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_schema_conformance,
]


@pytest.fixture
def wsgi_app():
    """Django's WSGI handler without the per-request connection close, as the test client
    does: requests then run inside the test's transaction (and see its records)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def village_records(demo_users):
    """A record of every scoped model in village_a's village, and one in village_b's."""
    from fupin.core.testing.scoping import scoped_models

    mine, theirs = demo_users["village_a"].scope_code, demo_users["village_b"].scope_code
    for model in scoped_models():
        factory = factory_for(model)
        if factory is not None:
            factory(area_code=mine)
            factory(area_code=theirs)


def _has_input(operation) -> bool:
    return bool(operation.path_parameters or operation.query or operation.body)


def test_every_operation_answers_without_server_error_and_as_the_schema_says(
        demo_users, village_records, wsgi_app):
    from fupin.accounts.services import token_issue

    token = token_issue(user=demo_users["village_a"])
    auth = {"Authorization": f"Token {token.key}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app, headers=auth)
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 20, "the schema lost its operations"
    for operation in operations:
        modes = [GenerationMode.POSITIVE]
        if _has_input(operation):  # nothing to make invalid in an operation without input
            modes.append(GenerationMode.NEGATIVE)
        for mode in modes:
            @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
                      phases=[Phase.explicit, Phase.generate],
                      suppress_health_check=list(HealthCheck))
            @given(case=operation.as_strategy(generation_mode=mode))
            def call(case):
                with transaction.atomic():
                    response = case.call(headers=auth)
                    transaction.set_rollback(True)
                case.validate_response(response, checks=CHECKS, headers=auth)

            try:
                call()
            except Unsatisfiable:
                # no invalid value can be sent (an area code in the path: anything but
                # digits is not routed); the positive mode covers the operation
                assert mode is GenerationMode.NEGATIVE, operation.label
            except (Exception, BaseExceptionGroup) as exc:  # collect every operation's failure
                failures.append(f"{operation.label} [{mode.value}]: {exc}"[:1500])
    assert not failures, f"{len(failures)} failing operations:\n\n" + "\n\n".join(failures)
