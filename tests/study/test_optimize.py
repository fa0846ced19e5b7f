"""study.optimize: budgets, threads, failures, pruning, callbacks, progress, reproducibility."""

from __future__ import annotations

import datetime
import gc
import logging
import math
import os
import re
import signal
import subprocess
import sys
import threading
import time
from typing import Any

import numpy as np
import pytest

import albacore
from albacore.samplers import RandomSampler, StartDecision
from albacore.study import MaxTrialsCallback
from albacore.trial import TrialState


def _study(**kwargs: Any) -> albacore.Study:
    kwargs.setdefault("sampler", RandomSampler(seed=0))
    return albacore.create_study(**kwargs)


def _quadratic(trial: albacore.Trial) -> float:
    return (trial.suggest_float("x", -10, 10) - 2) ** 2


def test_n_trials_runs_exactly_that_many_and_accumulates() -> None:
    study = _study()
    study.optimize(_quadratic, n_trials=7)
    assert [t.number for t in study.trials] == list(range(7))
    assert all(t.state == TrialState.COMPLETE for t in study.trials)
    study.optimize(_quadratic, n_trials=3)
    assert len(study.trials) == 10
    study.optimize(_quadratic, n_trials=0)
    assert len(study.trials) == 10


def test_finds_the_minimum_of_a_quadratic() -> None:
    study = _study()
    study.optimize(_quadratic, n_trials=100)
    assert abs(study.best_params["x"] - 2) < 1.0
    assert study.best_value == min(t.value for t in study.trials)


def test_conditional_search_space_trials_carry_only_the_params_they_used() -> None:
    def objective(trial):
        if trial.suggest_categorical("clf", ["svm", "rf"]) == "svm":
            c = trial.suggest_float("C", 1e-3, 1e3, log=True)
            return c
        return float(trial.suggest_int("depth", 2, 32))

    study = _study()
    study.optimize(objective, n_trials=30)
    kinds = set()
    for trial in study.trials:
        kinds.add(trial.params["clf"])
        expected = {"clf", "C"} if trial.params["clf"] == "svm" else {"clf", "depth"}
        assert set(trial.params) == expected == set(trial.distributions)
    assert kinds == {"svm", "rf"}


def test_same_seed_gives_the_same_params_sequence() -> None:
    def objective(trial):
        x = trial.suggest_float("x", -5, 5)
        if trial.suggest_categorical("branch", ["a", "b", "c"]) == "a":
            trial.suggest_int("n", 1, 100, log=True)
        trial.suggest_float("q", 0, 1, step=0.1)
        return x

    runs = []
    for seed in (3, 3, 4):
        study = albacore.create_study(sampler=RandomSampler(seed=seed))
        study.optimize(objective, n_trials=15)
        runs.append([t.params for t in study.trials])
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]


@pytest.mark.parametrize(
    "returned, reason",
    [
        (float("nan"), "returned NaN"),
        (None, "returned None"),
        ("0.5", "returned '0.5' of type str, not a number"),
        ([1.0, 2.0], r"returned 2 value\(s\) but the study has 1 objective\(s\)"),
        (True, "returned True of type bool, not a number"),
    ],
)
def test_invalid_return_values_mark_fail_with_a_warning_and_the_study_goes_on(returned, reason, albacore_logs) -> None:
    study = _study()
    calls = []

    def objective(trial):
        trial.suggest_float("x", 0, 1)
        calls.append(trial.number)
        return returned if trial.number == 0 else 1.0

    study.optimize(objective, n_trials=3)
    assert [t.state for t in study.trials] == [TrialState.FAIL, TrialState.COMPLETE, TrialState.COMPLETE]
    assert study.trials[0].values is None
    warnings = albacore_logs.messages(logging.WARNING)
    assert len(warnings) == 1
    assert warnings[0].startswith("Trial 0 failed:")
    assert re.search(reason, warnings[0])


def test_wrong_number_of_values_in_a_multi_objective_study_fails_the_trial(albacore_logs) -> None:
    study = _study(directions=["minimize", "minimize"])
    study.optimize(lambda t: (1.0,), n_trials=1)
    study.optimize(lambda t: (1.0, float("nan")), n_trials=1)
    study.optimize(lambda t: np.array([1.0, 2.0]), n_trials=1)
    assert [t.state for t in study.trials] == [TrialState.FAIL, TrialState.FAIL, TrialState.COMPLETE]
    assert study.trials[2].values == [1.0, 2.0]
    assert any("returned 1 value(s) but the study has 2 objective(s)" in m for m in albacore_logs.messages())


