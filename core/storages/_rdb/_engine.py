"""Database URLs, engines and transactions with retry.

One short transaction per storage operation, run by :class:`TransactionRunner`:

* SQLite: the driver runs in autocommit mode and albacore emits ``BEGIN IMMEDIATE`` for
  write transactions (``BEGIN`` for reads), so a writer takes the database lock up front
  instead of failing to upgrade a read lock ("database is locked"). Files use WAL (readers
  never block the writer), ``synchronous=NORMAL`` and a 60 s busy timeout; a lock error
  that still escapes is retried with backoff.
* PostgreSQL, MySQL/MariaDB: ``pool_pre_ping`` replaces dead pooled connections, a connect
  timeout bounds how long an unreachable server takes to report, and deadlocks and
  serialization failures are retried.

A lost connection (database restarted, network blip) is retried with backoff when the
operation is idempotent; any other driver error becomes :class:`StorageInternalError`
carrying the driver's message.
"""

from __future__ import annotations

import importlib.util
import random
import threading
import time
from typing import Any, Callable, TypeVar

import sqlalchemy
from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError
from sqlalchemy.pool import StaticPool

from albacore._imports import require
from albacore.exceptions import StorageInternalError
from albacore.logging import get_logger

_logger = get_logger(__name__)

T = TypeVar("T")

CONNECT_TIMEOUT_S = 10
MAX_ATTEMPTS = 8
_BACKOFF_START_S = 0.05
_BACKOFF_CAP_S = 4.0

_DRIVER_EXTRA = {"psycopg": "postgresql", "psycopg2": "postgresql", "pymysql": "mysql"}

# Substrings (lower case) of driver messages for errors that a retry of the whole
# transaction fixes because the database rolled it back cleanly.
_RETRYABLE_MESSAGES = (
    "database is locked",
    "database table is locked",
    "deadlock",  # PostgreSQL 40P01, MySQL 1213
    "could not serialize access",  # PostgreSQL 40001
    "lock wait timeout exceeded",  # MySQL 1205
    "record has changed since last read",  # MariaDB snapshot isolation
)


def parse_url(url: str) -> URL:
    """Parse and normalize a storage URL (default drivers: psycopg 3 or psycopg2, PyMySQL).

    Raises:
        ValueError: If ``url`` is not a database URL albacore supports.
    """
    if not isinstance(url, str):
        raise TypeError(f"RDBStorage: url must be a str, got url={url!r}")
    try:
        parsed = sqlalchemy.make_url(url)
    except ArgumentError:
        raise ValueError(
            f"RDBStorage: url is not a valid database URL, got url={url!r}; expected e.g. "
            f"'sqlite:///albacore.db' or 'postgresql://user:password@host:5432/dbname'"
        ) from None
    backend = parsed.get_backend_name()
    if backend == "postgres":
        backend = "postgresql"
        parsed = parsed.set(drivername="postgresql" + (f"+{parsed.get_driver_name()}" if "+" in parsed.drivername else ""))
    if backend not in ("sqlite", "postgresql", "mysql", "mariadb"):
        raise ValueError(
            f"RDBStorage: unsupported database {backend!r} in url={url!r}; supported: "
            f"sqlite, postgresql, mysql, mariadb"
        )
    if "+" not in parsed.drivername:
        if backend == "postgresql" and importlib.util.find_spec("psycopg2") is None:
            parsed = parsed.set(drivername="postgresql+psycopg")
        elif backend in ("mysql", "mariadb") and importlib.util.find_spec("MySQLdb") is None:
            parsed = parsed.set(drivername=f"{backend}+pymysql")
    return parsed


def describe_url(url: URL) -> str:
    """The URL without its password, for messages."""
    return url.render_as_string(hide_password=True)


def is_memory_sqlite(url: URL) -> bool:
    """Whether ``url`` names an in-memory SQLite database."""
    return url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")


