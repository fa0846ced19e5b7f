"""Telling an Optuna database or journal file from an albacore one."""

from __future__ import annotations

import json
import os
from typing import Any

IMPORT_HINT = "albacore storage import --from {source} --to NEW_ALBACORE_URL"

# Tables every Optuna 5.0 database has; albacore's own tables are prefixed with ``albacore_``.
OPTUNA_TABLES = frozenset({"studies", "study_directions", "trials", "trial_params", "trial_values", "version_info"})
ALBACORE_MARKER_TABLE = "albacore_studies"


def is_optuna_journal_head(head: bytes) -> bool:
    """Whether ``head`` (the start of a file) is the start of an Optuna journal file."""
    first = head.partition(b"\n")[0].strip()
    if not first.startswith(b'{"op_code":'):
        return False
    try:
        record = json.loads(first)
    except ValueError:
        return True  # a first record torn by a killed Optuna writer
    return isinstance(record, dict) and isinstance(record.get("op_code"), int) and "worker_id" in record


def is_optuna_table_set(tables: Any) -> bool:
    """Whether a database holding ``tables`` is an Optuna database (and not an albacore one)."""
    names = set(tables)
    return OPTUNA_TABLES <= names and ALBACORE_MARKER_TABLE not in names


def optuna_database_error(where: str) -> ValueError:
    """The error raised when an albacore storage is opened on an Optuna database."""
    return ValueError(
        f"{where} is an Optuna database, not an albacore storage; albacore does not write to it. "
        f"Import its studies into an albacore storage with `{IMPORT_HINT.format(source=where)}` "
        f"(or albacore.copy_study)"
    )


def optuna_journal_error(path: str) -> ValueError:
    """The error raised when an albacore journal storage is opened on an Optuna journal file."""
    return ValueError(
        f"{path!r} is an Optuna journal file, not an albacore journal; albacore does not write to it. "
        f"Import its studies into an albacore storage with `{IMPORT_HINT.format(source=path)}` "
        f"(or albacore.copy_study)"
    )


def _file_head(path: str) -> bytes | None:
    try:
        with open(path, "rb") as file:
            return file.read(4096)
    except OSError:
        return None


def _database_tables(url: str) -> set[str] | None:
    import sqlalchemy
    from sqlalchemy.exc import DBAPIError, NoSuchModuleError

    from albacore.storages._rdb._engine import parse_url

    try:
        parsed = parse_url(url)
    except ValueError:
        return None
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database in ("", ":memory:") or database.startswith("file:") or not os.path.isfile(database):
            return None  # opening it would create an empty database
    try:
        engine = sqlalchemy.create_engine(parsed)
    except (NoSuchModuleError, ImportError):
        return None
    try:
        with engine.connect() as conn:
            return set(sqlalchemy.inspect(conn).get_table_names())
    except DBAPIError:
        return None
    finally:
        engine.dispose()


def classify(source: str) -> tuple[str | None, str]:
    """``("journal", path)``, ``("rdb", url)`` or ``(None, source)`` for a non-Optuna source."""
    if source.startswith("journal://"):
        path = source[len("journal://"):]
        head = _file_head(path)
        return ("journal", path) if head is not None and is_optuna_journal_head(head) else (None, source)
    if "://" in source:
        tables = _database_tables(source)
        return ("rdb", source) if tables is not None and is_optuna_table_set(tables) else (None, source)
    head = _file_head(source)
    if head is None:
        return None, source
    if is_optuna_journal_head(head):
        return "journal", source
    if head.startswith(b"SQLite format 3\x00"):
        url = f"sqlite:///{os.path.abspath(source)}"
        tables = _database_tables(url)
        if tables is not None and is_optuna_table_set(tables):
            return "rdb", url
    return None, source


def is_optuna_source(source: object) -> bool:
    """Whether ``source`` is a string naming an Optuna database (URL) or journal file (path/URL)."""
    return isinstance(source, str) and classify(source)[0] is not None


def refuse_optuna_database(engine: Any, where: str) -> None:
    """Raise :func:`optuna_database_error` if ``engine``'s database is an Optuna one."""
    import sqlalchemy

    with engine.connect() as conn:
        tables = sqlalchemy.inspect(conn).get_table_names()
    if is_optuna_table_set(tables):
        raise optuna_database_error(where)
