"""optimize(..., trial_timeout=...): a trial over its limit ends (PRUNED or FAIL) and its worker goes on."""

from __future__ import annotations

import math
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool

import pytest

import albacore
from albacore.exceptions import TrialTimeoutError
from albacore.storages import RDBStorage, RetryHeartbeatStaleTrialCallback
from albacore.storages.journal import JournalFileBackend, JournalStorage
from albacore.trial import TrialState

TIMED_OUT = "albacore:trial_timeout"
HANG = 1000.0  # seconds: far beyond any limit below; a trial that hangs this long is never waited for


def _sqlite(tmp_path, name: str, sampler: albacore.samplers.BaseSampler | None = None, **kwargs) -> albacore.Study:
    storage = RDBStorage(f"sqlite:///{tmp_path / 'study.db'}", **kwargs)
    return albacore.create_study(study_name=name, storage=storage, sampler=sampler)


def _journal(tmp_path, name: str) -> albacore.Study:
    # RandomSampler: a fresh worker's first trial imports nothing more, so it is far within the limit.
    return albacore.create_study(
        study_name=name,
        storage=JournalStorage(JournalFileBackend(tmp_path / "j.log")),
        sampler=albacore.samplers.RandomSampler(seed=1),
    )


def reporting_objective(trial: albacore.Trial) -> float:
    """Reports forever (every 20 ms) unless stopped by its limit."""
    for step in range(100_000):
        trial.report(float(step), step)
        time.sleep(0.02)
    return -1.0


def test_threads_stop_a_trial_at_its_next_report_pruned_with_its_last_value(tmp_path) -> None:
    study = _sqlite(tmp_path, "report")
    study.optimize(reporting_objective, n_trials=4, n_jobs=2, trial_timeout=0.3)
    trials = study.trials
    assert len(trials) == 4
    for t in trials:
        assert t.state == TrialState.PRUNED
        assert t.value == t.intermediate_values[t.last_step] == float(t.last_step)
        assert t.last_step >= 1
        assert t.system_attrs[TIMED_OUT] == 0.3


def slow_then_suggest(trial: albacore.Trial) -> float:
    if trial.number % 2 == 0:
        time.sleep(0.5)
    return trial.suggest_float("x", 0.0, 1.0)  # the check at suggest ends the slow trials


def test_threads_stop_a_trial_at_its_next_suggest_as_fail(tmp_path) -> None:
    study = _sqlite(tmp_path, "suggest")
    study.optimize(slow_then_suggest, n_trials=4, trial_timeout=0.3)
    states = [t.state for t in study.trials]
    assert states == [TrialState.FAIL, TrialState.COMPLETE, TrialState.FAIL, TrialState.COMPLETE]
    for t in study.trials:
        assert (TIMED_OUT in t.system_attrs) == (t.state == TrialState.FAIL)
        assert ("x" in t.params) == (t.state == TrialState.COMPLETE)


def swallows_the_timeout(trial: albacore.Trial) -> float:
    time.sleep(0.4)
    try:
        trial.suggest_float("x", 0.0, 1.0)
    except TrialTimeoutError as exc:
        assert "trial_timeout=0.3" in str(exc) and f"trial {trial.number} " in str(exc)
        return 1.0  # too late: the trial ran out, this value is dropped
    return 0.0


def returns_late(trial: albacore.Trial) -> float:
    time.sleep(0.4)
    return 2.0


@pytest.mark.parametrize("objective", [swallows_the_timeout, returns_late])
def test_a_value_returned_after_the_limit_is_dropped(objective) -> None:
    study = albacore.create_study()
    study.optimize(objective, n_trials=2, trial_timeout=0.3)
    assert [t.state for t in study.trials] == [TrialState.FAIL, TrialState.FAIL]
    assert all(t.value is None and t.system_attrs[TIMED_OUT] == 0.3 for t in study.trials)


def test_trials_within_the_limit_and_their_errors_are_untouched() -> None:
    def objective(trial: albacore.Trial) -> float:
        x = trial.suggest_float("x", 0.0, 1.0)
        trial.report(x, 0)
        if trial.number == 2:
            raise ZeroDivisionError("a real error")
        return x

    seen: list[int] = []
    study = albacore.create_study()
    with pytest.raises(ZeroDivisionError, match="a real error"):
        study.optimize(objective, n_trials=5, trial_timeout=30, callbacks=[lambda s, t: seen.append(t.number)])
    assert [t.state for t in study.trials] == [TrialState.COMPLETE, TrialState.COMPLETE, TrialState.FAIL]
    assert all(TIMED_OUT not in t.system_attrs for t in study.trials)
    assert seen == [0, 1, 2]


def test_a_caller_owned_thread_pool_gets_the_soft_limit() -> None:
    study = albacore.create_study()
    with ThreadPoolExecutor(max_workers=2) as threads:
        study.optimize(reporting_objective, n_trials=2, n_jobs=2, executor=threads, trial_timeout=0.3)
    assert [t.state for t in study.trials] == [TrialState.PRUNED, TrialState.PRUNED]
    assert all(t.value == float(t.last_step) for t in study.trials)


def retried_once(trial: albacore.Trial) -> float:
    if RetryHeartbeatStaleTrialCallback.retried_trial_number(trial) is None:
        time.sleep(0.4)  # the first attempt runs out; its retry does not
    return trial.suggest_float("x", 0.0, 1.0)


