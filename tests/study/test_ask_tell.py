"""The ask-and-tell interface and the rules of tell."""

from __future__ import annotations

import logging
import math
from typing import Any

import pytest

import albacore
from albacore.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from albacore.exceptions import UpdateFinishedTrialError
from albacore.samplers import RandomSampler
from albacore.trial import TrialState


def _study(**kwargs: Any) -> albacore.Study:
    kwargs.setdefault("sampler", RandomSampler(seed=0))
    return albacore.create_study(**kwargs)


def test_ask_and_tell_loop_finds_the_minimum() -> None:
    study = _study()
    for _ in range(60):
        trial = study.ask()
        x = trial.suggest_float("x", -10, 10)
        frozen = study.tell(trial, (x - 2) ** 2)
        assert frozen.state == TrialState.COMPLETE and frozen.params == {"x": x}
    assert abs(study.best_params["x"] - 2) < 1.5


def test_ask_creates_running_trials_with_consecutive_numbers() -> None:
    study = _study()
    trials = [study.ask() for _ in range(3)]
    assert [t.number for t in trials] == [0, 1, 2]
    assert [t.state for t in study.trials] == [TrialState.RUNNING] * 3


def test_ask_with_fixed_distributions_suggests_them_up_front() -> None:
    study = _study()
    dists = {
        "x": FloatDistribution(0, 1),
        "n": IntDistribution(1, 9, step=2),
        "c": CategoricalDistribution(["a", "b"]),
    }
    trial = study.ask(fixed_distributions=dists)
    assert set(trial.params) == {"x", "n", "c"}
    assert 0 <= trial.params["x"] <= 1 and trial.params["n"] in (1, 3, 5, 7, 9)
    assert trial.distributions == dists
    # Suggesting them again inside the objective returns the same values.
    assert trial.suggest_float("x", 0, 1) == trial.params["x"]
    study.tell(trial, 1.0)
    assert study.trials[0].params == trial.params


def test_ask_rejects_bad_fixed_distributions_before_starting_a_trial() -> None:
    study = _study()
    with pytest.raises(TypeError, match=r"ask: fixed_distributions must be a dict"):
        study.ask(fixed_distributions=[FloatDistribution(0, 1)])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"ask: fixed_distributions\['x'\] must be a distribution, got \(0, 1\)"):
        study.ask(fixed_distributions={"x": (0, 1)})  # type: ignore[dict-item]
    assert study.trials == []


def test_tell_by_trial_number() -> None:
    study = _study()
    first, second = study.ask(), study.ask()
    study.tell(1, 5.0)
    study.tell(first.number, 3.0)
    assert [(t.state, t.values) for t in study.trials] == [(TrialState.COMPLETE, [3.0]), (TrialState.COMPLETE, [5.0])]
    assert second.number == 1


def test_tell_unknown_number_or_another_studys_trial_raises() -> None:
    study, other = _study(), _study()
    with pytest.raises(ValueError, match=r"tell: study '.*' has no trial number 7"):
        study.tell(7, 1.0)
    foreign = other.ask()
    with pytest.raises(ValueError, match=r"trial 0 belongs to another study"):
        study.tell(foreign, 1.0)
    with pytest.raises(TypeError, match=r"tell: trial must be a Trial or a trial number, got trial='0'"):
        study.tell("0", 1.0)  # type: ignore[arg-type]


def test_tell_of_an_enqueued_trial_that_has_not_started_raises() -> None:
    study = _study()
    study.enqueue_trial({"x": 1.0})
    with pytest.raises(ValueError, match=r"tell: trial 0 is WAITING \(enqueued, not started\)"):
        study.tell(0, 1.0)
    assert study.trials[0].state == TrialState.WAITING
    trial = study.ask()
    assert trial.number == 0 and trial.suggest_float("x", 0, 2) == 1.0
    assert study.tell(0, 1.0).state == TrialState.COMPLETE


def test_tell_twice_raises_unless_skip_if_finished() -> None:
    study = _study()
    trial = study.ask()
    study.tell(trial, 1.0)
    with pytest.raises(
        UpdateFinishedTrialError, match=r"tell: trial 0 has already finished \(COMPLETE\); pass skip_if_finished=True"
    ):
        study.tell(trial, 2.0)
    again = study.tell(trial, 2.0, skip_if_finished=True)
    assert again.values == [1.0]
    assert study.trials[0].values == [1.0]


