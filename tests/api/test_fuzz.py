"""Fuzz every endpoint against the app's own OpenAPI schema (schemathesis, bounded examples).

No input may produce a 5xx, and every error is a 4xx JSON body with a message. Issue 16, row 5:
lone surrogates in a list item (``doc``) gave a 500 while the same in ``q`` gave a 422, so every
field of every JSON body (list items included) is also sent strings holding lone surrogates and
other hostile text, both from a fixed table and drawn by Hypothesis over all code points.
"""

from __future__ import annotations

import json

import pytest

schemathesis = pytest.importorskip("schemathesis")
from fastapi.testclient import TestClient  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from zhengce.api.app import create_app  # noqa: E402

EXAMPLES = 25
HOSTILE = ["\ud800", "a\udfffb", "\udc00\ud800", "科技\udbff", "\x00", "", " \u3000 ", "\u202e\u200b",
           "🚀" * 40, "科" * 3000, "%s%n{0}", "../../etc/passwd", "<script>x</script>"]
# Every code point, surrogates included (Hypothesis leaves out category Cs unless told).
ANY_TEXT = st.text(st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=()), max_size=40)


@pytest.fixture(scope="module")
def app(fake_engine, fake_index_dir):
    return create_app(index_dir=fake_index_dir, engine=fake_engine)


@pytest.fixture(scope="module")
def client(app):
    return TestClient(app)


@pytest.fixture(scope="module")
def operations(app):
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


def body_fields(app) -> dict[str, dict[str, dict]]:
    """For each POST path with a JSON body: its properties (resolved from the OpenAPI schema)."""
    spec = app.openapi()
    out = {}
    for path, methods in spec["paths"].items():
        body = methods.get("post", {}).get("requestBody", {}).get("content", {}).get("application/json")
        if body:
            ref = body["schema"]["$ref"].rsplit("/", 1)[-1]
            out[path] = spec["components"]["schemas"][ref]
    return out


def baseline(model: dict) -> dict:
    """A valid body: the required fields from their examples."""
    return {name: prop["examples"][0] for name, prop in model["properties"].items()
            if name in model.get("required", ())}


def _is_list(prop: dict) -> bool:
    return prop.get("type") == "array" or any(a.get("type") == "array" for a in prop.get("anyOf", ()))


def post_raw(client, path: str, body: dict):
    # json.dumps escapes lone surrogates (\ud800), as a hostile client would send them.
    return client.post(path, content=json.dumps(body).encode("ascii"),
                       headers={"content-type": "application/json"})


def assert_clean(r, what) -> None:
    assert r.status_code < 500, (what, r.status_code, r.text[:300])
    r.content.decode("utf-8")  # the response itself is valid UTF-8
    if r.status_code >= 400:
        assert r.json().get("detail"), (what, r.text[:300])


def test_schema_covers_every_endpoint(operations):
    paths = {f"{op.method.upper()} {op.path}" for op in operations}
    for expected in ("GET /search", "POST /search", "POST /ask", "POST /precedent", "GET /units",
                     "GET /units/{name}", "GET /documents/{doc_id}", "GET /clauses/{clause_id}"):
        assert expected in paths, paths


def test_no_input_gives_a_server_error(operations, client):
    failures = []
    for op in operations:
        try:
            _fuzz(op, client)
        except AssertionError as exc:
            failures.append(str(exc)[:500])
    assert not failures, failures


def _fuzz(op, client) -> None:
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(case=op.as_strategy())
    def check(case):
        response = case.call()
        assert response.status_code < 500, (op.method, op.path, response.text[:300])
        if response.status_code >= 400:
            assert response.json().get("detail"), response.text[:300]
        if op.method.upper() == "POST" and isinstance(case.body, dict):
            # The same generated body with a lone surrogate in each field in turn.
            for key, value in case.body.items():
                poisoned = [f"{v}\ud800" for v in value] if isinstance(value, list) else f"\udfff{value}"
                assert_clean(post_raw(client, op.path, {**case.body, key: poisoned}), (op.path, key))

    check()


def test_bodies_cover_every_post_endpoint(app):
    assert set(body_fields(app)) == {"/search", "/ask", "/precedent"}


def test_row5_every_field_of_every_body_refuses_hostile_text_without_5xx(app, client):
    tried = 0
    for path, model in body_fields(app).items():
        base = baseline(model)
        for name, prop in model["properties"].items():
            for text in HOSTILE:
                value = [text] if _is_list(prop) else text
                r = post_raw(client, path, {**base, name: value})
                assert_clean(r, (path, name, text[:10]))
                if "\ud800" in text or "\udfff" in text or "\udbff" in text:
                    assert r.status_code == 422, (path, name, r.text[:200])
                tried += 1
    # Every field was tried: /search 12, /ask 11, /precedent 10 (8 filter fields each).
    assert tried == len(HOSTILE) * 33


@pytest.mark.parametrize("path,body", [("/search", {"q": "a", "doc": ["\ud800"]}),
                                       ("/ask", {"question": "a", "doc": ["\ud800"]}),
                                       ("/search", {"q": "a", "\ud800": 1})])
def test_row5_issue_reproductions_get_422_and_keep_the_connection(client, path, body):
    r = post_raw(client, path, body)
    assert r.status_code == 422 and r.json()["detail"]
    assert client.get("/search", params={"q": "科技"}).status_code == 200


def test_row5_hypothesis_any_code_point_in_any_field(app, client):
    models = body_fields(app)

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(data=st.data())
    def check(data):
        path = data.draw(st.sampled_from(sorted(models)))
        model = models[path]
        body = baseline(model)
        for name, prop in model["properties"].items():
            if data.draw(st.booleans()):
                text = data.draw(ANY_TEXT)
                body[name] = data.draw(st.lists(ANY_TEXT, max_size=3)) if _is_list(prop) else text
        assert_clean(post_raw(client, path, body), (path, body))

    check()
