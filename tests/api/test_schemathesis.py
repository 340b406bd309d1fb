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

EXAMPLES = 5  # per operation and run: ~40 operations x 2-3 runs, about a minute
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
    """A record of every scoped model in village_a's village, and one in village_b's; returns
    the path parameters that name village_a's own record, per API prefix."""
    import fupin.api_urls  # noqa: F401 — registers every app's viewsets on the router
    from fupin.core.api import ScopedReads, router

    mine, theirs = demo_users["village_a"].scope_code, demo_users["village_b"].scope_code
    own = {"areas": {"code": mine}}
    for prefix, viewset, _basename in router.registry:
        if issubclass(viewset, ScopedReads):
            factory = factory_for(viewset.model)
            own[prefix] = {"id": factory(area_code=mine).pk}
            factory(area_code=theirs)
    return own


def _examples(operation, mode, path_parameters, auth, own_successes):
    """A Hypothesis test of EXAMPLES cases of `operation`, repeatable (derandomized), each
    call in a rolled-back savepoint, each answer checked against the schema."""

    @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=path_parameters))
    def call(case):
        with transaction.atomic():
            response = case.call(headers=auth)
            transaction.set_rollback(True)
        if path_parameters and response.status_code < 300:
            own_successes.append(operation.label)
        case.validate_response(response, checks=CHECKS, headers=auth)

    return call


def _prefix(path: str, prefixes) -> str | None:
    """The router prefix a path is under ("followups/visits" for /api/v1/followups/visits/1/):
    the longest that matches, since prefixes may have several segments."""
    rest = path.removeprefix("/api/v1/")
    return max((p for p in prefixes if rest.startswith(p + "/")), key=len, default=None)


def _has_input(operation) -> bool:
    return bool(operation.path_parameters or operation.query or operation.body)


def test_every_operation_answers_without_server_error_and_as_the_schema_says(
        demo_users, village_records, wsgi_app):
    from fupin.accounts.services import token_issue

    token = token_issue(user=demo_users["village_a"])
    auth = {"Authorization": f"Token {token.key}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app, headers=auth)
    failures: list[str] = []
    own_successes: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 20, "the schema lost its operations"
    for operation in operations:
        # generated input, valid and invalid; and, for a record's own path, valid input on
        # the user's own record (a random id is nearly always 404)
        runs = [(GenerationMode.POSITIVE, None)]
        if _has_input(operation):  # nothing to make invalid in an operation without input
            runs.append((GenerationMode.NEGATIVE, None))
        own = village_records.get(_prefix(operation.path, village_records))
        if operation.path_parameters and own:
            runs.append((GenerationMode.POSITIVE, own))
        for mode, path_parameters in runs:
            call = _examples(operation, mode, path_parameters, auth, own_successes)
            try:
                call()
            except Unsatisfiable:
                # no invalid value can be sent (an area code in the path: anything but
                # digits is not routed); the positive mode covers the operation
                assert mode is GenerationMode.NEGATIVE, operation.label
            except (Exception, BaseExceptionGroup) as exc:  # collect every operation's failure
                where = f"{mode.value}{' own record' if path_parameters else ''}"
                failures.append(f"{operation.label} [{where}]: {exc}"[:1500])
    assert not failures, f"{len(failures)} failing operations:\n\n" + "\n\n".join(failures)
    # the runs on the user's own records reached them (not only 404s): every resource's GET
    reached = {_prefix(label.split(" ", 1)[1], village_records) for label in own_successes
               if label.startswith("GET ")}
    assert reached >= set(village_records), f"own records never answered 2xx: {reached}"