def test_a_timed_out_fail_trial_is_retried_as_a_dead_workers_trial(tmp_path) -> None:
    study = _sqlite(
        tmp_path,
        "retry",
        heartbeat_interval=1,
        heartbeat_stale_trial_callback=RetryHeartbeatStaleTrialCallback(max_retry=1),
    )
    study.optimize(retried_once, n_trials=2, trial_timeout=0.3)
    first, retry = study.trials
    assert first.state == TrialState.FAIL and first.system_attrs[TIMED_OUT] == 0.3
    assert retry.state == TrialState.COMPLETE
    assert RetryHeartbeatStaleTrialCallback.retried_trial_number(retry) == 0
    assert TIMED_OUT not in retry.system_attrs  # the retry is not marked timed out
    assert first.params == {} and retry.value == retry.params["x"]


def hangs_sometimes(trial: albacore.Trial) -> float:
    """Trial 1 reports then hangs, trial 3 hangs at once; the others finish at once."""
    trial.set_user_attr("pid", os.getpid())
    trial.set_user_attr("device", os.environ.get("ALBACORE_DEVICE"))
    x = trial.suggest_float("x", 0.0, 1.0)
    if trial.number == 1:
        trial.report(7.0, 0)
        time.sleep(HANG)
    if trial.number == 3:
        time.sleep(HANG)
    return x


def _check_hung_trials_ended(study: albacore.Study, n_trials: int) -> None:
    trials = study.trials
    assert len(trials) == n_trials
    assert trials[1].state == TrialState.PRUNED and trials[1].value == 7.0
    assert trials[3].state == TrialState.FAIL and trials[3].value is None
    for t in trials:
        if t.number in (1, 3):
            assert t.system_attrs[TIMED_OUT] == 1.0
        else:
            assert t.state == TrialState.COMPLETE and t.value == t.params["x"]
            assert TIMED_OUT not in t.system_attrs
    assert os.getpid() not in {t.user_attrs["pid"] for t in trials}


class RecordEnded:
    """A picklable callback writing each finished trial's number to a file (from any process)."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __call__(self, study: albacore.Study, trial: albacore.trial.FrozenTrial) -> None:
        with open(self.path, "a") as file:
            file.write(f"{trial.number}\n")


def test_process_executor_stops_and_replaces_a_hanging_worker(tmp_path) -> None:
    study = _sqlite(tmp_path, "process", albacore.samplers.RandomSampler(seed=0), heartbeat_interval=1)
    record = RecordEnded(str(tmp_path / "ended.txt"))
    study.optimize(
        hangs_sometimes, n_trials=7, n_jobs=2, executor="process", trial_timeout=1.0,
        devices=["cpu", "7"], callbacks=[record],
    )
    _check_hung_trials_ended(study, 7)
    with open(record.path) as file:
        ended = sorted(int(line) for line in file)
    assert ended == list(range(7))  # callbacks saw the stopped trials too
    # two workers at the start, one replacement per stopped trial
    assert len({t.user_attrs["pid"] for t in study.trials}) >= 3
    assert {t.user_attrs["device"] for t in study.trials} <= {"cpu", "7"}
    assert all(t.state.is_finished() for t in study.trials)


def failing(trial: albacore.Trial) -> float:
    trial.suggest_float("x", 0.0, 1.0)
    raise ZeroDivisionError("boom in a worker")


def test_process_executor_with_a_limit_still_raises_the_objectives_error(tmp_path) -> None:
    study = _journal(tmp_path, "error")
    with pytest.raises(ZeroDivisionError, match="boom in a worker"):
        study.optimize(failing, n_trials=4, n_jobs=1, executor="process", trial_timeout=5)
    assert [t.state for t in study.trials] == [TrialState.FAIL]
    study.optimize(failing, n_trials=3, n_jobs=2, executor="process", trial_timeout=5, catch=ZeroDivisionError)
    assert len(study.trials) == 4 and all(t.state == TrialState.FAIL for t in study.trials)


def dies(trial: albacore.Trial) -> float:
    trial.suggest_float("x", 0.0, 1.0)
    os._exit(3)  # a worker that dies by itself (a crash), not by its time limit


def test_process_executor_with_a_limit_reports_a_worker_that_died_by_itself(tmp_path) -> None:
    study = _journal(tmp_path, "dies")
    with pytest.raises(BrokenProcessPool, match=r"died \(exit code 3\)"):
        study.optimize(dies, n_trials=3, n_jobs=1, executor="process", trial_timeout=5)
    assert [t.state for t in study.trials] == [TrialState.FAIL]
    assert TIMED_OUT not in study.trials[0].system_attrs


def test_a_caller_owned_process_pool_runs_each_trial_in_a_child_it_can_stop(tmp_path) -> None:
    study = _journal(tmp_path, "pool")
    with ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context("spawn")) as pool:
        study.optimize(hangs_sometimes, n_trials=5, n_jobs=2, executor=pool, trial_timeout=1.0)
        assert pool.submit(os.getpid).result() > 0  # the pool's workers were not stopped
    _check_hung_trials_ended(study, 5)


def test_a_dask_cluster_runs_each_trial_in_a_child_it_can_stop(tmp_path) -> None:
    import distributed
    study = _journal(tmp_path, "dask")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with distributed.Client(cluster) as client:
            study.optimize(hangs_sometimes, n_trials=5, n_jobs=2, executor=client, trial_timeout=1.0)
    _check_hung_trials_ended(study, 5)


@pytest.mark.parametrize("bad", [0, -1, 0.0, -0.5, True, False, "1", [1], math.nan, math.inf])
def test_bad_trial_timeout_is_refused(bad) -> None:
    study = albacore.create_study()
    with pytest.raises(ValueError, match=r"optimize: trial_timeout must be .*got trial_timeout=") as info:
        study.optimize(returns_late, n_trials=1, trial_timeout=bad)
    assert repr(bad) in str(info.value)
    assert study.trials == []
