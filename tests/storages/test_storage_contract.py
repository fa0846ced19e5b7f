"""Runs the storage contract kit against every storage albacore ships."""

from __future__ import annotations

import pytest

from albacore.storages import InMemoryStorage
from albacore.testing.storages import StorageContract


class TestInMemoryStorage(StorageContract):
    @pytest.fixture
    def storage(self):
        return InMemoryStorage()