def test_numpy_and_infinite_values_are_valid() -> None:
    study = _study()
    study.optimize(lambda t: np.float32(0.5), n_trials=1)
    study.optimize(lambda t: np.array(1.5), n_trials=1)
    study.optimize(lambda t: float("inf"), n_trials=1)
    assert [t.values for t in study.trials] == [[0.5], [1.5], [math.inf]]


def test_an_exception_marks_fail_and_is_re_raised(albacore_logs) -> None:
    study = _study()

    def objective(trial):
        trial.suggest_float("x", 0, 1)
        if trial.number == 1:
            raise ZeroDivisionError("boom")
        return 0.0

    with pytest.raises(ZeroDivisionError, match="boom"):
        study.optimize(objective, n_trials=5)
    assert [t.state for t in study.trials] == [TrialState.COMPLETE, TrialState.FAIL]
    assert "x" in study.trials[1].params
    assert any("Trial 1 failed: ZeroDivisionError: boom" in m for m in albacore_logs.messages(logging.WARNING))


@pytest.mark.parametrize("catch", [(ValueError,), ValueError, [KeyError, ValueError]])
def test_caught_exceptions_mark_fail_and_the_study_goes_on(catch) -> None:
    study = _study()

    def objective(trial):
        if trial.number % 2 == 0:
            raise ValueError("even")
        return 1.0

    study.optimize(objective, n_trials=4, catch=catch)
    assert [t.state for t in study.trials] == [TrialState.FAIL, TrialState.COMPLETE] * 2


def test_exceptions_not_in_catch_still_propagate() -> None:
    study = _study()
    with pytest.raises(TypeError, match="not caught"):
        study.optimize(lambda t: (_ for _ in ()).throw(TypeError("not caught")), n_trials=3, catch=(ValueError,))
    assert [t.state for t in study.trials] == [TrialState.FAIL]


def test_trial_pruned_marks_pruned_and_keeps_the_last_reported_value(albacore_logs) -> None:
    study = _study()

    def objective(trial):
        for step in range(3):
            trial.report(10.0 - step, step)
        if trial.number == 0:
            raise albacore.TrialPruned()
        return 1.0

    study.optimize(objective, n_trials=2)
    pruned, complete = study.trials
    assert pruned.state == TrialState.PRUNED and pruned.value == 8.0
    assert pruned.intermediate_values == {0: 10.0, 1: 9.0, 2: 8.0}
    assert complete.state == TrialState.COMPLETE
    assert study.best_trial.number == 1  # pruned trials are never the best
    assert "Trial 0 pruned at step 2." in albacore_logs.messages(logging.INFO)


def test_pruned_without_reports_has_no_value() -> None:
    study = _study()
    study.optimize(lambda t: (_ for _ in ()).throw(albacore.TrialPruned()), n_trials=1)
    assert study.trials[0].state == TrialState.PRUNED and study.trials[0].values is None


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_keyboard_interrupt_marks_the_running_trial_fail_and_propagates(n_jobs: int) -> None:
    study = _study()

    def objective(trial):
        trial.suggest_float("x", 0, 1)
        if trial.number == 2:
            raise KeyboardInterrupt("stop now")
        # The other worker must not finish the remaining 17 trials while trial 2 is recorded.
        time.sleep(0.02)
        return 0.0

    with pytest.raises(KeyboardInterrupt, match="stop now"):
        study.optimize(objective, n_trials=20, n_jobs=n_jobs)
    states = {t.number: t.state for t in study.trials}
    assert states[2] == TrialState.FAIL
    assert TrialState.RUNNING not in states.values()
    assert len(states) < 20


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_timeout_stops_starting_new_trials(n_jobs: int) -> None:
    study = _study()
    start = datetime.datetime.now()

    def objective(trial):
        time.sleep(0.02)
        return 0.0

    study.optimize(objective, timeout=0.2, n_jobs=n_jobs)
    trials = study.trials
    assert len(trials) >= 2
    assert all(t.state == TrialState.COMPLETE for t in trials)
    # No trial started well after the deadline (slack for thread scheduling on a busy machine;
    # without the timeout the loop would go on for ever).
    assert max(t.datetime_start for t in trials) <= start + datetime.timedelta(seconds=1.2)


