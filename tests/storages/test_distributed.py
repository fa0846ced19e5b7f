"""Several worker processes on one study: no lost trials, gapless numbers, dead workers retried.

The RDB storages have the same tests in test_rdb*.py; these cover the journal storages.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from typing import Any

import pytest

import albacore
from albacore.samplers import RandomSampler
from albacore.storages import RetryHeartbeatStaleTrialCallback
from albacore.storages.journal import JournalFileBackend, JournalRedisBackend, JournalStorage
from albacore.trial import TrialState

N_WORKERS = 4
N_TRIALS_EACH = 50


def value_of(x: float, k: int) -> float:
    return (x - 1.0) ** 2 + k


def objective(trial: albacore.Trial) -> float:
    x = trial.suggest_float("x", -10, 10)
    k = trial.suggest_int("k", 0, 3)
    return value_of(x, k)


def _worker(storage: Any, study_name: str, n_trials: int) -> None:
    albacore.logging.set_verbosity(albacore.logging.WARNING)
    study = albacore.load_study(study_name=study_name, storage=storage, sampler=RandomSampler())
    study.optimize(objective, n_trials=n_trials)


def _workers(storage: Any, study_name: str) -> list[tuple]:
    return [(_worker, (storage, study_name, N_TRIALS_EACH))] * N_WORKERS


def _check_all_trials(storage: Any, study_name: str) -> None:
    trials = albacore.load_study(study_name=study_name, storage=storage).trials
    assert [t.number for t in trials] == list(range(N_WORKERS * N_TRIALS_EACH))
    assert all(t.state == TrialState.COMPLETE for t in trials)
    assert all(t.value == value_of(t.params["x"], t.params["k"]) for t in trials)


def test_four_processes_on_a_journal_file(tmp_path, run_in_processes) -> None:
    storage = JournalStorage(JournalFileBackend(tmp_path / "j.log"))
    albacore.create_study(study_name="dist-file", storage=storage)
    run_in_processes(_workers(storage, "dist-file"), timeout=120)
    _check_all_trials(JournalStorage(JournalFileBackend(tmp_path / "j.log")), "dist-file")


def test_four_processes_on_journal_redis(redis_url, redis_prefix, run_in_processes) -> None:
    storage = JournalStorage(JournalRedisBackend(redis_url, prefix=redis_prefix))
    albacore.create_study(study_name="dist-redis", storage=storage)
    run_in_processes(_workers(storage, "dist-redis"), timeout=120)
    _check_all_trials(JournalStorage(JournalRedisBackend(redis_url, prefix=redis_prefix)), "dist-redis")


# --- a worker killed with SIGKILL in the middle of a trial -------------------------------------


def hanging_objective(trial: albacore.Trial) -> float:
    trial.suggest_float("x", -10, 10)
    trial.set_user_attr("victim", True)
    with open(os.environ["ALBACORE_TEST_READY_FILE"], "w") as f:
        f.write(str(trial.number))
    time.sleep(120)  # killed long before this returns
    return 0.0


def quick_objective(trial: albacore.Trial) -> float:
    x = trial.suggest_float("x", -10, 10)
    time.sleep(0.2)
    return x**2


class StopOnceRetried:
    """Stops the survivors once the victim's retry has completed."""

    def __init__(self, victim_number: int) -> None:
        self._victim_number = victim_number

    def __call__(self, study: albacore.Study, trial: albacore.trial.FrozenTrial) -> None:
        for t in study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,)):
            if RetryHeartbeatStaleTrialCallback.retried_trial_number(t) == self._victim_number:
                study.stop()


def _victim(storage: Any, study_name: str, ready_file: str) -> None:
    os.environ["ALBACORE_TEST_READY_FILE"] = ready_file
    study = albacore.load_study(study_name=study_name, storage=storage)
    study.optimize(hanging_objective, n_trials=1)


def _heartbeat_storage(path) -> JournalStorage:
    return JournalStorage(
        JournalFileBackend(path),
        heartbeat_interval=1,
        grace_period=2.5,
        heartbeat_stale_trial_callback=RetryHeartbeatStaleTrialCallback(max_retry=1),
    )


@pytest.mark.timeout(180)
def test_killed_worker_trial_is_failed_and_retried_by_survivors(tmp_path) -> None:
    storage = _heartbeat_storage(tmp_path / "j.log")
    study = albacore.create_study(study_name="sigkill", storage=storage, sampler=RandomSampler(seed=0))
    ready = tmp_path / "ready"
    victim = multiprocessing.get_context("spawn").Process(target=_victim, args=(storage, "sigkill", str(ready)))
    victim.start()
    deadline = time.monotonic() + 60
    while not ready.exists() or not ready.read_text():
        assert time.monotonic() < deadline and victim.is_alive(), "the victim never started its trial"
        time.sleep(0.05)
    victim_number = int(ready.read_text())
    time.sleep(1.2)  # let it beat at least once more while running
    os.kill(victim.pid, signal.SIGKILL)
    victim.join()
    assert victim.exitcode == -signal.SIGKILL
    assert study.trials[victim_number].state == TrialState.RUNNING

    study.optimize(
        quick_objective, timeout=90, n_jobs=2, executor="process", callbacks=[StopOnceRetried(victim_number)]
    )

    trials = albacore.load_study(study_name="sigkill", storage=_heartbeat_storage(tmp_path / "j.log")).trials
    killed = trials[victim_number]
    assert killed.state == TrialState.FAIL and killed.user_attrs == {"victim": True}
    retries = [t for t in trials if RetryHeartbeatStaleTrialCallback.retried_trial_number(t) == victim_number]
    assert len(retries) == 1
    retry = retries[0]
    assert retry.state == TrialState.COMPLETE
    assert retry.params == killed.params and retry.value == killed.params["x"] ** 2
    assert RetryHeartbeatStaleTrialCallback.retry_history(retry) == [victim_number]
    assert [t.number for t in trials] == list(range(len(trials)))
    assert all(t.state == TrialState.COMPLETE for t in trials if t.number != victim_number)
