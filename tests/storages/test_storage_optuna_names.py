"""Optuna's parameter and attribute names on albacore's storages (RDBStorage.engine, journal)."""

from __future__ import annotations

import pickle

import pytest
import sqlalchemy as sa

import albacore
from albacore.storages import RDBStorage
from albacore.storages.journal import JournalFileBackend, JournalStorage


def test_rdb_engine_is_the_sqlalchemy_engine_of_the_storage_database(tmp_path) -> None:
    storage = RDBStorage(f"sqlite:///{tmp_path / 'a.db'}")
    albacore.create_study(storage=storage, study_name="s")
    assert isinstance(storage.engine, sa.engine.Engine)
    with storage.engine.connect() as conn:
        names = [row[0] for row in conn.execute(sa.text("SELECT study_name FROM albacore_studies"))]
    assert names == ["s"]


def test_rdb_engine_is_rebuilt_after_unpickling(tmp_path) -> None:
    storage = RDBStorage(f"sqlite:///{tmp_path / 'a.db'}")
    copy = pickle.loads(pickle.dumps(storage))
    assert isinstance(copy.engine, sa.engine.Engine)
    assert copy.engine is not storage.engine
    assert copy.engine.url == storage.engine.url


def test_journal_storage_and_file_backend_take_optunas_keyword_names(tmp_path) -> None:
    path = str(tmp_path / "j.log")
    storage = JournalStorage(log_storage=JournalFileBackend(file_path=path, lock_obj=None))
    albacore.create_study(storage=storage, study_name="s").optimize(lambda t: t.suggest_float("x", 0, 1), 2)
    again = JournalStorage(JournalFileBackend(path))
    assert len(albacore.load_study(study_name="s", storage=again).trials) == 2


def test_journal_file_backend_rejects_a_lock_object(tmp_path) -> None:
    with pytest.raises(TypeError, match=r"JournalFileBackend: lock_obj must be None .*got lock_obj='lock'"):
        JournalFileBackend(str(tmp_path / "j.log"), lock_obj="lock")  # type: ignore[arg-type]


def test_journal_storage_names_log_storage_on_bad_input() -> None:
    with pytest.raises(TypeError, match=r"JournalStorage: log_storage must be .*got log_storage=3"):
        JournalStorage(3)  # type: ignore[arg-type]
