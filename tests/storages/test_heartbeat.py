"""Heartbeats: beating while a trial runs, failing stale trials, retrying them."""

from __future__ import annotations

import threading
import time

import pytest

import albacore
from albacore.storages import RetryHeartbeatStaleTrialCallback, fail_stale_trials
from albacore.storages._heartbeat import _beaters
from albacore.storages.journal import JournalFileBackend, JournalStorage
from albacore.trial import TrialState


def _journal(tmp_path, **kwargs) -> JournalStorage:
    return JournalStorage(JournalFileBackend(tmp_path / "j.log"), **kwargs)


def _beats(storage: JournalStorage, trial_id: int) -> float | None:
    return storage._read().heartbeats.get(trial_id)


def test_ask_beats_until_tell(tmp_path) -> None:
    storage = _journal(tmp_path, heartbeat_interval=0.05)
    study = albacore.create_study(storage=storage)
    trial = study.ask()
    first = _beats(storage, trial._trial_id)
    assert first is not None
    time.sleep(0.3)
    assert _beats(storage, trial._trial_id) > first
    study.tell(trial, 1.0)
    assert (id(storage), trial._trial_id) not in _beaters
    n_records = storage._n_replayed
    time.sleep(0.2)
    storage._read()
    assert storage._n_replayed == n_records  # no more beats after tell


def test_optimize_beats_only_while_the_objective_runs(tmp_path) -> None:
    storage = _journal(tmp_path, heartbeat_interval=0.05, grace_period=0.2)
    study = albacore.create_study(storage=storage)
    other = albacore.load_study(study_name=study.study_name, storage=_journal(tmp_path))
    failed_by_other: list[int] = []

    def objective(trial: albacore.Trial) -> float:
        time.sleep(0.5)  # longer than the grace period: only beats keep it alive
        failed_by_other.extend(fail_stale_trials(_with_heartbeats(other, tmp_path)))
        return trial.suggest_float("x", 0, 1)

    study.optimize(objective, n_trials=2)
    assert failed_by_other == []
    assert [t.state for t in study.trials] == [TrialState.COMPLETE, TrialState.COMPLETE]
    assert not any(key[0] == id(storage) for key in _beaters)


def _with_heartbeats(study: albacore.Study, tmp_path) -> albacore.Study:
    storage = _journal(tmp_path, heartbeat_interval=0.05, grace_period=0.2)
    return albacore.load_study(study_name=study.study_name, storage=storage)


def test_stale_trial_is_failed_and_retried_by_the_next_ask(tmp_path) -> None:
    callback = RetryHeartbeatStaleTrialCallback()
    dead = _journal(tmp_path)  # a worker that creates a trial and dies: no beats at all
    study = albacore.create_study(study_name="stale", storage=dead)
    trial = study.ask()
    x = trial.suggest_float("x", 0, 10)
    trial.report(0.5, step=3)

    alive = _journal(tmp_path, heartbeat_interval=0.05, grace_period=0.3, heartbeat_stale_trial_callback=callback)
    survivor = albacore.load_study(study_name="stale", storage=alive)
    assert survivor.ask().number == 1  # trial 0 is not stale yet
    survivor.tell(1, 0.0)
    time.sleep(0.4)
    retry = survivor.ask()  # fails trial 0, enqueues its retry, and picks it up
    assert survivor.trials[0].state == TrialState.FAIL
    assert retry.number == 2
    assert retry.suggest_float("x", 0, 10) == x
    frozen = survivor.trials[2]
    assert RetryHeartbeatStaleTrialCallback.retried_trial_number(frozen) == 0
    assert RetryHeartbeatStaleTrialCallback.retry_history(frozen) == [0]
    assert frozen.intermediate_values == {}  # not inherited by default
    assert RetryHeartbeatStaleTrialCallback.retried_trial_number(survivor.trials[1]) is None
    survivor.tell(retry, x)


