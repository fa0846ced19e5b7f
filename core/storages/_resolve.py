"""Turning what a user passes as ``storage`` into a storage object."""

from __future__ import annotations

from typing import Callable

from albacore.storages._base import BaseStorage
from albacore.storages._in_memory import InMemoryStorage

# URL scheme prefix -> factory(url). Storage modules register here so that this module
# needs no knowledge of them (and `import albacore` loads no database driver).
_URL_FACTORIES: dict[str, Callable[[str], BaseStorage]] = {}


def register_url_scheme(prefix: str, factory: Callable[[str], BaseStorage]) -> None:
    """Let ``get_storage`` build a storage for URLs starting with ``prefix``."""
    _URL_FACTORIES[prefix] = factory


def get_storage(storage: str | BaseStorage | None) -> BaseStorage:
    """Return a storage for ``storage``.

    Args:
        storage: None for a new :class:`InMemoryStorage`, a storage object (returned as
            is), or a database URL such as ``"sqlite:///albacore.db"``.

    Raises:
        ValueError: If the URL's scheme is not supported.
        TypeError: If ``storage`` is of another type.
    """
    if storage is None:
        return InMemoryStorage()
    if isinstance(storage, BaseStorage):
        return storage
    if isinstance(storage, str):
        _load_url_storages()
        for prefix, factory in _URL_FACTORIES.items():
            if storage.startswith(prefix):
                return factory(storage)
        raise ValueError(
            f"storage URL {storage!r} is not supported; use a database URL such as "
            f"'sqlite:///albacore.db' or 'postgresql://user@host/db'"
        )
    raise TypeError(f"storage must be None, a URL string or a BaseStorage, got storage={storage!r}")


def _load_url_storages() -> None:
    """Import the storage modules that register URL schemes (lazily: they load drivers)."""
    import importlib

    for module in ("albacore.storages._rdb", "albacore.storages.journal"):
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