_CTRL_C_SCRIPT = """
import sys, time
import albacore
albacore.logging.set_verbosity(albacore.logging.WARNING)
study = albacore.create_study(storage=sys.argv[1], study_name="ctrl-c")

def objective(trial):
    x = trial.suggest_float("x", 0, 1)
    if trial.number == 2:
        print("running trial 2", flush=True)
        time.sleep(60)
    return x

study.optimize(objective, n_trials=10)
"""


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="sends SIGINT to a child process")
def test_ctrl_c_marks_the_running_trial_fail(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'ctrl_c.db'}"
    child = subprocess.Popen(
        [sys.executable, "-c", _CTRL_C_SCRIPT, url], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout.readline().strip() == "running trial 2"
        child.send_signal(signal.SIGINT)
        _, err = child.communicate(timeout=60)
    finally:
        child.kill()
    assert child.returncode != 0 and "KeyboardInterrupt" in err
    study = albacore.load_study(study_name="ctrl-c", storage=url)
    assert [t.state for t in study.trials] == [TrialState.COMPLETE, TrialState.COMPLETE, TrialState.FAIL]


def test_timeout_with_n_trials_stops_at_whichever_comes_first() -> None:
    study = _study()
    study.optimize(lambda t: 0.0, n_trials=5, timeout=60)
    assert len(study.trials) == 5


def test_n_jobs_runs_trials_in_parallel_threads() -> None:
    barrier = threading.Barrier(2, timeout=10)
    threads: set[str] = set()

    def objective(trial):
        threads.add(threading.current_thread().name)
        if trial.number < 2:
            barrier.wait()  # only returns if two trials run at the same time
        return trial.suggest_float("x", 0, 1)

    study = _study()
    study.optimize(objective, n_trials=12, n_jobs=2)
    assert len(study.trials) == 12
    assert sorted(t.number for t in study.trials) == list(range(12))
    assert all(t.state == TrialState.COMPLETE for t in study.trials)
    assert len(threads) == 2


def test_n_jobs_minus_one_uses_every_cpu() -> None:
    seen: set[str] = set()
    lock = threading.Lock()
    active = [0, 0]

    def objective(trial):
        with lock:
            seen.add(threading.current_thread().name)
            active[0] += 1
            active[1] = max(active[1], active[0])
        time.sleep(0.01)
        with lock:
            active[0] -= 1
        return 0.0

    study = _study()
    study.optimize(objective, n_trials=4 * (os.cpu_count() or 1), n_jobs=-1)
    assert len(study.trials) == 4 * (os.cpu_count() or 1)
    assert active[1] <= (os.cpu_count() or 1)
    assert len(seen) >= 1


def test_exception_in_a_thread_propagates_and_records_fail() -> None:
    study = _study()

    def objective(trial):
        if trial.number == 3:
            raise RuntimeError("thread boom")
        return 0.0

    with pytest.raises(RuntimeError, match="thread boom"):
        study.optimize(objective, n_trials=50, n_jobs=2)
    assert study.trials[3].state == TrialState.FAIL
    assert all(t.state.is_finished() for t in study.trials)


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        ({"n_trials": -1}, ValueError, r"optimize: n_trials must be a non-negative int or None, got n_trials=-1"),
        ({"n_trials": 2.5}, ValueError, r"got n_trials=2.5"),
        ({"timeout": -1}, ValueError, r"optimize: timeout must be a non-negative number or None, got timeout=-1"),
        ({"n_jobs": 0}, ValueError, r"optimize: n_jobs must be a positive int or -1, got n_jobs=0"),
        ({"n_jobs": -2}, ValueError, r"got n_jobs=-2"),
        ({"catch": (42,)}, TypeError, r"optimize: catch must hold exception classes, got 42 in catch=\(42,\)"),
        ({"catch": "ValueError"}, TypeError,
         r"optimize: catch must be an exception class or an iterable of them, got catch='ValueError'"),
        ({"catch": 42}, TypeError, r"optimize: catch must be an exception class or an iterable of them, got catch=42"),
        ({"callbacks": [42]}, TypeError, r"optimize: callbacks must be callables"),
    ],
)
def test_optimize_rejects_bad_arguments(kwargs, exc, match: str) -> None:
    study = _study()
    kwargs.setdefault("n_trials", 1)
    with pytest.raises(exc, match=match):
        study.optimize(_quadratic, **kwargs)
    assert study.trials == []


