"""Database and Redis servers for the tests that need them (storages, pruners on shared
storages), and worker processes to run against them.

URLs come from ALBACORE_TEST_POSTGRES_URL, ALBACORE_TEST_MYSQL_URL and
ALBACORE_TEST_REDIS_URL. When one is unset or its server is unreachable, the tests that need
it skip, unless ALBACORE_REQUIRE_SERVICES=1, in which case they fail. Each test session works
in a database of its own (``albacore_test_<random>``, created here and dropped at the end),
so parallel runs never see each other's tables.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import uuid
from collections.abc import Iterator, Sequence
from typing import Any, Callable

import pytest


def _unavailable(message: str) -> None:
    if os.environ.get("ALBACORE_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{message} (ALBACORE_REQUIRE_SERVICES=1)")
    pytest.skip(message)


def _fresh_database(env_var: str) -> Iterator[str]:
    import sqlalchemy

    base = os.environ.get(env_var)
    if not base:
        _unavailable(f"{env_var} is not set")
    from albacore.storages._rdb._engine import parse_url

    url = parse_url(base)
    name = f"albacore_test_{uuid.uuid4().hex[:12]}"
    engine = sqlalchemy.create_engine(url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5})
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql(f"CREATE DATABASE {name}")
    except sqlalchemy.exc.OperationalError as exc:
        engine.dispose()
        _unavailable(f"{env_var}={base!r} is unreachable: {exc.orig}")
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with engine.connect() as conn:
            force = " WITH (FORCE)" if url.get_backend_name() == "postgresql" else ""
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}{force}")
        engine.dispose()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """URL of a fresh PostgreSQL database for this test session."""
    yield from _fresh_database("ALBACORE_TEST_POSTGRES_URL")


@pytest.fixture(scope="session")
def mysql_url() -> Iterator[str]:
    """URL of a fresh MySQL/MariaDB database for this test session."""
    yield from _fresh_database("ALBACORE_TEST_MYSQL_URL")


@pytest.fixture(scope="session")
def redis_url() -> str:
    """URL of the Redis server (ALBACORE_TEST_REDIS_URL); tests use unique key prefixes."""
    url = os.environ.get("ALBACORE_TEST_REDIS_URL")
    if not url:
        _unavailable("ALBACORE_TEST_REDIS_URL is not set")
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=5)
    try:
        client.ping()
    except redis.RedisError as exc:
        _unavailable(f"ALBACORE_TEST_REDIS_URL={url!r} is unreachable: {exc}")
    finally:
        client.close()
    return url


@pytest.fixture
def redis_prefix(redis_url: str) -> Iterator[str]:
    """A key prefix of this test's own; its keys are deleted afterwards."""
    import redis

    prefix = f"albacore-test-{uuid.uuid4().hex[:12]}:"
    yield prefix
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=f"{prefix}*"))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture
def run_in_processes() -> Callable[..., None]:
    """``run_in_processes(calls, start_method="spawn", timeout=180)``: start one process per
    ``(function, args)`` of ``calls``, all at once, wait up to ``timeout`` seconds for each,
    and fail unless every one exited with status 0."""

    def run(
        calls: Sequence[tuple[Callable[..., Any], tuple]], start_method: str = "spawn", timeout: float = 180
    ) -> None:
        context = multiprocessing.get_context(start_method)
        workers = [context.Process(target=function, args=args) for function, args in calls]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=timeout)
        assert [w.exitcode for w in workers] == [0] * len(workers)

    return run


class ListHandler(logging.Handler):
    """A logging handler that keeps every record it gets."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def messages(self, level: int | None = None) -> list[str]:
        return [r.getMessage() for r in self.records if level is None or r.levelno == level]


@pytest.fixture
def albacore_logs() -> Iterator[ListHandler]:
    """Records of the ``albacore`` logger, each captured once, at its default INFO level.

    Tests use this rather than pytest's ``caplog``, whose capture of a non-propagating logger
    changed in pytest 9.1 (it now attaches itself to such loggers, so it sees their records
    without propagation and twice with it).
    """
    handler = ListHandler()
    logger = logging.getLogger("albacore")
    level = logger.level
    logger.setLevel(logging.INFO)  # the default, whatever other tests left behind
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


@pytest.fixture
def root_logs() -> Iterator[ListHandler]:
    """Records that reach a handler on the root logger (what propagation controls)."""
    handler = ListHandler()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
