"""Study inspection: best trial(s), constraints, attributes, metric names, trials."""

from __future__ import annotations

import copy
import pickle
from typing import Any

import pytest

import albacore
from albacore.distributions import FloatDistribution
from albacore.samplers import RandomSampler
from albacore.trial import FrozenTrial, TrialState, create_trial


def _study(**kwargs: Any) -> albacore.Study:
    kwargs.setdefault("sampler", RandomSampler(seed=0))
    return albacore.create_study(**kwargs)


def _add(study: albacore.Study, values: Any, x: float = 0.0, constraints: dict | None = None) -> None:
    system_attrs = {"constraints": constraints} if constraints else {}
    kwargs = {"value": values} if isinstance(values, float) else {"values": values}
    study.add_trial(
        create_trial(
            params={"x": x}, distributions={"x": FloatDistribution(-10, 10)}, system_attrs=system_attrs, **kwargs
        )
    )


@pytest.mark.parametrize("direction, best", [("minimize", 1.0), ("maximize", 5.0)])
def test_best_trial_value_and_params(direction: str, best: float) -> None:
    study = _study(direction=direction)
    for x, v in [(1.0, 3.0), (2.0, 1.0), (3.0, 5.0), (4.0, 2.0)]:
        _add(study, v, x)
    assert study.best_value == best
    assert study.best_trial.value == best
    assert study.best_params == {"x": {1.0: 2.0, 5.0: 3.0}[best]}
    assert isinstance(study.best_trial, FrozenTrial)


def test_best_trial_ignores_failed_pruned_and_running_trials() -> None:
    study = _study()
    _add(study, 5.0)
    study.add_trial(create_trial(state=TrialState.PRUNED, value=-100.0))
    study.add_trial(create_trial(state=TrialState.FAIL))
    study.ask()
    assert study.best_value == 5.0


def test_best_trial_is_a_copy() -> None:
    study = _study()
    _add(study, 1.0)
    study.best_trial.user_attrs["mutated"] = True
    study.best_trial.params["x"] = 99
    assert study.best_trial.user_attrs == {} and study.best_params == {"x": 0.0}


def test_best_trial_without_completed_trials_raises() -> None:
    study = _study()
    study.add_trial(create_trial(state=TrialState.FAIL))
    with pytest.raises(ValueError, match=r"study '.*' has no completed feasible trial yet"):
        _ = study.best_trial
    with pytest.raises(ValueError, match="no completed feasible trial"):
        _ = study.best_value
    with pytest.raises(ValueError, match="no completed feasible trial"):
        _ = study.best_params


def test_best_trial_considers_feasible_trials_only() -> None:
    study = _study()
    _add(study, 0.0, x=1.0, constraints={"c": 0.5})  # infeasible: better value, never best
    _add(study, 2.0, x=2.0, constraints={"c": 0.0})  # feasible at the boundary
    _add(study, 3.0, x=3.0)  # no constraints: feasible
    assert study.best_value == 2.0 and study.best_params == {"x": 2.0}

    only_infeasible = _study()
    _add(only_infeasible, 0.0, constraints={"c": 1.0, "d": -1.0})
    with pytest.raises(ValueError, match="no completed feasible trial"):
        _ = only_infeasible.best_trial


def test_set_constraint_in_the_objective_drives_feasibility() -> None:
    def objective(trial):
        x = trial.suggest_float("x", -10, 10)
        trial.set_constraint("x_at_least_1", 1 - x)
        return x * x

    study = _study()
    study.optimize(objective, n_trials=40)
    assert study.best_params["x"] >= 1
    feasible = [t for t in study.trials if t.constraints["x_at_least_1"] <= 0]
    assert study.best_value == min(t.value for t in feasible)