def test_optimize_rejects_a_non_callable_objective() -> None:
    with pytest.raises(TypeError, match=r"optimize: func must be callable, got func=3"):
        _study().optimize(3, n_trials=1)  # type: ignore[arg-type]


def test_nested_optimize_of_the_same_study_raises() -> None:
    study = _study()

    def objective(trial):
        study.optimize(lambda t: 0.0, n_trials=1)
        return 0.0

    with pytest.raises(RuntimeError, match=r"study.optimize cannot be called from inside optimize"):
        study.optimize(objective, n_trials=1)
    assert [t.state for t in study.trials] == [TrialState.FAIL]


# --- callbacks and stop ------------------------------------------------------------------------
def test_callbacks_see_each_finished_trial_in_order() -> None:
    seen: list[tuple[int, TrialState]] = []
    other: list[int] = []

    def objective(trial):
        if trial.number == 1:
            raise ValueError("caught")
        return 0.0

    study = _study()
    study.optimize(
        objective,
        n_trials=3,
        catch=(ValueError,),
        callbacks=[lambda s, t: seen.append((t.number, t.state)), lambda s, t: other.append(t.number)],
    )
    assert seen == [(0, TrialState.COMPLETE), (1, TrialState.FAIL), (2, TrialState.COMPLETE)]
    assert other == [0, 1, 2]


def test_stop_from_a_callback_ends_the_loop() -> None:
    def stop_at_three(study, trial):
        if trial.number == 2:
            study.stop()

    study = _study()
    study.optimize(_quadratic, n_trials=100, callbacks=[stop_at_three])
    assert len(study.trials) == 3
    # The stop request does not leak into the next optimize call.
    study.optimize(_quadratic, n_trials=2)
    assert len(study.trials) == 5


def test_stop_with_threads_lets_running_trials_finish() -> None:
    def stop_early(study, trial):
        study.stop()

    study = _study()
    study.optimize(_quadratic, n_trials=100, n_jobs=2, callbacks=[stop_early])
    assert 1 <= len(study.trials) <= 4
    assert all(t.state == TrialState.COMPLETE for t in study.trials)


def test_without_n_trials_or_timeout_optimize_runs_until_stopped() -> None:
    study = _study()
    study.optimize(_quadratic, callbacks=[MaxTrialsCallback(6, states=None)])
    assert len(study.trials) == 6


def test_callback_errors_propagate() -> None:
    def broken(study, trial):
        raise LookupError("callback broke")

    study = _study()
    with pytest.raises(LookupError, match="callback broke"):
        study.optimize(_quadratic, n_trials=5, callbacks=[broken])
    assert [t.state for t in study.trials] == [TrialState.COMPLETE]


def test_stop_outside_optimize_raises() -> None:
    with pytest.raises(RuntimeError, match=r"study.stop\(\) can only be called while study.optimize is running"):
        _study().stop()


def test_max_trials_callback_counts_the_whole_study() -> None:
    study = _study()
    study.optimize(_quadratic, n_trials=3)
    study.optimize(_quadratic, n_trials=100, callbacks=[MaxTrialsCallback(5)])
    assert len(study.trials) == 5


def test_max_trials_callback_counts_only_the_given_states() -> None:
    def objective(trial):
        if trial.number % 2:
            raise albacore.TrialPruned()
        return 0.0

    study = _study()
    study.optimize(objective, n_trials=100, callbacks=[MaxTrialsCallback(3, states=(TrialState.COMPLETE,))])
    assert len(study.get_trials(states=(TrialState.COMPLETE,))) == 3
    assert len(study.trials) == 5
    everything = _study()
    everything.optimize(objective, n_trials=100, callbacks=[MaxTrialsCallback(3, states=None)])
    assert len(everything.trials) == 3


def test_max_trials_callback_rejects_bad_n_trials() -> None:
    with pytest.raises(ValueError, match=r"MaxTrialsCallback: n_trials must be a non-negative int, got n_trials=-1"):
        MaxTrialsCallback(-1)


# --- gc and progress bar -------------------------------------------------------------------------
def test_gc_after_trial_collects_after_every_trial(monkeypatch) -> None:
    calls: list[int] = []
    monkeypatch.setattr(gc, "collect", lambda *a, **k: calls.append(1) or 0)
    study = _study()
    study.optimize(_quadratic, n_trials=3)
    assert calls == []
    study.optimize(_quadratic, n_trials=3, gc_after_trial=True)
    assert len(calls) == 3


