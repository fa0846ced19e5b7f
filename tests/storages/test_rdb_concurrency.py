"""RDBStorage with several worker processes on SQLite, PostgreSQL and MariaDB."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
import uuid
from typing import Callable

import pytest
import sqlalchemy

import albacore
from albacore.storages import RDBStorage, RetryHeartbeatStaleTrialCallback
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


def _run_workers(run_in_processes: Callable[..., None], url: str, n_workers: int = 4, n_trials: int = 50) -> None:
    study_name = f"concurrent-{uuid.uuid4().hex[:8]}"
    run_in_processes([(_worker, (url, study_name, n_trials))] * n_workers, start_method="fork", timeout=300)
    study = albacore.load_study(study_name=study_name, storage=RDBStorage(url))
    trials = study.get_trials()
    assert sorted(t.number for t in trials) == list(range(n_workers * n_trials))
    assert all(t.state == TrialState.COMPLETE for t in trials)
    assert all(t.value == pytest.approx(t.params["x"] ** 2) for t in trials)


def test_four_processes_share_a_new_sqlite_file(tmp_path, run_in_processes) -> None:
    # The workers also race to create the schema and the study.
    _run_workers(run_in_processes, f"sqlite:///{tmp_path / 'shared.db'}")


def test_four_processes_share_postgresql(postgres_url: str, run_in_processes) -> None:
    _run_workers(run_in_processes, postgres_url)


def test_four_processes_share_mariadb(mysql_url: str, run_in_processes) -> None:
    _run_workers(run_in_processes, mysql_url)


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


# --- a worker killed with SIGKILL mid-trial ---------------------------------------------------------
def _hang(url: str, study_name: str, ready_file: str) -> None:
    storage = RDBStorage(url, heartbeat_interval=0.5, grace_period=2)
    study = albacore.load_study(study_name=study_name, storage=storage)

    def objective(trial: albacore.Trial) -> float:
        trial.suggest_float("x", -10, 10)
        with open(ready_file, "w") as f:
            f.write(str(trial.number))
        time.sleep(300)  # killed long before
        return 0.0

    study.optimize(objective, n_trials=1)


def _kill_and_recover(url: str, tmp_path) -> None:
    storage = RDBStorage(
        url,
        heartbeat_interval=0.5,
        grace_period=2,
        heartbeat_stale_trial_callback=RetryHeartbeatStaleTrialCallback(max_retry=1),
    )
    study_name = f"sigkill-{uuid.uuid4().hex[:8]}"
    study = albacore.create_study(study_name=study_name, storage=storage, sampler=albacore.samplers.RandomSampler())
    ready = tmp_path / "ready"
    victim = multiprocessing.get_context("spawn").Process(target=_hang, args=(url, study_name, str(ready)))
    victim.start()
    deadline = time.monotonic() + 60
    while not (ready.exists() and ready.read_text()):
        assert time.monotonic() < deadline and victim.is_alive(), "the victim never started its trial"
        time.sleep(0.05)
    os.kill(victim.pid, signal.SIGKILL)
    victim.join()
    number = int(ready.read_text())
    assert study.trials[number].state == TrialState.RUNNING

    deadline = time.monotonic() + 60
    while study.trials[number].state == TrialState.RUNNING:  # the survivor's ask fails it once stale
        assert time.monotonic() < deadline, "the killed worker's trial was never failed"
        study.optimize(lambda t: t.suggest_float("x", -10, 10) ** 2, n_trials=1)
        time.sleep(0.2)
    study.optimize(lambda t: t.suggest_float("x", -10, 10) ** 2, n_trials=1)

    trials = study.trials
    killed = trials[number]
    retries = [t for t in trials if RetryHeartbeatStaleTrialCallback.retried_trial_number(t) == number]
    assert killed.state == TrialState.FAIL
    assert len(retries) == 1 and retries[0].state == TrialState.COMPLETE
    assert retries[0].params == killed.params
    assert [t.number for t in trials] == list(range(len(trials)))


@pytest.mark.timeout(180)
def test_killed_worker_trial_is_failed_and_retried_on_sqlite(tmp_path) -> None:
    _kill_and_recover(f"sqlite:///{tmp_path / 'kill.db'}", tmp_path)


@pytest.mark.timeout(180)
def test_killed_worker_trial_is_failed_and_retried_on_postgresql(postgres_url: str, tmp_path) -> None:
    _kill_and_recover(postgres_url, tmp_path)


def _optimize_inherited(storage: RDBStorage, study_name: str) -> None:
    study = albacore.load_study(study_name=study_name, storage=storage, sampler=albacore.samplers.RandomSampler())
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=5)


def test_a_forked_child_can_use_the_parents_storage(postgres_url: str) -> None:
    storage = RDBStorage(postgres_url)
    study = albacore.create_study(storage=storage, sampler=albacore.samplers.RandomSampler(seed=0))
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)  # the parent holds pooled connections
    child = multiprocessing.get_context("fork").Process(target=_optimize_inherited, args=(storage, study.study_name))
    child.start()
    child.join(timeout=120)
    assert child.exitcode == 0
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)  # the parent's sessions still work
    assert [t.number for t in study.trials] == list(range(9))
    assert all(t.state == TrialState.COMPLETE for t in study.trials)
    storage.remove_session()
