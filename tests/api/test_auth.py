"""Locked down: the admin token (missing, wrong, right, none configured), headers, /health without paths."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from zhengce.api.app import create_app
from zhengce.api.auth import ENV_VAR, TokenConfigError, load_admin_token
from zhengce.cli import main
from zhengce.index.store import FORMAT_VERSION

TOKEN = "correct-horse-battery-staple-42"


@pytest.fixture(scope="module")
def client(fake_engine, fake_index_dir):
    return TestClient(create_app(index_dir=fake_index_dir, engine=fake_engine, admin_token=TOKEN))


ADMIN_CALLS = [("post", "/admin/reload"), ("delete", "/documents/000_839afbcfa68b4ffc"),
               ("get", "/jobs/nope"), ("get", "/admin/check")]


@pytest.mark.parametrize(("method", "path"), ADMIN_CALLS)
def test_missing_or_wrong_token_is_refused(client, method, path):
    r = getattr(client, method)(path)
    assert r.status_code == 401 and "Bearer" in r.json()["detail"]
    assert r.headers["www-authenticate"].startswith("Bearer")
    for header in (f"Bearer {TOKEN}x", "Bearer wrong", f"Basic {TOKEN}", TOKEN, "Bearer "):
        r = getattr(client, method)(path, headers={"Authorization": header})
        assert r.status_code == 401, header


def test_upload_without_token_is_refused_before_reading(client):
    r = client.post("/documents", files=[("files", ("a.txt", "一、总则\n内容。".encode(), "text/plain"))])
    assert r.status_code == 401


def test_right_token_is_accepted(client):
    auth = {"Authorization": f"Bearer {TOKEN}"}
    assert client.get("/admin/check", headers=auth).json() == {"admin": True}
    r = client.post("/admin/reload", headers=auth)
    assert r.status_code == 200 and r.json()["counts"]["documents"] == 5
    assert client.get("/jobs/nope", headers=auth).status_code == 404
    assert client.delete("/documents/nope", headers=auth).status_code == 404


def test_no_token_configured_disables_admin_endpoints(fake_engine, fake_index_dir, monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    client = TestClient(create_app(index_dir=fake_index_dir, engine=fake_engine))
    for method, path in ADMIN_CALLS:
        for headers in ({}, {"Authorization": "Bearer "}, {"Authorization": "Bearer anything"}):
            r = getattr(client, method)(path, headers=headers)
            assert r.status_code == 403 and "disabled" in r.json()["detail"], (path, headers)
    assert client.get("/search", params={"q": "科技"}).status_code == 200


def test_token_from_the_environment(fake_engine, monkeypatch):
    monkeypatch.setenv(ENV_VAR, f"  {TOKEN}\n")
    client = TestClient(create_app(engine=fake_engine))
    assert client.get("/admin/check", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
    assert client.get("/admin/check", headers={"Authorization": "Bearer other"}).status_code == 401


def test_token_file(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_VAR, "from-env")
    f = tmp_path / "token"
    f.write_text(TOKEN + "\n")
    assert load_admin_token(f) == TOKEN  # the file wins
    assert load_admin_token() == "from-env"
    f.write_text("  \n")
    with pytest.raises(TokenConfigError, match="empty"):
        load_admin_token(f)
    with pytest.raises(TokenConfigError, match="cannot read"):
        load_admin_token(tmp_path / "missing")
    assert load_admin_token(environ={}) is None


def test_security_headers_on_every_kind_of_response(client):
    for path in ("/", "/static/app.js", "/health", "/search?q=科技", "/nope", "/docs"):
        r = client.get(path)
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "default-src 'self'" in csp
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "same-origin"


def test_pages_have_no_inline_scripts(client):
    import re

    for path in ("/", "/docs"):
        html = client.get(path).text
        scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
        assert scripts and all('src="' in attrs and not body.strip() for attrs, body in scripts), path
        assert " on" not in re.sub(r"<script.*?</script>", "", html).lower().replace(" one", "")


def test_health_says_ok_with_counts_and_no_paths(client, fake_index_dir):
    r = client.get("/health")
    body = r.json()
    assert body["status"] == "ok" and body["format_version"] == FORMAT_VERSION
    assert body["counts"]["documents"] == 5 and body["rows"] > 0
    assert str(fake_index_dir.parent) not in r.text and "/tmp" not in r.text and "manifest" not in body


def test_serve_warns_on_all_interfaces_without_token(fake_index_dir, tmp_path, monkeypatch, capsys):
    import uvicorn

    served = []
    monkeypatch.setattr(uvicorn.Server, "run",
                        lambda self, *a, **kw: served.append((self.config.app, {"host": self.config.host})))
    monkeypatch.delenv(ENV_VAR, raising=False)
    assert main(["serve", "--index", str(fake_index_dir), "--host", "0.0.0.0"]) == 0
    err = capsys.readouterr().err
    assert "warning: no admin token" in err and "0.0.0.0" in err
    assert served[0][1]["host"] == "0.0.0.0" and served[0][0].state.admin_token is None
    # Local only: no warning. With a token file: none either, and the token is used.
    assert main(["serve", "--index", str(fake_index_dir)]) == 0
    assert "warning" not in capsys.readouterr().err
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN)
    assert main(["serve", "--index", str(fake_index_dir), "--host", "0.0.0.0", "--admin-token-file",
                 str(token_file)]) == 0
    assert "warning" not in capsys.readouterr().err and served[-1][0].state.admin_token == TOKEN
    token_file.write_text("")
    assert main(["serve", "--index", str(fake_index_dir), "--admin-token-file", str(token_file)]) == 2
    assert "empty" in capsys.readouterr().err
