"""RDBStorage beyond the storage contract: URLs, schema versions, errors, caching, heartbeats."""

from __future__ import annotations

import pickle
import re

import pytest
import sqlalchemy

import albacore
from albacore.distributions import FloatDistribution
from albacore.exceptions import StorageInternalError
from albacore.storages import RDBStorage
from albacore.storages._rdb import _schema
from albacore.storages._rdb._engine import parse_url
from albacore.trial import TrialState

MIN = [albacore.StudyDirection.MINIMIZE]


def _objective(trial: albacore.Trial) -> float:
    return trial.suggest_float("x", -10, 10) ** 2


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'albacore.db'}"


# --- URLs and connections -------------------------------------------------------------------------
def test_storage_url_string_is_accepted_and_a_rerun_continues_the_study(sqlite_url: str) -> None:
    sampler = albacore.samplers.RandomSampler(seed=0)
    study = albacore.create_study(storage=sqlite_url, study_name="quick", sampler=sampler)
    study.optimize(_objective, n_trials=3)
    again = albacore.create_study(storage=sqlite_url, study_name="quick", load_if_exists=True)
    again.optimize(_objective, n_trials=2)
    assert [t.number for t in again.trials] == [0, 1, 2, 3, 4]
    assert all(t.state == TrialState.COMPLETE for t in again.trials)


def test_default_drivers_are_chosen_by_what_is_installed() -> None:
    assert parse_url("postgresql://u@h/db").drivername == "postgresql+psycopg"
    assert parse_url("postgres://u@h/db").drivername == "postgresql+psycopg"
    assert parse_url("mysql://u@h/db").drivername == "mysql+pymysql"
    assert parse_url("sqlite:///x.db").drivername == "sqlite"


def test_malformed_url_raises_value_error() -> None:
    with pytest.raises(ValueError, match="not a valid database URL, got url='not a url'"):
        RDBStorage("not a url")


def test_unknown_dialect_raises_value_error() -> None:
    with pytest.raises(ValueError, match="unsupported database 'oracle'"):
        RDBStorage("oracle://scott:tiger@localhost/db")


def test_unknown_driver_raises_value_error() -> None:
    with pytest.raises(ValueError, match="unknown database driver 'postgresql\\+nosuchdriver'"):
        RDBStorage("postgresql+nosuchdriver://u@localhost/db")


def test_unreachable_server_names_host_and_port() -> None:
    with pytest.raises(StorageInternalError, match="cannot connect to the postgresql server at 127.0.0.1:1 "):
        RDBStorage("postgresql+psycopg://postgres@127.0.0.1:1/test")


def test_unopenable_sqlite_file_is_named(tmp_path) -> None:
    with pytest.raises(StorageInternalError, match="cannot open SQLite database .*missing-dir"):
        RDBStorage(f"sqlite:///{tmp_path / 'missing-dir' / 'x.db'}")


def test_a_file_that_is_not_a_database_is_named(tmp_path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("not a database, just notes\n" * 100)
    with pytest.raises(
        StorageInternalError, match=rf"cannot open SQLite database '{re.escape(str(path))}': file is not a database"
    ):
        albacore.create_study(storage=f"sqlite:///{path}")


def test_missing_study_is_named(sqlite_url: str) -> None:
    with pytest.raises(KeyError, match="no study named 'absent'"):
        albacore.load_study(study_name="absent", storage=sqlite_url)


def test_non_transient_error_carries_the_driver_message(sqlite_url: str) -> None:
    storage = RDBStorage(sqlite_url)
    with storage._runner.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE albacore_study_attrs")
    study_id = storage.create_new_study(MIN, "s")
    with pytest.raises(StorageInternalError, match="set_study_user_attr failed: no such table: albacore_study_attrs"):
        storage.set_study_user_attr(study_id, "k", 1)


def test_unserializable_attribute_raises_type_error(sqlite_url: str) -> None:
    storage = RDBStorage(sqlite_url)
    study_id = storage.create_new_study(MIN, "s")
    with pytest.raises(TypeError, match="set_study_user_attr: value of 'k' must be JSON-serializable"):
        storage.set_study_user_attr(study_id, "k", object())


def test_storage_pickles_and_the_copy_works(sqlite_url: str) -> None:
    storage = RDBStorage(sqlite_url)
    study_id = storage.create_new_study(MIN, "s")
    copy = pickle.loads(pickle.dumps(storage))
    trial_id = copy.create_new_trial(study_id)
    assert storage.get_trial(trial_id).number == 0


# --- schema versions ------------------------------------------------------------------------------
def test_new_database_is_at_head_and_upgrade_is_idempotent(sqlite_url: str) -> None:
    storage = RDBStorage(sqlite_url)
    assert storage.get_current_version() == storage.get_head_version() == storage.get_all_versions()[-1]
    storage.upgrade()
    assert storage.get_current_version() == storage.get_head_version()


def _set_version(url: str, version: str) -> None:
    engine = sqlalchemy.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"UPDATE albacore_alembic_version SET version_num = '{version}'")
    engine.dispose()


