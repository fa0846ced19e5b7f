"""Runs the storage contract kit against every storage albacore ships."""

from __future__ import annotations

import pytest

from albacore.storages import InMemoryStorage, RDBStorage
from albacore.storages.journal import JournalFileBackend, JournalRedisBackend, JournalStorage
from albacore.testing.storages import StorageContract


class TestInMemoryStorage(StorageContract):
    shared_by_processes = False

    @pytest.fixture
    def storage(self):
        return InMemoryStorage()


class TestJournalFileStorage(StorageContract):
    @pytest.fixture
    def storage(self, tmp_path):
        return JournalStorage(JournalFileBackend(tmp_path / "journal.log"))


class TestJournalFileStorageWithSnapshots(StorageContract):
    """Snapshots every few records, and each test re-opens the journal from them."""

    @pytest.fixture
    def storage(self, tmp_path):
        return _ReopeningJournal(JournalFileBackend(tmp_path / "journal.log"), snapshot_interval=3)


class TestJournalRedisStorage(StorageContract):
    @pytest.fixture
    def storage(self, redis_url, redis_prefix):
        return JournalStorage(JournalRedisBackend(redis_url, prefix=redis_prefix))


class _ReopeningJournal(JournalStorage):
    """A journal that reads through a fresh copy (snapshot + log) on every read."""

    def _read(self):
        fresh = JournalStorage(self._backend, snapshot_interval=self._snapshot_interval)
        return fresh._read()


def _rdb_storage(url: str):
    storage = RDBStorage(url)
    yield storage
    for study in storage.get_all_studies():  # the server database is shared by the session
        storage.delete_study(study._study_id)
    storage.remove_session()


class TestRDBStorageSQLiteFile(StorageContract):
    @pytest.fixture
    def storage(self, tmp_path):
        yield from _rdb_storage(f"sqlite:///{tmp_path / 'contract.db'}")


class TestRDBStorageSQLiteMemory(StorageContract):
    shared_by_processes = False

    @pytest.fixture
    def storage(self):
        yield from _rdb_storage("sqlite://")


class TestRDBStoragePostgreSQL(StorageContract):
    @pytest.fixture
    def storage(self, postgres_url):
        yield from _rdb_storage(postgres_url)


class TestRDBStorageMariaDB(StorageContract):
    @pytest.fixture
    def storage(self, mysql_url):
        yield from _rdb_storage(mysql_url)
