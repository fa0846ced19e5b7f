"""Database URLs, engines and transactions with retry.

One short transaction per storage operation, run by :class:`TransactionRunner`:

* SQLite: the driver runs in autocommit mode and albacore emits ``BEGIN IMMEDIATE`` for
  write transactions (``BEGIN`` for reads), so a writer takes the database lock up front
  instead of failing to upgrade a read lock ("database is locked"). Files use WAL (readers
  never block the writer), ``synchronous=NORMAL`` and a 60 s busy timeout; a lock error
  that still escapes is retried with backoff.
* PostgreSQL, MySQL/MariaDB: reads run on a second engine in autocommit mode (no BEGIN and
  COMMIT round trips; each read is one statement or a pair whose second half only adds
  data, see :mod:`albacore.storages._rdb._cache`). A connect timeout bounds how long an
  unreachable server takes to report, and deadlocks and serialization failures are retried.

A lost connection (database restarted, network blip, a pooled connection the server closed)
invalidates the pool and the transaction is retried with backoff on a new connection. That
is always safe when the connection was lost before COMMIT was sent (nothing was written);
when it was lost during COMMIT the outcome is unknown, so only idempotent operations are
retried. Any other driver error becomes :class:`StorageInternalError` carrying the driver's
message.
"""

from __future__ import annotations

import importlib.util
import os
import random
import threading
import time
import weakref
from typing import Any, Callable, TypeVar

import sqlalchemy
from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.pool import StaticPool

from albacore._imports import require
from albacore._validation import check_type
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
    check_type("RDBStorage", "url", url, str, "a str")
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
        parsed = parsed.set(
            drivername="postgresql" + (f"+{parsed.get_driver_name()}" if "+" in parsed.drivername else "")
        )
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


def create_engines(url: URL, engine_kwargs: dict[str, Any] | None) -> tuple[Engine, Engine]:
    """Create the engines of writes and of reads for ``url`` (one engine for SQLite)."""
    if url.get_backend_name() == "sqlite":
        engine = create_engine(url, engine_kwargs)
        return engine, engine
    kwargs = dict(engine_kwargs or {})
    if url.get_backend_name() == "postgresql":
        # Commits of this engine return before the WAL flush unless the transaction asks to be
        # durable (TransactionRunner.run); see there why nothing finished can be lost.
        connect_args = dict(kwargs.get("connect_args", {}))
        connect_args["options"] = (connect_args.get("options", "") + " -c synchronous_commit=off").strip()
        kwargs["connect_args"] = connect_args
    # Reads, and single idempotent statements (TransactionRunner.run's ``single``).
    read_kwargs = {**kwargs, "isolation_level": "AUTOCOMMIT"}
    return create_engine(url, kwargs), create_engine(url, read_kwargs)


