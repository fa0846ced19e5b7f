"""Opening what ``--storage`` names: a database URL, a Redis URL, a journal file path, or a
storage object."""

from __future__ import annotations

import os
from typing import Any

from albacore.storages._base import BaseStorage


def open_storage(storage: Any) -> BaseStorage:
    """The storage that ``storage`` names, checked to be readable.

    Args:
        storage: A :class:`~albacore.storages.BaseStorage` (an in-memory storage works only
            inside the process that holds it), a database URL (``sqlite:///x.db``,
            ``postgresql+psycopg://...``), a Redis journal URL (``redis://...``), or the
            path of a journal file.

    Returns:
        The storage.

    Raises:
        TypeError: If ``storage`` is of another type.
        ValueError: If it names no storage that can be opened.
    """
    if isinstance(storage, BaseStorage):
        return storage
    if isinstance(storage, os.PathLike):
        storage = os.fspath(storage)
    if not isinstance(storage, str):
        raise TypeError(
            f"dashboard: storage must be a URL, a journal file path or a BaseStorage, got storage={storage!r}"
        )
    if not storage.strip():
        raise ValueError("dashboard: storage must not be empty, got storage=''")
    try:
        opened = _open(storage)
        opened.get_all_studies()  # fail here, with the URL in the message, not on the first page
    except (ValueError, KeyError, OSError, ImportError) as exc:
        raise ValueError(f"dashboard: cannot open storage {storage!r}: {_first_line(exc)}") from exc
    except Exception as exc:  # noqa: BLE001 - driver errors (sqlalchemy, redis) of every kind
        raise ValueError(
            f"dashboard: cannot open storage {storage!r}: {type(exc).__name__}: {_first_line(exc)}"
        ) from exc
    return opened


def _open(storage: str) -> BaseStorage:
    if storage.startswith(("redis://", "rediss://", "unix://")):
        from albacore.storages.journal import JournalRedisBackend, JournalStorage

        return JournalStorage(JournalRedisBackend(storage))
    if "://" in storage:
        from albacore.storages import get_storage

        return get_storage(storage)
    if not os.path.isfile(storage):
        raise ValueError("it is neither a storage URL (e.g. sqlite:///albacore.db) nor an existing journal file")
    from albacore.storages.journal import JournalFileBackend, JournalStorage

    return JournalStorage(JournalFileBackend(storage))


def _first_line(exc: BaseException) -> str:
    text = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
    lines = str(text).strip().splitlines()
    return lines[0] if lines else type(exc).__name__
