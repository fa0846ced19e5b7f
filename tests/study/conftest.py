"""Fixtures shared by the study tests."""

from __future__ import annotations

import pathlib
from typing import Callable

import pytest

from albacore.storages import BaseStorage, InMemoryStorage, JournalFileBackend, JournalStorage, RDBStorage

StorageFactory = Callable[[], BaseStorage]


@pytest.fixture(params=["memory", "sqlite", "journal"])
def make_storage(request: pytest.FixtureRequest, tmp_path: pathlib.Path) -> StorageFactory:
    """A factory of handles on one storage (several handles = several workers' views)."""
    if request.param == "memory":
        storage = InMemoryStorage()
        return lambda: storage
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'studies.db'}"
        return lambda: RDBStorage(url)
    path = tmp_path / "journal.log"
    return lambda: JournalStorage(JournalFileBackend(path))
