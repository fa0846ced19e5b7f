"""Schema creation, version checks and upgrades with the bundled Alembic migrations.

A new database gets its tables by running every migration; an existing one is checked
against the newest bundled revision (the "head"). Creation and upgrades hold a lock so that
many workers starting at once on an empty database create the tables exactly once:
``pg_advisory_xact_lock`` on PostgreSQL, ``GET_LOCK`` on MySQL/MariaDB and the write lock
(``BEGIN IMMEDIATE``) on SQLite.
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Iterator

import sqlalchemy
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine

from albacore.exceptions import StorageInternalError
from albacore.storages._rdb._models import VERSION_TABLE, studies

_SCRIPT_LOCATION = os.path.join(os.path.dirname(os.path.abspath(__file__)), "alembic")
_PG_LOCK_KEY = 0x616C6261  # "alba"
_MYSQL_LOCK_NAME = "albacore_schema"
_MYSQL_LOCK_TIMEOUT_S = 120


@functools.lru_cache(maxsize=1)
def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", _SCRIPT_LOCATION)
    return config


@functools.lru_cache(maxsize=1)
def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(_config())


def head_version() -> str:
    """The newest schema revision this albacore knows."""
    head = _scripts().get_current_head()
    assert head is not None
    return head


def all_versions() -> list[str]:
    """Every bundled revision, oldest first."""
    return [script.revision for script in reversed(list(_scripts().walk_revisions()))]


def current_version(conn: Connection) -> str | None:
    """The database's schema revision (None when albacore's tables do not exist)."""
    context = MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE})
    return context.get_current_revision()


def _has_tables(conn: Connection) -> bool:
    return sqlalchemy.inspect(conn).has_table(studies.name)


@contextlib.contextmanager
def _schema_lock(engine: Engine) -> Iterator[Connection]:
    """A connection in a transaction that holds the schema lock until after it commits."""
    dialect = engine.dialect.name
    mysql = dialect in ("mysql", "mariadb")
    with engine.connect() as conn:
        if dialect == "sqlite":
            conn = conn.execution_options(albacore_write=True)
        if mysql:  # a session lock, released only after the transaction committed
            got = conn.execute(
                sqlalchemy.text("SELECT GET_LOCK(:name, :timeout)"),
                {"name": _MYSQL_LOCK_NAME, "timeout": _MYSQL_LOCK_TIMEOUT_S},
            ).scalar()
            conn.commit()
            if got != 1:
                raise StorageInternalError(
                    f"RDBStorage: timed out after {_MYSQL_LOCK_TIMEOUT_S}s waiting for another "
                    f"process to finish creating or upgrading the schema"
                )
        try:
            with conn.begin():
                if dialect == "postgresql":
                    conn.execute(sqlalchemy.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
                yield conn
        finally:
            if mysql:
                conn.execute(sqlalchemy.text("SELECT RELEASE_LOCK(:name)"), {"name": _MYSQL_LOCK_NAME})
                conn.commit()


def _upgrade_on(conn: Connection) -> None:
    config = _config()
    config.attributes["connection"] = conn
    try:
        command.upgrade(config, "head")
    finally:
        config.attributes.pop("connection", None)


def create_if_missing(engine: Engine) -> None:
    """Create albacore's tables by running the migrations, unless they exist."""
    with engine.connect() as conn:
        if current_version(conn) is not None:
            return
    with _schema_lock(engine) as conn:
        if current_version(conn) is not None:
            return  # another process created them while we waited for the lock
        if _has_tables(conn):
            raise StorageInternalError(
                f"RDBStorage: table {studies.name!r} exists but {VERSION_TABLE!r} records no schema "
                f"revision; the database was not created by albacore or is damaged"
            )
        _upgrade_on(conn)


def check_version(engine: Engine, url_text: str) -> None:
    """Raise a clear error if the database's schema is not the one this code expects."""
    with engine.connect() as conn:
        current = current_version(conn)
    head = head_version()
    if current == head:
        return
    if current is None:
        raise StorageInternalError(
            f"RDBStorage: the database at {url_text!r} has no albacore tables (created with "
            f"skip_table_creation=True?); create them with: albacore storage upgrade --storage '{url_text}'"
        )
    if current in all_versions():
        raise StorageInternalError(
            f"RDBStorage: the database schema is at revision {current!r} but this albacore needs "
            f"{head!r}; back up the database, then run: albacore storage upgrade --storage '{url_text}'"
        )
    raise StorageInternalError(
        f"RDBStorage: the database schema revision {current!r} is newer than this albacore knows "
        f"(newest: {head!r}); upgrade albacore (pip install -U albacore), or pass "
        f"skip_compatibility_check=True at your own risk"
    )


def upgrade(engine: Engine) -> None:
    """Migrate the database to the newest schema (creating the tables if needed)."""
    with _schema_lock(engine) as conn:
        current = current_version(conn)
        if current is not None and current not in all_versions():
            raise StorageInternalError(
                f"RDBStorage.upgrade: the database schema revision {current!r} is newer than this "
                f"albacore knows (newest: {head_version()!r}); upgrade albacore instead"
            )
        if current is None and _has_tables(conn):
            raise StorageInternalError(
                f"RDBStorage.upgrade: table {studies.name!r} exists but records no schema revision; "
                f"the database was not created by albacore"
            )
        _upgrade_on(conn)


def current_version_of(engine: Engine) -> str | None:
    """The database's schema revision, using a connection of ``engine``."""
    with engine.connect() as conn:
        return current_version(conn)
