"""RDBStorage with several worker processes on SQLite, PostgreSQL and MariaDB."""

from __future__ import annotations

import multiprocessing
import uuid

import pytest
import sqlalchemy

import albacore
from albacore.storages import RDBStorage
from albacore.trial import TrialState


def _worker(url: str, study_name: str, n_trials: int) -> None:
    albacore.logging.set_verbosity(albacore.logging.WARNING)
    study = albacore.create_study(
        storage=url,
        study_name=study_name,
        load_if_exists=True,
        sampler=albacore.samplers.RandomSampler(),
    )
    study.optimize(lambda t: t.suggest_float("x", -10, 10) ** 2, n_trials=n_trials)


def _run_workers(url: str, n_workers: int = 4, n_trials: int = 50) -> None:
    study_name = f"concurrent-{uuid.uuid4().hex[:8]}"
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_worker, args=(url, study_name, n_trials)) for _ in range(n_workers)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=300)
    assert [w.exitcode for w in workers] == [0] * n_workers
    study = albacore.load_study(study_name=study_name, storage=RDBStorage(url))
    trials = study.get_trials()
    assert sorted(t.number for t in trials) == list(range(n_workers * n_trials))
    assert all(t.state == TrialState.COMPLETE for t in trials)
    assert all(t.value == pytest.approx(t.params["x"] ** 2) for t in trials)


def test_four_processes_share_a_new_sqlite_file(tmp_path) -> None:
    # The workers also race to create the schema and the study.
    _run_workers(f"sqlite:///{tmp_path / 'shared.db'}")


def test_four_processes_share_postgresql(postgres_url: str) -> None:
    _run_workers(postgres_url)


def test_four_processes_share_mariadb(mysql_url: str) -> None:
    _run_workers(mysql_url)


def test_unreachable_mysql_server_names_host_and_port() -> None:
    with pytest.raises(albacore.exceptions.StorageInternalError, match="mysql server at 127.0.0.1:1 "):
        RDBStorage("mysql+pymysql://root@127.0.0.1:1/test")


def test_connections_killed_by_the_server_are_replaced(postgres_url: str) -> None:
    storage = RDBStorage(postgres_url)
    study = albacore.create_study(storage=storage, sampler=albacore.samplers.RandomSampler(seed=0))
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    database = sqlalchemy.make_url(postgres_url).database
    admin = sqlalchemy.create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        killed = conn.execute(
            sqlalchemy.text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = :db AND pid <> pg_backend_pid()"
            ),
            {"db": database},
        ).scalar()
    admin.dispose()
    assert killed >= 1
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    assert [t.state for t in study.trials] == [TrialState.COMPLETE] * 4
    storage.remove_session()