@pytest.mark.parametrize(
    "values, reason",
    [
        (None, "returned None"),
        (math.nan, "returned NaN"),
        ([1.0, 2.0], r"returned 2 value\(s\) but the study has 1 objective\(s\)"),
        ("x", "not a number"),
    ],
)
def test_tell_with_invalid_values_fails_the_trial_with_a_warning(values, reason, albacore_logs) -> None:
    # A UserWarning, as Optuna's tell (optimize logs the reason instead).
    study = _study()
    with pytest.warns(UserWarning, match=rf"Trial 0 failed: .*{reason}"):
        frozen = study.tell(study.ask(), values)
    assert frozen.state == TrialState.FAIL and frozen.values is None
    assert albacore_logs.messages(logging.WARNING) == []


def test_tell_complete_with_invalid_values_raises_and_leaves_the_trial_running() -> None:
    study = _study()
    trial = study.ask()
    with pytest.raises(ValueError, match=r"tell: invalid values for a COMPLETE trial 0: the objective returned NaN"):
        study.tell(trial, math.nan, state=TrialState.COMPLETE)
    assert study.trials[0].state == TrialState.RUNNING
    study.tell(trial, 1.0, state=TrialState.COMPLETE)
    assert study.trials[0].state == TrialState.COMPLETE


def test_tell_fail_takes_no_values() -> None:
    study = _study()
    trial = study.ask()
    with pytest.raises(ValueError, match=r"tell: values must be None when state is FAIL, got values=1.0"):
        study.tell(trial, 1.0, state=TrialState.FAIL)
    assert study.tell(trial, state=TrialState.FAIL).state == TrialState.FAIL


def test_tell_pruned_takes_no_values() -> None:
    study = _study()
    trial = study.ask()
    trial.report(0.5, step=3)
    with pytest.raises(ValueError, match=r"tell: values must be None when state is PRUNED .*, got values=1.0"):
        study.tell(trial, 1.0, state=TrialState.PRUNED)
    assert study.trials[0].state == TrialState.RUNNING
    frozen = study.tell(trial, state=TrialState.PRUNED)
    assert frozen.state == TrialState.PRUNED and frozen.values == [0.5]


@pytest.mark.parametrize("state", [TrialState.RUNNING, TrialState.WAITING])
def test_tell_rejects_unfinished_states(state: TrialState) -> None:
    study = _study()
    with pytest.raises(ValueError, match=rf"tell: state must be COMPLETE, PRUNED or FAIL, got state=.*{state.name}"):
        study.tell(study.ask(), 1.0, state=state)


def test_tell_pruned_keeps_the_last_reported_value() -> None:
    study = _study()
    trial = study.ask()
    trial.report(4.0, 0)
    trial.report(3.0, 5)
    trial.report(3.5, 2)
    frozen = study.tell(trial, state=TrialState.PRUNED)
    assert frozen.state == TrialState.PRUNED and frozen.value == 3.0
    bare = study.tell(study.ask(), state=TrialState.PRUNED)
    assert bare.values is None


def test_tell_multi_objective() -> None:
    study = _study(directions=["minimize", "maximize"])
    trial = study.ask()
    assert study.tell(trial, [1.0, 2.0]).values == [1.0, 2.0]
    assert study.tell(study.ask(), (3, 4)).values == [3.0, 4.0]
    assert study.tell(study.ask(), 1.0).state == TrialState.FAIL


def test_tell_calls_after_trial_before_storing_the_state() -> None:
    calls: list[tuple[int, TrialState, Any, TrialState]] = []

    class Recording(RandomSampler):
        def after_trial(self, study, trial, state, values):
            stored = study.get_trials(deepcopy=False)[trial.number].state
            calls.append((trial.number, state, values, stored))

    study = _study(sampler=Recording())
    study.tell(study.ask(), 2.0)
    study.tell(study.ask(), None)
    study.tell(study.ask(), state=TrialState.PRUNED)
    assert calls == [
        (0, TrialState.COMPLETE, [2.0], TrialState.RUNNING),
        (1, TrialState.FAIL, None, TrialState.RUNNING),
        (2, TrialState.PRUNED, None, TrialState.RUNNING),
    ]


def test_a_failing_sampler_in_ask_fails_the_new_trial() -> None:
    class Broken(RandomSampler):
        def sample_independent(self, study, trial, param_name, param_distribution):
            raise RuntimeError("sampler broke")

    study = _study(sampler=Broken())
    with pytest.raises(RuntimeError, match="sampler broke"):
        study.ask(fixed_distributions={"x": FloatDistribution(0, 1)})
    assert [t.state for t in study.trials] == [TrialState.FAIL]
