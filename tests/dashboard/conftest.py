"""Storages for the dashboard tests (SQLite, PostgreSQL, journal file), an HTTP client on the
app, a live server in a thread, and headless Chromium (Debian's, driven by Playwright)."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any, Callable

import pytest

import albacore

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(params=["sqlite", "postgresql", "journal"])
def storage_url(request: pytest.FixtureRequest, tmp_path: Any) -> str:
    """A storage URL (or journal path) of each kind; PostgreSQL's database is shared by the
    session, so tests name their studies uniquely (see ``unique``)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'dashboard.db'}"
    if request.param == "postgresql":
        return request.getfixturevalue("postgres_url")
    path = tmp_path / "journal.log"
    path.touch()
    return str(path)


@pytest.fixture
def unique() -> Callable[[str], str]:
    """``unique("name")`` -> a study name no other test uses."""
    return lambda name: f"{name}-{uuid.uuid4().hex[:8]}"


def open_storage(url: str) -> Any:
    """The storage object a test writes through (the dashboard opens its own)."""
    from albacore.dashboard._storage import open_storage as open_

    return open_(url)


@pytest.fixture
def client_for() -> Callable[..., Any]:
    """``client_for(storage, **create_app_kwargs)`` -> a Starlette TestClient on 127.0.0.1."""
    from starlette.testclient import TestClient

    from albacore.dashboard import create_app

    def make(storage: Any, **kwargs: Any) -> Any:
        return TestClient(create_app(storage, **kwargs), base_url="http://127.0.0.1")

    return make


WRITE = {"X-Albacore-Dashboard": "1"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def live_server() -> Iterator[Callable[..., str]]:
    """``live_server(storage, **create_app_kwargs)`` -> base URL of a uvicorn server in a thread."""
    import uvicorn

    from albacore.dashboard import create_app

    servers: list[tuple[Any, threading.Thread]] = []

    def start(storage: Any, **kwargs: Any) -> str:
        port = free_port()
        server = uvicorn.Server(uvicorn.Config(create_app(storage, **kwargs), host="127.0.0.1", port=port,
                                               log_level="warning"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 30
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("the dashboard server did not start")
            time.sleep(0.02)
        servers.append((server, thread))
        return f"http://127.0.0.1:{port}"

    yield start
    for server, thread in servers:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """A headless Chromium browser (Debian's package; Playwright's own download is not used)."""
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"the browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


class Page:
    """A browser page that records console errors and uncaught exceptions."""

    def __init__(self, browser: Any) -> None:
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", lambda msg: self.errors.append(msg.text) if msg.type == "error" else None)
        self.page.on("pageerror", lambda exc: self.errors.append(f"uncaught: {exc}"))
        self.page.set_default_timeout(20_000)

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def page(chromium: Any) -> Iterator[Page]:
    one = Page(chromium)
    yield one
    one.close()


def quiet() -> None:
    albacore.logging.set_verbosity(albacore.logging.WARNING)