def test_progress_bar_counts_trials(capsys) -> None:
    _study().optimize(_quadratic, n_trials=5, show_progress_bar=True)
    err = capsys.readouterr().err
    assert "5/5" in err and "best trial" in err


def test_progress_bar_by_time_when_only_a_timeout_is_given(capsys) -> None:
    _study().optimize(lambda t: time.sleep(0.05) or 0.25, timeout=1.5, show_progress_bar=True)
    err = capsys.readouterr().err
    # Seconds elapsed out of the timeout as given (not rounded to 2), and the best value.
    final = err.replace("\r", "\n").strip().splitlines()[-1]
    assert re.search(r"\| 1\.[45]/1\.5s, best trial \d+: 0\.25$", final), err


def test_no_progress_bar_by_default(capsys) -> None:
    albacore.logging.set_verbosity(albacore.logging.WARNING)
    try:
        _study().optimize(_quadratic, n_trials=3)
    finally:
        albacore.logging.set_verbosity(albacore.logging.INFO)
    assert capsys.readouterr().err == ""


class _Budget(albacore.samplers.RandomSampler):
    """Lets ``optimize`` start trials while a shared budget lasts (a stand-in for a grid)."""

    def __init__(self, budget: int) -> None:
        super().__init__(seed=0)
        self.budget = budget
        self.lock = threading.Lock()

    def can_start_trial(self, study: albacore.Study) -> StartDecision:
        with self.lock:
            if self.budget <= 0:
                return StartDecision.DONE
            self.budget -= 1
            return StartDecision.PROPOSE


@pytest.mark.parametrize("n_jobs", [1, 4])
def test_optimize_stops_when_the_sampler_has_nothing_to_start(n_jobs: int) -> None:
    study = albacore.create_study(sampler=_Budget(6))
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=100, n_jobs=n_jobs)
    assert len(study.trials) == 6


def test_threads_look_again_when_a_running_trial_finishes() -> None:
    """A sampler that says DONE does not end the loop while trials of the loop run."""
    sampler = _Budget(1)
    released = threading.Event()

    def objective(trial: albacore.Trial) -> float:
        if trial.number == 0:
            released.wait(timeout=5)  # the loop finds nothing meanwhile
            with sampler.lock:
                sampler.budget += 2  # e.g. a failed trial freed grid points
        return trial.suggest_float("x", 0, 1)

    def refuse_then_release(study: albacore.Study) -> StartDecision:
        decision = _Budget.can_start_trial(sampler, study)
        if decision is StartDecision.DONE:
            released.set()
        return decision

    sampler.can_start_trial = refuse_then_release  # type: ignore[method-assign]
    study = albacore.create_study(sampler=sampler)
    study.optimize(objective, n_trials=100, n_jobs=3)
    assert len(study.trials) == 3


class _WaitThenPropose(albacore.samplers.RandomSampler):
    """Says WAIT a few times (as if another worker's trial held the last point), then PROPOSE once."""

    def __init__(self, waits: int) -> None:
        super().__init__(seed=0)
        self.waits = waits
        self.proposed = False

    def can_start_trial(self, study: albacore.Study) -> StartDecision:
        if self.waits > 0:
            self.waits -= 1
            return StartDecision.WAIT
        if self.proposed:
            return StartDecision.DONE
        self.proposed = True
        return StartDecision.PROPOSE


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_wait_looks_again_until_something_is_proposed(n_jobs: int) -> None:
    study = albacore.create_study(sampler=_WaitThenPropose(waits=3))
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=10, n_jobs=n_jobs)
    assert len(study.trials) == 1 and study.sampler.waits == 0


def test_wait_ends_at_the_timeout() -> None:
    study = albacore.create_study(sampler=_WaitThenPropose(waits=10**9))
    study.optimize(lambda t: 0.0, timeout=0.3)
    assert study.trials == [] and study.sampler.waits < 10**9


def test_a_sampler_answering_a_bool_is_refused() -> None:
    class Yes(albacore.samplers.RandomSampler):
        def can_start_trial(self, study):  # type: ignore[no-untyped-def]
            return True

    study = albacore.create_study(sampler=Yes())
    with pytest.raises(TypeError, match=r"Yes.can_start_trial must return a StartDecision, got True"):
        study.optimize(lambda t: 0.0, n_trials=1)
    assert study.trials == []