def test_retry_lineage_max_retry_and_intermediate_values(tmp_path) -> None:
    storage = _journal(
        tmp_path,
        heartbeat_interval=0.05,
        grace_period=0.1,
        heartbeat_stale_trial_callback=RetryHeartbeatStaleTrialCallback(max_retry=2, inherit_intermediate_values=True),
    )
    study = albacore.create_study(storage=storage)
    trial_id = storage.create_new_trial(study._study_id)  # never beats
    storage.set_trial_intermediate_value(trial_id, 1, 0.25)
    for expected_new in (1, 2):
        time.sleep(0.15)
        assert fail_stale_trials(study) == [expected_new - 1]
        waiting = study.get_trials(states=(TrialState.WAITING,))
        assert [t.number for t in waiting] == [expected_new]
        storage.set_trial_state_values(waiting[0]._trial_id, TrialState.RUNNING)  # claimed, then dies
    time.sleep(0.15)
    assert fail_stale_trials(study) == [2]
    assert study.get_trials(states=(TrialState.WAITING,)) == []  # max_retry=2 reached
    last = study.trials[2]
    assert RetryHeartbeatStaleTrialCallback.retry_history(last) == [0, 1]
    assert RetryHeartbeatStaleTrialCallback.retried_trial_number(last) == 1
    assert last.intermediate_values == {1: 0.25}


def test_only_one_worker_fails_a_stale_trial(tmp_path) -> None:
    storages = [_journal(tmp_path, heartbeat_interval=0.05, grace_period=0.1) for _ in range(4)]
    study = albacore.create_study(study_name="race", storage=storages[0])
    storages[0].create_new_trial(study._study_id)
    time.sleep(0.15)
    results: list[list[int]] = []
    barrier = threading.Barrier(4)

    def check(storage: JournalStorage) -> None:
        barrier.wait()
        results.append(fail_stale_trials(albacore.load_study(study_name="race", storage=storage)))

    threads = [threading.Thread(target=check, args=(s,)) for s in storages]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [[], [], [], [0]]


def test_without_heartbeats_nothing_is_stale(tmp_path) -> None:
    study = albacore.create_study(storage=_journal(tmp_path))
    study.ask()
    time.sleep(0.05)
    assert fail_stale_trials(study) == []
    memory_study = albacore.create_study()
    memory_study.ask()
    assert fail_stale_trials(memory_study) == []


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (
            {"heartbeat_interval": 0},
            ValueError,
            r"heartbeat_interval must be a positive number of seconds or None, got heartbeat_interval=0",
        ),
        ({"heartbeat_interval": "1"}, ValueError, r"heartbeat_interval must be .*got heartbeat_interval='1'"),
        (
            {"heartbeat_interval": 1, "grace_period": -2},
            ValueError,
            r"grace_period must be a positive number.*grace_period=-2",
        ),
        ({"grace_period": 5}, ValueError, r"grace_period and heartbeat_stale_trial_callback need heartbeat_interval"),
        (
            {"heartbeat_interval": 1, "heartbeat_stale_trial_callback": 3},
            TypeError,
            r"heartbeat_stale_trial_callback must be callable",
        ),
    ],
)
def test_bad_heartbeat_arguments(tmp_path, kwargs, error, match) -> None:
    with pytest.raises(error, match=f"JournalStorage: {match}"):
        _journal(tmp_path, **kwargs)


def test_grace_period_defaults_to_twice_the_interval(tmp_path) -> None:
    storage = _journal(tmp_path, heartbeat_interval=1.5)
    assert storage.get_heartbeat_interval() == 1.5
    assert storage._grace_period == 3.0


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"max_retry": -1}, ValueError, "max_retry must be a non-negative int or None, got max_retry=-1"),
        ({"max_retry": 1.5}, ValueError, "max_retry must be .*got max_retry=1.5"),
        ({"inherit_intermediate_values": "yes"}, TypeError, "inherit_intermediate_values must be a bool"),
    ],
)
def test_bad_retry_callback_arguments(kwargs, error, match) -> None:
    with pytest.raises(error, match=f"RetryHeartbeatStaleTrialCallback: {match}"):
        RetryHeartbeatStaleTrialCallback(**kwargs)


def test_optimize_survives_a_trial_failed_by_another_worker(tmp_path) -> None:
    storage = _journal(tmp_path, heartbeat_interval=0.05)
    study = albacore.create_study(storage=storage)
    other = _journal(tmp_path)  # a worker that judged this one's heartbeat stale

    def objective(trial: albacore.Trial) -> float:
        x = trial.suggest_float("x", 0, 1)
        if trial.number < 2:
            other.set_trial_state_values(trial._trial_id, TrialState.FAIL)
        if trial.number == 1:
            trial.report(0.5, step=1)  # raises: the trial has finished
        return x

    study.optimize(objective, n_trials=3)
    trials = study.trials
    assert [t.state for t in trials] == [TrialState.FAIL, TrialState.FAIL, TrialState.COMPLETE]
    assert trials[0].values is None and trials[1].intermediate_values == {}  # nothing late was written
