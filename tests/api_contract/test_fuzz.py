"""A property-based fuzz of the whole /api/v1/ schema (schemathesis over hypothesis), in process.

Every operation of the OpenAPI document gets a few generated requests, valid ones and ones the
schema forbids, sent through Django's WSGI handler (no network), once without a token and once
with an owner's token. A request fails the test when the answer is a 5xx, or has a status,
content type or body that the document does not describe for that operation.

Deterministic: hypothesis is derandomized (the examples depend only on the schema) and keeps no
example database. Bounded: EXAMPLES per operation and generation mode.
"""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import DatabaseError, close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from dianpu.accounts.tests.builders import make_staff, token_for
from dianpu.catalog.tests.builders import make_product
from dianpu.orders.tests.builders import place_test_order

pytestmark = [pytest.mark.django_db, pytest.mark.long]

EXAMPLES = int(os.environ.get("DIANPU_FUZZ_EXAMPLES", "3"))  # more for a deeper run by hand
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def store(db):
    """A little of everything, so that generated paths sometimes meet real rows."""
    product = make_product(name="纯棉T恤", name_en="Cotton T-shirt", price="59.00", stock=3, skus=["TEE-M"])
    place_test_order({"TEE-M": 1})
    return product


@pytest.fixture(autouse=True)
def connection_kept_open():
    """As Django's test client does: the handler must not close the test's database connection."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


def fuzz(headers: dict) -> list[str]:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    found: list[str] = []
    signed_in = "Authorization" in headers
    for result in schema.get_all_operations():
        operation = result.ok()
        # Without a token a staff operation answers 401 before it reads any input: one example shows it.
        examples = EXAMPLES if signed_in or not operation.definition.raw.get("security") else 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            seen: set[str] = set()

            @settings(
                max_examples=examples,
                derandomize=True,
                database=None,
                deadline=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(generation_mode=mode))
            def run(case):
                try:
                    # Each request in its own savepoint: in production a request that meets a
                    # database error (answered 422 out_of_range) does not spoil the next one.
                    with transaction.atomic():
                        case.call_and_validate(headers=headers, checks=CHECKS)
                except DatabaseError:
                    pass  # the answer was judged inside; the savepoint rolled back on the way out
                except FailureGroup as group:
                    for failure in group.exceptions:
                        key = f"{operation.label} [{mode.value}]: {failure.title}"
                        if key not in seen:
                            seen.add(key)
                            found.append(
                                f"{key}\n    {failure.message[:300]}\n    {case.method} {case.formatted_path} "
                                f"query={case.query} body={str(case.body)[:200]}"
                            )

            try:
                run()
            except Unsatisfiable:  # e.g. no request that breaks a schema made only of optional strings
                pass
    return found


def test_no_answer_outside_the_schema_without_a_token(store):
    found = fuzz({"Accept-Language": "en"})
    assert not found, "\n".join(found)


def test_no_answer_outside_the_schema_with_an_owner_token(store):
    found = fuzz({"Accept-Language": "en", "Authorization": f"Bearer {token_for(make_staff('owner'))}"})
    assert not found, "\n".join(found)
