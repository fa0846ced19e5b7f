"""Behavioural twins: how Optuna and albacore turn a ``storage`` argument (a URL, a path, None,
a storage object) into a storage, and what a bad one raises."""

from __future__ import annotations

import pathlib
from typing import Any, Callable

import _twin
import optuna
import pytest

import albacore


def _names(m: Any, storage: Any) -> list[str]:
    return sorted(m.get_all_study_names(storage=storage))


def urls(m: Any, rec: _twin.Recorder, folder: pathlib.Path) -> None:
    db = f"sqlite:///{folder / 'urls.db'}"
    rec("None", lambda: type(m.create_study()._storage).__name__)
    rec("get_storage(None)", lambda: type(m.storages.get_storage(None)).__name__)
    rec("get_storage(sqlite URL)", lambda: type(m.storages.get_storage(db)).__name__)
    rec("create on a sqlite URL", lambda: m.create_study(storage=db, study_name="a").study_name)
    rec("load from the URL", lambda: m.load_study(storage=db, study_name="a").study_name)
    rec("names", lambda: _names(m, db))
    rec("an RDBStorage object", lambda: _names(m, m.storages.RDBStorage(db)))
    rec("RDBStorage.url", lambda: m.storages.RDBStorage(db).url == db)
    rec("RDBStorage.engine", lambda: type(m.storages.RDBStorage(db).engine).__name__)
    rec("a URL with a query", lambda: _names(m, db + "?timeout=10"))
    rec("sqlite in memory", lambda: m.create_study(storage="sqlite:///:memory:", study_name="mem").study_name)
    rec("sqlite://", lambda: m.create_study(storage="sqlite://", study_name="mem2").study_name)
    rec("a plain path", lambda: m.create_study(storage=str(folder / "plain.db")))
    rec("a pathlib.Path", lambda: m.create_study(storage=folder / "path.db"))
    rec("a number", lambda: m.create_study(storage=3))
    rec("an empty string", lambda: m.create_study(storage=""))
    rec("an unknown dialect", lambda: m.create_study(storage="nosuchdb://x/y"))
    rec("a driver that is not installed", lambda: m.create_study(storage="postgresql+nosuchdriver://u@h/db"))
    rec("engine_kwargs", lambda: _names(m, m.storages.RDBStorage(db, engine_kwargs={"pool_pre_ping": True})))
    rec("engine_kwargs not a dict", lambda: m.storages.RDBStorage(db, engine_kwargs=3))
    rec("a bad engine kwarg", lambda: m.storages.RDBStorage(db, engine_kwargs={"no_such_option": 1}))
    rec("skip_compatibility_check", lambda: _names(m, m.storages.RDBStorage(db, skip_compatibility_check=True)))
    rec("heartbeat_interval 0", lambda: m.storages.RDBStorage(db, heartbeat_interval=0))
    rec("grace_period without heartbeat", lambda: m.storages.RDBStorage(db, grace_period=10))


def journals(m: Any, rec: _twin.Recorder, folder: pathlib.Path) -> None:
    path = str(folder / "journal.log")
    journal = m.storages.journal
    rec("JournalFileBackend", lambda: m.create_study(
        storage=m.storages.JournalStorage(journal.JournalFileBackend(path)), study_name="j").study_name)
    rec("read back", lambda: _names(m, m.storages.JournalStorage(journal.JournalFileBackend(path))))
    rec("a folder as the file", lambda: m.storages.JournalStorage(journal.JournalFileBackend(str(folder))))
    rec("a file in a missing folder", lambda: m.storages.JournalStorage(
        journal.JournalFileBackend(str(folder / "missing" / "j.log"))))
    rec("a journal path as URL", lambda: m.create_study(storage=path))


SCENARIOS: dict[str, Callable[[Any, _twin.Recorder, pathlib.Path], None]] = {"urls": urls, "journals": journals}

_MESSAGE = (
    "albacore raises ValueError naming the storage argument and the URLs it accepts; Optuna "
    "lets SQLAlchemy's error through"
)
# scenario -> step label -> why albacore's outcome differs on purpose (README, "Differences from Optuna").
DIFFERENT: dict[str, dict[str, str]] = {
    "urls": {
        "get_storage(sqlite URL)": (
            "get_storage returns the RDBStorage itself (albacore caches finished trials inside it); "
            "Optuna wraps it in its private _CachedStorage, which is not an RDBStorage"
        ),
        "a plain path": _MESSAGE,
        "an empty string": _MESSAGE,
        "an unknown dialect": _MESSAGE,
        "a driver that is not installed": _MESSAGE,
        "a pathlib.Path": "albacore raises TypeError naming the accepted types; Optuna fails with AttributeError",
        "a number": "albacore raises TypeError naming the accepted types; Optuna fails with AttributeError",
        "grace_period without heartbeat": (
            "grace_period only acts with heartbeat_interval, so albacore rejects it alone (ValueError); "
            "Optuna ignores it"
        ),
    },
    "journals": {"a journal path as URL": _MESSAGE},
}


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_storage_arguments_behave_as_optuna(scenario: str, tmp_path: pathlib.Path) -> None:
    folders = {name: tmp_path / name for name in ("optuna", "albacore")}
    for folder in folders.values():
        folder.mkdir()
    expected = _twin.record(optuna, lambda m, rec: SCENARIOS[scenario](m, rec, folders["optuna"]))
    actual = _twin.record(albacore, lambda m, rec: SCENARIOS[scenario](m, rec, folders["albacore"]))
    _twin.assert_same(expected, actual, DIFFERENT.get(scenario, {}))
