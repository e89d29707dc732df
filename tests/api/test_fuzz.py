"""Fuzz every endpoint against the app's own OpenAPI schema (schemathesis, bounded examples).

No input may produce a 5xx, and every error is a 4xx JSON body with a message.
"""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402

from zhengce.api.app import create_app  # noqa: E402

EXAMPLES = 25


@pytest.fixture(scope="module")
def operations(fake_engine, fake_index_dir):
    app = create_app(index_dir=fake_index_dir, engine=fake_engine)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


def test_schema_covers_every_endpoint(operations):
    paths = {f"{op.method.upper()} {op.path}" for op in operations}
    for expected in ("GET /search", "POST /search", "POST /ask", "POST /precedent", "GET /units",
                     "GET /units/{name}", "GET /documents/{doc_id}", "GET /clauses/{clause_id}"):
        assert expected in paths, paths


def test_no_input_gives_a_server_error(operations):
    failures = []
    for op in operations:
        try:
            _fuzz(op)
        except AssertionError as exc:
            failures.append(str(exc)[:500])
    assert not failures, failures


def _fuzz(op) -> None:
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(case=op.as_strategy())
    def check(case):
        response = case.call()
        assert response.status_code < 500, (op.method, op.path, response.text[:300])
        if response.status_code >= 400:
            assert response.json().get("detail"), response.text[:300]

    check()
