"""Who may read and write: tokens, loopback Host names, same-origin writes, read-only mode,
and storages that cannot be opened."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from typing import Any, Callable

import pytest

import albacore
from albacore.dashboard import create_app, run_server
from tests.dashboard.conftest import WRITE, free_port, quiet


@pytest.fixture
def url(tmp_path: Any) -> str:
    quiet()
    url = f"sqlite:///{tmp_path / 's.db'}"
    study = albacore.create_study(storage=url, study_name="s")
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    study.ask()
    return url


def _sid(url: str) -> int:
    return albacore.load_study(study_name="s", storage=url)._study_id


def test_a_loopback_server_refuses_other_host_names(url: str) -> None:
    from starlette.testclient import TestClient

    client = TestClient(create_app(url), base_url="http://evil.example:8080")
    response = client.get("/api/studies")
    assert response.status_code == 421 and "only to localhost names" in response.json()["error"]
    for host in ("127.0.0.1:8080", "localhost", "[::1]:8080"):
        assert client.get("/api/studies", headers={"Host": host}).status_code == 200, host


def test_a_token_is_checked_on_every_request(url: str) -> None:
    from starlette.testclient import TestClient

    client = TestClient(create_app(url, token="s3cret", loopback_only=False), base_url="http://10.1.2.3")
    for path in ("/", "/api/studies", "/static/app.js", "/static/plotly.min.js"):
        refused = client.get(path)
        assert refused.status_code == 401 and "a token is required" in refused.json()["error"], path
    assert client.get("/api/studies", params={"token": "wrong"}).status_code == 401
    assert client.get("/api/studies", headers={"Authorization": "Bearer s3cret"}).status_code == 200
    # ?token= once: a cookie is set and the token leaves the address bar
    first = client.get("/", params={"token": "s3cret", "x": "1"}, follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"] == "/?x=1"
    assert "HttpOnly" in first.headers["set-cookie"] and "SameSite=Strict" in first.headers["set-cookie"]
    assert client.get("/api/studies").status_code == 200  # the client kept the cookie
    assert client.put(f"/api/studies/{_sid(url)}/note", json={"note": "n"}, headers=WRITE).status_code == 200


def test_writes_must_come_from_the_page_itself(url: str, client_for: Callable[..., Any]) -> None:
    client = client_for(url)
    note = f"/api/studies/{_sid(url)}/note"
    no_header = client.put(note, json={"note": "x"})
    assert no_header.status_code == 403 and "missing X-Albacore-Dashboard header" in no_header.json()["error"]
    cross = client.put(note, json={"note": "x"}, headers={**WRITE, "Origin": "http://evil.example"})
    assert cross.status_code == 403 and "cross-site write refused" in cross.json()["error"]
    fetch_site = client.put(note, json={"note": "x"}, headers={**WRITE, "Sec-Fetch-Site": "cross-site"})
    assert fetch_site.status_code == 403
    same = client.put(note, json={"note": "ok"}, headers={**WRITE, "Origin": "http://127.0.0.1"})
    assert same.status_code == 200
    assert albacore.load_study(study_name="s", storage=url).system_attrs["dashboard:note"] == "ok"


def test_read_only_refuses_every_write(url: str, client_for: Callable[..., Any]) -> None:
    client = client_for(url, read_only=True)
    assert client.get("/api/meta").json()["read_only"] is True
    sid = _sid(url)
    for method, path, body in (
        ("PUT", f"/api/studies/{sid}/note", {"note": "x"}),
        ("PUT", f"/api/studies/{sid}/trials/0/note", {"note": "x"}),
        ("POST", f"/api/studies/{sid}/trials/2/tell", {"values": [1]}),
        ("DELETE", f"/api/studies/{sid}", {"confirm": "s"}),
    ):
        response = client.request(method, path, json=body, headers=WRITE)
        assert response.status_code == 403 and "read-only" in response.json()["error"], path
    study = albacore.load_study(study_name="s", storage=url)
    assert "dashboard:note" not in study.system_attrs and study.trials[2].state.name == "RUNNING"
    assert client.get(f"/api/studies/{sid}/trials").status_code == 200


def test_pages_carry_a_content_security_policy(url: str, client_for: Callable[..., Any]) -> None:
    page = client_for(url).get("/")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(("storage", "message"), [
    ("foo://bar", "cannot open storage 'foo://bar': storage URL 'foo://bar' is not supported"),
    ("/no/such/journal.log", "neither a storage URL (e.g. sqlite:///albacore.db) nor an existing journal file"),
    ("sqlite:////no/such/dir/x.db", "cannot open storage 'sqlite:////no/such/dir/x.db'"),
    ("", "storage must not be empty"),
])
def test_a_storage_that_cannot_be_opened_is_a_clear_value_error(storage: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        create_app(storage)


def test_bad_arguments(url: str) -> None:
    with pytest.raises(TypeError, match="storage must be a URL, a journal file path or a BaseStorage, got storage=3"):
        create_app(3)
    with pytest.raises(ValueError, match="token must be a non-empty string or None, got token=''"):
        create_app(url, token="")
    with pytest.raises(ValueError, match=r"run_server: port must be an int in \[0, 65535\], got port=70000"):
        run_server(url, port=70000)


def _get(address: str, headers: dict[str, str] | None = None) -> int:
    """The status of a GET, 0 when nothing listens yet (no proxy: the server is local)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(urllib.request.Request(address, headers=headers or {}), timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except urllib.error.URLError:
        return 0


def test_cli_beyond_localhost_generates_and_prints_a_token(url: str) -> None:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "albacore.cli", "dashboard", "--storage", url, "--host", "0.0.0.0", "--port", str(port)],
        stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        line = server.stderr.readline()
        found = re.search(rf"serving on http://0\.0\.0\.0:{port}/\?token=(\S+)", line)
        assert found, line
        token = found.group(1)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while _get(f"{base}/api/meta", {"Authorization": f"Bearer {token}"}) != 200:
            assert time.monotonic() < deadline and server.poll() is None
            time.sleep(0.2)
        assert _get(f"{base}/api/studies") == 401
        assert _get(f"{base}/api/studies", {"Authorization": "Bearer nope"}) == 401
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_cli_reports_a_bad_storage_and_exits_1() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "albacore.cli", "dashboard", "--storage", "/no/such/file.log"],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 1
    assert "albacore dashboard: error: dashboard: cannot open storage '/no/such/file.log'" in result.stderr
