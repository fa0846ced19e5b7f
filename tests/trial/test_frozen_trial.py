"""FrozenTrial snapshots, create_trial validation and TrialState."""

from __future__ import annotations

import copy
import datetime
import math
import pickle

import pytest

import albacore
from albacore.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from albacore.trial import FrozenTrial, TrialState, create_trial

DISTS = {"x": FloatDistribution(0, 10), "k": CategoricalDistribution(["a", "b"])}


def test_trial_state_members_and_is_finished() -> None:
    assert [s.name for s in TrialState] == ["RUNNING", "COMPLETE", "PRUNED", "FAIL", "WAITING"]
    assert {s for s in TrialState if s.is_finished()} == {TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL}


def test_create_trial_builds_a_complete_trial() -> None:
    trial = create_trial(
        value=4.0,
        params={"x": 2.0, "k": "b"},
        distributions=DISTS,
        user_attrs={"u": 1},
        system_attrs={"s": 2},
        intermediate_values={0: 9.0, 1: 4.0},
    )
    assert trial.state == TrialState.COMPLETE
    assert trial.value == 4.0 and trial.values == [4.0]
    assert trial.number == -1
    assert trial.params == {"x": 2.0, "k": "b"} and trial.distributions == DISTS
    assert trial.user_attrs == {"u": 1} and trial.system_attrs == {"s": 2}
    assert trial.intermediate_values == {0: 9.0, 1: 4.0} and trial.last_step == 1
    assert isinstance(trial.duration, datetime.timedelta)
    assert trial.constraints == {}


def test_create_trial_multi_objective_values() -> None:
    trial = create_trial(values=[1.0, 2.0])
    assert trial.values == [1.0, 2.0]
    with pytest.raises(RuntimeError, match=r"has 2 objective values; use trial.values"):
        _ = trial.value


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"state": TrialState.COMPLETE}, r"values must be set when state is COMPLETE"),
        ({"value": math.nan}, r"values must not be NaN"),
        ({"state": TrialState.FAIL, "value": 1.0}, r"values must be None when state is FAIL, got values=\[1.0\]"),
        ({"value": 1.0, "values": [1.0]}, r"give value or values, not both"),
        ({"value": 1.0, "params": {"x": 1.0}}, r"params and distributions must have the same names"),
        ({"value": 1.0, "params": {"x": 11.0}, "distributions": {"x": FloatDistribution(0, 10)}},
         r"parameter 'x'=11.0 is outside FloatDistribution"),
        ({"value": 1.0, "params": {"k": "z"}, "distributions": {"k": CategoricalDistribution(["a"])}},
         r"'z' is not among the choices"),
    ],
)
def test_create_trial_rejects_inconsistent_trials(kwargs, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        create_trial(**kwargs)


def test_waiting_and_failed_trials_need_no_values() -> None:
    waiting = create_trial(state=TrialState.WAITING)
    assert waiting.datetime_start is None and waiting.datetime_complete is None
    failed = create_trial(state=TrialState.FAIL)
    assert failed.values is None and failed.datetime_complete is not None


def test_frozen_trial_replays_its_params_as_an_objective_input() -> None:
    def objective(trial):
        x = trial.suggest_float("x", 0, 10)
        return (x - 2) ** 2 if trial.suggest_categorical("k", ["a", "b"]) == "a" else x

    study = albacore.create_study(sampler=albacore.samplers.RandomSampler(seed=1))
    study.optimize(objective, n_trials=10)
    best = study.best_trial
    assert objective(best) == study.best_value
    assert best.should_prune() is False
    best.report(1.0, 0)  # ignored: history is fixed
    with pytest.raises(ValueError, match=r"has no parameter 'y'"):
        best.suggest_float("y", 0, 1)
    with pytest.raises(
        ValueError, match=r"parameter 'x' was stored with another distribution: cannot change the distribution kind"
    ):
        best.suggest_int("x", 0, 10)


def test_equality_copy_pickle_and_ordering() -> None:
    trial = create_trial(
        value=1.0, params={"x": 1.0}, distributions={"x": FloatDistribution(0, 2)}, user_attrs={"l": [1]}
    )
    clone = copy.deepcopy(trial)
    assert clone == trial
    clone.user_attrs["l"].append(2)
    assert trial.user_attrs == {"l": [1]}
    assert clone != trial
    assert pickle.loads(pickle.dumps(trial)) == trial
    other = create_trial(value=2.0)
    other.number = 5
    trial.number = 1
    assert sorted([other, trial]) == [trial, other]
    assert "FrozenTrial(number=1, state=COMPLETE" in repr(trial)


def test_constraints_property_reads_the_constraint_attr() -> None:
    trial = create_trial(value=1.0, system_attrs={"constraints": {"a": 0.5, "b": -1}})
    assert trial.constraints == {"a": 0.5, "b": -1.0}


def test_create_trial_records_constraints_by_name() -> None:
    trial = create_trial(value=1.0, constraints={"mem": 2, "time": -0.5})
    assert trial.constraints == {"mem": 2.0, "time": -0.5}
    with pytest.raises(ValueError, match=r"set_constraint\('mem'\): value must not be NaN"):
        create_trial(value=1.0, constraints={"mem": float("nan")})


def test_int_params_round_trip_through_a_study() -> None:
    study = albacore.create_study()
    study.add_trial(create_trial(value=1.0, params={"n": 3}, distributions={"n": IntDistribution(0, 5)}))
    stored = study.trials[0]
    assert stored.params == {"n": 3} and isinstance(stored.params["n"], int)
    assert stored.number == 0 and stored.trial_id >= 0
    assert isinstance(stored, FrozenTrial)
