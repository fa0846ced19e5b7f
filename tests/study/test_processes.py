"""optimize(executor="process"): trials in worker processes sharing one storage."""

from __future__ import annotations

import os
import time

import pytest

import albacore
from albacore.storages.journal import JournalFileBackend, JournalStorage
from albacore.study import MaxTrialsCallback
from albacore.trial import TrialState


def sleepy_objective(trial: albacore.Trial) -> float:
    x = trial.suggest_float("x", -5, 5)
    trial.set_user_attr("pid", os.getpid())
    time.sleep(0.05)
    return x**2


def waiting_objective(trial: albacore.Trial) -> float:
    """Sets its pid, then waits (up to 60 s) until trials of two processes have started."""
    x = trial.suggest_float("x", -5, 5)
    trial.set_user_attr("pid", os.getpid())
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        pids = {t.user_attrs.get("pid") for t in trial.study.get_trials(deepcopy=False)} - {None}
        if len(pids) >= 2:
            break
        time.sleep(0.05)
    return x**2


def failing_objective(trial: albacore.Trial) -> float:
    trial.suggest_float("x", 0, 1)
    raise ZeroDivisionError("boom in a worker")


def _journal_study(tmp_path, name: str) -> albacore.Study:
    storage = JournalStorage(JournalFileBackend(tmp_path / "j.log"))
    return albacore.create_study(study_name=name, storage=storage)


def test_two_processes_share_the_budget_and_the_study(tmp_path) -> None:
    study = _journal_study(tmp_path, "procs")
    study.optimize(waiting_objective, n_trials=16, n_jobs=2, executor="process")
    trials = study.trials
    assert [t.number for t in trials] == list(range(16))
    assert all(t.state == TrialState.COMPLETE for t in trials)
    assert all(t.value == t.params["x"] ** 2 for t in trials)
    pids = {t.user_attrs["pid"] for t in trials}
    assert len(pids) == 2 and os.getpid() not in pids
    assert len({t.params["x"] for t in trials}) == 16  # reseeded: the copies do not repeat


def test_callback_stop_stops_every_worker(tmp_path) -> None:
    study = _journal_study(tmp_path, "stop")
    study.optimize(sleepy_objective, timeout=60, n_jobs=2, executor="process", callbacks=[MaxTrialsCallback(5)])
    n_complete = len(study.get_trials(states=(TrialState.COMPLETE,)))
    assert 5 <= n_complete <= 6  # at most one trial per other worker was already running


def test_objective_error_is_raised_in_the_parent(tmp_path) -> None:
    study = _journal_study(tmp_path, "fail")
    with pytest.raises(ZeroDivisionError, match="boom in a worker"):
        study.optimize(failing_objective, n_trials=4, n_jobs=2, executor="process")
    trials = study.trials
    assert trials and all(t.state == TrialState.FAIL for t in trials)
    assert len(trials) <= 2


def test_in_memory_storage_cannot_be_shared() -> None:
    study = albacore.create_study()
    with pytest.raises(ValueError, match=r"executor='process'.*InMemoryStorage.*cannot be shared"):
        study.optimize(sleepy_objective, n_trials=2, n_jobs=2, executor="process")


def test_objective_must_be_picklable(tmp_path) -> None:
    study = _journal_study(tmp_path, "lambda")
    with pytest.raises(ValueError, match=r"optimize\(executor='process'\): func must be picklable"):
        study.optimize(lambda t: 0.0, n_trials=2, n_jobs=2, executor="process")
    assert study.trials == []


def test_unknown_executor(tmp_path) -> None:
    study = _journal_study(tmp_path, "executor")
    with pytest.raises(ValueError, match="optimize: executor must be 'thread' or 'process', got executor='gpu'"):
        study.optimize(sleepy_objective, n_trials=1, executor="gpu")


def dying_objective(trial: albacore.Trial) -> float:
    trial.suggest_float("x", 0, 1)
    os._exit(3)  # the worker process dies in the middle of the trial


def test_a_worker_process_that_dies_fails_its_trial_and_stops_optimize(tmp_path) -> None:
    from concurrent.futures.process import BrokenProcessPool

    study = _journal_study(tmp_path, "dies")
    with pytest.raises(BrokenProcessPool, match="terminated abruptly"):
        study.optimize(dying_objective, n_trials=4, n_jobs=1, executor="process")
    assert [t.state for t in study.trials] == [TrialState.FAIL]