def create_engine(url: URL, engine_kwargs: dict[str, Any] | None) -> Engine:
    """Create an engine for ``url`` with albacore's connection settings.

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
            create_private_sqlite_file(url)
    else:
        connect_args.setdefault("connect_timeout", CONNECT_TIMEOUT_S)
        if backend in ("mysql", "mariadb"):
            connect_args.setdefault("charset", "utf8mb4")
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


SQLITE_FILE_MODE = 0o600


def create_private_sqlite_file(url: URL) -> None:
    """Create the database file of a SQLite ``url`` readable by its owner only, if missing.

    SQLite would create it with mode 0o644 (under the usual umask), letting every local user
    read the study; its ``-wal`` and ``-shm`` files take the database file's mode. The umask
    still applies, so a stricter one wins. A file that exists keeps its mode: create it
    yourself (or ``chmod`` it) to share a database. URI file names (``?uri=true``) are left
    to SQLite.
    """
    if url.query.get("uri") in ("true", "1") or not url.database or url.database.startswith("file:"):
        return
    try:
        fd = os.open(url.database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, SQLITE_FILE_MODE)
    except (FileExistsError, FileNotFoundError, IsADirectoryError, PermissionError):
        return  # an existing file keeps its mode; SQLite reports a path it cannot open
    os.close(fd)


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
        # Reads run in autocommit mode; writes take the write lock up front.
        if conn.get_execution_options().get("albacore_write", False):
            conn.exec_driver_sql("BEGIN IMMEDIATE")


def _is_disconnect(exc: DBAPIError) -> bool:
    return bool(exc.connection_invalidated)


def _is_retryable(exc: DBAPIError) -> bool:
    message = str(exc.orig).lower()
    return any(fragment in message for fragment in _RETRYABLE_MESSAGES)


class _CommitFailed(Exception):
    """Wraps a driver error raised by COMMIT (whether the transaction committed is unknown)."""

    def __init__(self, error: DBAPIError) -> None:
        super().__init__(str(error))
        self.error = error


class TransactionRunner:
    """Runs a function in one database transaction, retrying what a retry can fix.

    Args:
        engine: The engine of write transactions.
        read_engine: The engine of reads (autocommit), possibly ``engine`` itself.
        serialize: Run one transaction at a time in this process (in-memory SQLite, whose
            single connection is shared by every thread).
    """

    def __init__(self, engine: Engine, read_engine: Engine, serialize: bool) -> None:
        self.engine = engine
        self.read_engine = read_engine
        self._lock: threading.RLock | None = threading.RLock() if serialize else None
        _RUNNERS.add(self)
        self._postgres = engine.dialect.name == "postgresql"
        self._autocommit_writes = read_engine is not engine

    def _after_fork(self) -> None:
        # The child must not use the parent's sockets: forget the pooled connections without
        # closing them (closing would end the parent's sessions too).
        self.engine.dispose(close=False)
        if self.read_engine is not self.engine:
            self.read_engine.dispose(close=False)
        if self._lock is not None:
            self._lock = threading.RLock()

    def dispose(self) -> None:
        """Close the pooled connections (they are reopened on demand)."""
        self.engine.dispose()
        if self.read_engine is not self.engine:
            self.read_engine.dispose()

    def run(
        self,
        operation: str,
        fn: Callable[[Connection], T],
        *,
        write: bool,
        idempotent: bool = True,
        durable: bool = True,
        single: bool = False,
    ) -> T:
        """Call ``fn(connection)`` inside a transaction and commit it.

        Args:
            operation: Name of the storage call, for messages.
            fn: The work; it may raise to roll back (its exception propagates unchanged).
            write: Whether the transaction writes (SQLite takes the write lock up front).
            idempotent: Whether running ``fn`` again after a commit whose outcome is unknown
                is harmless.
            durable: Whether COMMIT waits for the write to reach disk. On PostgreSQL, write
                connections run with ``synchronous_commit`` off and a durable transaction
                turns it on for itself; the write-ahead log is sequential, so a durable
                commit (the one finishing a trial) also flushes the non-durable ones before
                it (creating the trial, its parameters and attributes).
            single: ``fn`` is one idempotent, non-durable statement: on PostgreSQL and
                MySQL it runs in autocommit mode, saving the BEGIN and COMMIT round trips.

        Raises:
            StorageInternalError: On an error that retrying does not fix.
        """
        delay = _BACKOFF_START_S
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                return self._once(fn, write and not (single and self._autocommit_writes), durable)
            except (DBAPIError, _CommitFailed) as caught:
                exc = caught.error if isinstance(caught, _CommitFailed) else caught
                lost = _is_disconnect(exc)
                retry = _is_retryable(exc) or (lost and (idempotent or not isinstance(caught, _CommitFailed)))
                if not retry or attempt == MAX_ATTEMPTS:
                    raise StorageInternalError(f"RDBStorage.{operation} failed: {exc.orig}") from exc
                _logger.warning(
                    "RDBStorage.%s: %s; retrying in %.2fs (attempt %d of %d).",
                    operation,
                    str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else type(exc.orig).__name__,
                    delay,
                    attempt,
                    MAX_ATTEMPTS,
                )
                time.sleep(delay * (0.5 + random.random()))
                delay = min(delay * 2, _BACKOFF_CAP_S)
        raise AssertionError("unreachable")

    def _once(self, fn: Callable[[Connection], T], write: bool, durable: bool) -> T:
        if self._lock is not None:
            with self._lock:
                return self._transaction(fn, write, durable)
        return self._transaction(fn, write, durable)

    def _transaction(self, fn: Callable[[Connection], T], write: bool, durable: bool) -> T:
        if not write:
            with self.read_engine.connect() as conn:
                return fn(conn)
        with self.engine.connect() as conn:
            conn = conn.execution_options(albacore_write=True)
            transaction = conn.begin()
            try:
                if durable and self._postgres:
                    conn.exec_driver_sql("SET LOCAL synchronous_commit TO ON")
                result = fn(conn)
            except BaseException:
                transaction.rollback()
                raise
            try:
                transaction.commit()
            except DBAPIError as exc:
                raise _CommitFailed(exc) from exc
            return result


_RUNNERS: weakref.WeakSet[TransactionRunner] = weakref.WeakSet()


def _after_fork_in_child() -> None:
    for runner in list(_RUNNERS):
        runner._after_fork()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def connection_error(url: URL, exc: DBAPIError) -> StorageInternalError:
    """An error for a server that cannot be reached (naming host and port) or a SQLite file that
    cannot be opened as a database."""
    backend = url.get_backend_name()
    if backend == "sqlite":
        return StorageInternalError(f"RDBStorage: cannot open SQLite database {url.database!r}: {exc.orig}")
    default_port = 5432 if backend == "postgresql" else 3306
    return StorageInternalError(
        f"RDBStorage: cannot connect to the {backend} server at {url.host or 'localhost'}:"
        f"{url.port or default_port} (database {url.database!r}): {str(exc.orig).strip()}"
    )