def test_multi_objective_best_trial_raises_and_best_trials_is_the_pareto_front() -> None:
    study = _study(directions=["minimize", "maximize"])
    for values in ([1.0, 1.0], [2.0, 3.0], [2.0, 2.0], [0.5, 0.5], [3.0, 3.0], [1.0, 1.0]):
        _add(study, values)
    study.add_trial(create_trial(state=TrialState.FAIL))
    for attr in ("best_trial", "best_value", "best_params"):
        with pytest.raises(
            RuntimeError, match=r"has 2 objectives, so it has no single best trial; use study.best_trials"
        ):
            getattr(study, attr)
    front = sorted(t.number for t in study.best_trials)
    assert front == [0, 1, 3, 5]  # duplicates of a front point are on the front too


def test_best_trials_considers_feasible_trials_only() -> None:
    study = _study(directions=["minimize", "minimize"])
    _add(study, [0.0, 0.0], constraints={"c": 1.0})
    _add(study, [1.0, 2.0], constraints={"c": -1.0})
    _add(study, [2.0, 1.0])
    assert sorted(t.number for t in study.best_trials) == [1, 2]


def test_best_trials_of_a_single_objective_study_are_the_best_ones() -> None:
    study = _study()
    for v in (3.0, 1.0, 2.0, 1.0):
        _add(study, v)
    assert sorted(t.number for t in study.best_trials) == [1, 3]
    assert _study().best_trials == []


def test_study_user_and_system_attrs() -> None:
    study = _study()
    assert study.user_attrs == {} and study.system_attrs == {}
    study.set_user_attr("dataset", "mnist")
    study.set_user_attr("folds", [1, 2])
    study.set_system_attr("plugin:state", {"k": 1})
    attrs = study.user_attrs
    attrs["folds"].append(3)  # a copy
    assert study.user_attrs == {"dataset": "mnist", "folds": [1, 2]}
    assert study.system_attrs["plugin:state"] == {"k": 1}
    reloaded = albacore.load_study(study_name=study.study_name, storage=study._storage)
    assert reloaded.user_attrs == {"dataset": "mnist", "folds": [1, 2]}


def test_set_trial_system_attr_by_frozen_trial_or_number() -> None:
    study = _study()
    trial = study.ask()
    frozen = study.get_trials(deepcopy=False)[0]
    study.set_trial_system_attr(frozen, "plugin:a", 1)
    study.set_trial_system_attr(0, "plugin:b", [2])
    study.tell(trial, 1.0)
    assert {"plugin:a": 1, "plugin:b": [2]}.items() <= study.trials[0].system_attrs.items()


def test_metric_names() -> None:
    study = _study(directions=["minimize", "maximize"])
    assert study.metric_names is None
    study.set_metric_names(["loss", "accuracy"])
    assert study.metric_names == ["loss", "accuracy"]
    with pytest.raises(
        ValueError, match=r"set_metric_names: expected 2 str name\(s\), one per objective, got metric_names=\['loss'\]"
    ):
        study.set_metric_names(["loss"])
    with pytest.raises(ValueError, match=r"got metric_names=\['a', 1\]"):
        study.set_metric_names(["a", 1])  # type: ignore[list-item]


def test_get_trials_filters_by_state_and_copies() -> None:
    study = _study()
    _add(study, 1.0)
    study.add_trial(create_trial(state=TrialState.FAIL))
    study.ask()
    assert [t.state for t in study.get_trials()] == [TrialState.COMPLETE, TrialState.FAIL, TrialState.RUNNING]
    assert [t.number for t in study.get_trials(states=(TrialState.FAIL, TrialState.RUNNING))] == [1, 2]
    assert study.get_trials(states=()) == []
    copies = study.trials
    copies[0].user_attrs["x"] = 1
    assert study.trials[0].user_attrs == {}
    assert study.get_trials(deepcopy=False) == study.trials


def test_study_pickles_with_its_storage() -> None:
    study = _study()
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    clone = pickle.loads(pickle.dumps(study))
    assert clone.trials == study.trials
    clone.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
    assert len(clone.trials) == 4 and len(study.trials) == 3
    assert copy.copy(study).study_name == study.study_name