def create_engine(url: URL, engine_kwargs: dict[str, Any] | None) -> Engine:
    """Create the engine for ``url`` with albacore's connection settings.

    Raises:
        ImportError: If the URL's driver is not installed (naming the pip extra).
        ValueError: If the driver is unknown.
    """
    kwargs = dict(engine_kwargs or {})
    backend = url.get_backend_name()
    connect_args = dict(kwargs.pop("connect_args", {}))
    if backend == "sqlite":
        connect_args.setdefault("check_same_thread", False)
        connect_args.setdefault("timeout", 60)
        if is_memory_sqlite(url):
            kwargs.setdefault("poolclass", StaticPool)
    else:
        connect_args.setdefault("connect_timeout", CONNECT_TIMEOUT_S)
        if backend in ("mysql", "mariadb"):
            connect_args.setdefault("charset", "utf8mb4")
        kwargs.setdefault("pool_pre_ping", True)
    driver = url.get_driver_name()
    if driver in _DRIVER_EXTRA:
        require(driver, extra=_DRIVER_EXTRA[driver], feature=f"RDBStorage with {url.drivername!r}")
    try:
        engine = sqlalchemy.create_engine(url, connect_args=connect_args, **kwargs)
    except NoSuchModuleError:
        raise ValueError(
            f"RDBStorage: unknown database driver {url.drivername!r} in url={describe_url(url)!r}"
        ) from None
    if backend == "sqlite":
        _configure_sqlite(engine, memory=is_memory_sqlite(url))
    return engine


def _configure_sqlite(engine: Engine, memory: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # albacore emits BEGIN itself
        cursor = dbapi_connection.cursor()
        if not memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=60000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        write = conn.get_execution_options().get("albacore_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _is_disconnect(exc: DBAPIError) -> bool:
    return bool(exc.connection_invalidated)


def _is_retryable(exc: DBAPIError) -> bool:
    message = str(exc.orig).lower()
    return any(fragment in message for fragment in _RETRYABLE_MESSAGES)


class TransactionRunner:
    """Runs a function in one database transaction, retrying what a retry can fix.

    Args:
        engine: The engine.
        serialize: Run one transaction at a time in this process (in-memory SQLite, whose
            single connection is shared by every thread).
    """

    def __init__(self, engine: Engine, serialize: bool) -> None:
        self.engine = engine
        self._lock: threading.RLock | None = threading.RLock() if serialize else None

    def run(
        self, operation: str, fn: Callable[[Connection], T], *, write: bool, idempotent: bool = True
    ) -> T:
        """Call ``fn(connection)`` inside a transaction and commit it.

        Args:
            operation: Name of the storage call, for messages.
            fn: The work; it may raise to roll back (its exception propagates unchanged).
            write: Whether the transaction writes (SQLite takes the write lock up front).
            idempotent: Whether running ``fn`` twice is harmless, so that a lost connection
                (where the first attempt may or may not have committed) can be retried.

        Raises:
            StorageInternalError: On an error that retrying does not fix.
        """
        delay = _BACKOFF_START_S
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                return self._once(fn, write)
            except DBAPIError as exc:
                retry = _is_retryable(exc) or (idempotent and _is_disconnect(exc))
                if not retry or attempt == MAX_ATTEMPTS:
                    raise StorageInternalError(f"RDBStorage.{operation} failed: {exc.orig}") from exc
                _logger.warning(
                    "RDBStorage.%s: %s; retrying in %.2fs (attempt %d of %d).",
                    operation, str(exc.orig).strip().splitlines()[0], delay, attempt, MAX_ATTEMPTS,
                )
                time.sleep(delay * (0.5 + random.random()))
                delay = min(delay * 2, _BACKOFF_CAP_S)
        raise AssertionError("unreachable")

    def _once(self, fn: Callable[[Connection], T], write: bool) -> T:
        if self._lock is not None:
            with self._lock:
                return self._transaction(fn, write)
        return self._transaction(fn, write)

    def _transaction(self, fn: Callable[[Connection], T], write: bool) -> T:
        with self.engine.connect() as conn:
            if write:
                conn = conn.execution_options(albacore_write=True)
            with conn.begin():
                return fn(conn)


def connection_error(url: URL, exc: OperationalError) -> StorageInternalError:
    """An error for a server that cannot be reached, naming host and port."""
    backend = url.get_backend_name()
    if backend == "sqlite":
        return StorageInternalError(
            f"RDBStorage: cannot open SQLite database {url.database!r}: {exc.orig}"
        )
    default_port = 5432 if backend == "postgresql" else 3306
    return StorageInternalError(
        f"RDBStorage: cannot connect to the {backend} server at {url.host or 'localhost'}:"
        f"{url.port or default_port} (database {url.database!r}): {str(exc.orig).strip()}"
    )