def test_newer_schema_gives_a_clear_error(sqlite_url: str) -> None:
    RDBStorage(sqlite_url)
    _set_version(sqlite_url, "v9999")
    with pytest.raises(
        StorageInternalError, match="'v9999' is newer than this albacore knows.*pip install -U albacore"
    ):
        RDBStorage(sqlite_url)
    assert RDBStorage(sqlite_url, skip_compatibility_check=True).get_current_version() == "v9999"


def test_older_schema_says_to_run_the_upgrade_command(sqlite_url: str, monkeypatch) -> None:
    RDBStorage(sqlite_url)
    monkeypatch.setattr(_schema, "head_version", lambda: "v0002")
    monkeypatch.setattr(_schema, "all_versions", lambda: ["v0001", "v0002"])
    with pytest.raises(
        StorageInternalError,
        match="at revision 'v0001' but this albacore needs 'v0002'.*albacore storage upgrade --storage 'sqlite:///",
    ):
        RDBStorage(sqlite_url)


def test_skip_table_creation_then_upgrade_creates_the_tables(sqlite_url: str) -> None:
    with pytest.raises(StorageInternalError, match="has no albacore tables.*albacore storage upgrade"):
        RDBStorage(sqlite_url, skip_table_creation=True)
    storage = RDBStorage(sqlite_url, skip_table_creation=True, skip_compatibility_check=True)
    storage.upgrade()
    assert storage.get_current_version() == storage.get_head_version()
    assert storage.create_new_study(MIN, "s") >= 0


# --- caching and freshness ------------------------------------------------------------------------
def test_a_second_process_view_sees_changes_of_unfinished_trials(sqlite_url: str) -> None:
    writer, reader = RDBStorage(sqlite_url), RDBStorage(sqlite_url)
    study_id = writer.create_new_study(MIN, "s")
    trial_id = writer.create_new_trial(study_id)
    assert reader.get_all_trials(study_id)[0].state == TrialState.RUNNING
    writer.set_trial_param(trial_id, "x", 0.5, FloatDistribution(0, 1))
    writer.set_trial_state_values(trial_id, TrialState.COMPLETE, [0.25])
    writer.create_new_trial(study_id)
    seen = reader.get_all_trials(study_id)
    assert [(t.number, t.state, t.params) for t in seen] == [
        (0, TrialState.COMPLETE, {"x": 0.5}),
        (1, TrialState.RUNNING, {}),
    ]
    assert reader.get_best_trial(study_id).values == [0.25]


def _statements_per_trial(storage: RDBStorage, study: albacore.Study) -> int:
    count = 0

    def on_execute(*_args: object) -> None:
        nonlocal count
        count += 1

    sqlalchemy.event.listen(storage._runner.engine, "before_cursor_execute", on_execute)
    try:
        study.optimize(lambda t: (t.suggest_float("x", 0, 1), len(t.study.get_trials(deepcopy=False)))[1], n_trials=1)
    finally:
        sqlalchemy.event.remove(storage._runner.engine, "before_cursor_execute", on_execute)
    return count


def test_database_work_per_trial_does_not_grow_with_the_study(sqlite_url: str) -> None:
    storage = RDBStorage(sqlite_url)
    study = albacore.create_study(storage=storage, sampler=albacore.samplers.RandomSampler(seed=1))
    study.optimize(_objective, n_trials=5)
    # The fewest statements over a few trials: a one-off (a new pooled connection) is not
    # per-trial work.
    early = min(_statements_per_trial(storage, study) for _ in range(3))
    study.add_trials(
        [
            albacore.trial.create_trial(params={"x": 0.5}, distributions={"x": FloatDistribution(0, 1)}, value=0.5)
            for _ in range(200)
        ]
    )
    study.get_trials(deepcopy=False)  # read the bulk-added trials once
    late = min(_statements_per_trial(storage, study) for _ in range(3))
    assert late <= early
    assert len(study.trials) == 211


# --- heartbeats -----------------------------------------------------------------------------------
def test_trials_that_stop_beating_become_stale(sqlite_url: str) -> None:
    import time

    storage = RDBStorage(sqlite_url, heartbeat_interval=1, grace_period=0.2)
    study_id = storage.create_new_study(MIN, "s")
    beating, silent = storage.create_new_trial(study_id), storage.create_new_trial(study_id)
    finished = storage.create_new_trial(study_id)
    storage.set_trial_state_values(finished, TrialState.COMPLETE, [1.0])
    assert storage._get_stale_trial_ids(study_id) == []
    time.sleep(0.4)
    storage.record_heartbeat(beating)
    storage.record_heartbeat(finished)  # ignored, not an error
    assert storage._get_stale_trial_ids(study_id) == [silent]
    assert storage.get_heartbeat_interval() == 1.0


def test_heartbeat_arguments_are_validated(sqlite_url: str) -> None:
    with pytest.raises(
        ValueError, match="heartbeat_interval must be a positive number of seconds or None, got heartbeat_interval=0"
    ):
        RDBStorage(sqlite_url, heartbeat_interval=0)
    with pytest.raises(ValueError, match="grace_period and heartbeat_stale_trial_callback need heartbeat_interval"):
        RDBStorage(sqlite_url, grace_period=5)
