"""ShapleyImportanceEvaluator on studies whose true parameter ranking is known."""

from __future__ import annotations

import numpy as np
import pytest
import shap
from sklearn.ensemble import RandomForestRegressor

import albacore
from albacore.importance import BaseImportanceEvaluator, get_param_importances
from albacore.integrations.shap import ShapleyImportanceEvaluator

OFFSETS = {"a": 0.0, "b": 3.0, "c": -3.0}


def _objective(trial: albacore.Trial) -> float:
    x = trial.suggest_float("x", -1.0, 1.0)
    category = trial.suggest_categorical("c", list(OFFSETS))
    y = trial.suggest_float("y", 1e-2, 1.0, log=True)
    trial.suggest_int("z", 0, 10)  # has no effect
    return 10.0 * x + OFFSETS[category] + y


@pytest.fixture(scope="module")
def study() -> albacore.Study:
    study = albacore.create_study(sampler=albacore.samplers.RandomSampler(seed=0))
    study.optimize(_objective, n_trials=200)
    return study


def test_ranks_parameters_by_their_effect(study) -> None:
    importances = ShapleyImportanceEvaluator(seed=0).evaluate(study)
    assert list(importances) == ["x", "c", "y", "z"]
    # In the objective's units: |10 x| averages 5 for uniform x, |offset - mean offset| 2.
    assert importances["x"] == pytest.approx(5.0, rel=0.1)
    assert importances["c"] == pytest.approx(2.0, rel=0.15)
    assert importances["z"] < 0.1 * importances["y"] + 0.05


def test_with_get_param_importances_the_shares_sum_to_one(study) -> None:
    evaluator = ShapleyImportanceEvaluator(seed=0)
    assert isinstance(evaluator, BaseImportanceEvaluator)
    shares = get_param_importances(study, evaluator=evaluator)
    assert list(shares) == ["x", "c", "y", "z"]
    assert sum(shares.values()) == pytest.approx(1.0)
    raw = get_param_importances(study, evaluator=evaluator, normalize=False)
    assert raw == ShapleyImportanceEvaluator(seed=0).evaluate(study)  # the same seed, the same forest


def test_matches_shap_on_the_same_forest(study) -> None:
    """A numeric-only subset: the importances are mean |SHAP| of the forest sklearn fits."""
    trials = study.get_trials(states=(albacore.trial.TrialState.COMPLETE,))
    X = np.array([[(t.params["x"] + 1.0) / 2.0] for t in trials])
    forest = RandomForestRegressor(n_estimators=8, max_depth=4, random_state=1).fit(X, [t.value for t in trials])
    expected = np.abs(shap.TreeExplainer(forest).shap_values(X)).mean()
    importances = ShapleyImportanceEvaluator(n_trees=8, max_depth=4, seed=1).evaluate(study, params=["x"])
    assert importances == {"x": pytest.approx(expected)}


def test_params_and_target(study) -> None:
    importances = ShapleyImportanceEvaluator(seed=0).evaluate(study, params=["z", "y"])
    assert list(importances) == ["y", "z"]
    by_y = ShapleyImportanceEvaluator(seed=0).evaluate(study, target=lambda t: t.params["y"])
    assert next(iter(by_y)) == "y"


def test_a_constant_parameter_gets_zero() -> None:
    study = albacore.create_study(sampler=albacore.samplers.RandomSampler(seed=1))
    study.optimize(lambda t: t.suggest_float("x", 0, 1) + t.suggest_float("fixed", 2.0, 2.0), n_trials=20)
    importances = ShapleyImportanceEvaluator(seed=0).evaluate(study)
    assert importances["fixed"] == 0.0 and importances["x"] > 0.0


def test_multi_objective_needs_a_target() -> None:
    study = albacore.create_study(directions=["minimize", "minimize"], sampler=albacore.samplers.RandomSampler(seed=0))
    study.optimize(lambda t: (t.suggest_float("x", 0, 1), t.suggest_float("y", 0, 1)), n_trials=10)
    with pytest.raises(ValueError, match="2 objectives; pass target"):
        ShapleyImportanceEvaluator().evaluate(study)
    importances = ShapleyImportanceEvaluator(seed=0).evaluate(study, target=lambda t: t.values[1])
    assert next(iter(importances)) == "y"


def test_bad_arguments(study) -> None:
    with pytest.raises(ValueError, match="n_trees must be an int >= 1, got n_trees=0"):
        ShapleyImportanceEvaluator(n_trees=0)
    with pytest.raises(ValueError, match="max_depth must be an int >= 1, got max_depth=2.5"):
        ShapleyImportanceEvaluator(max_depth=2.5)
    with pytest.raises(ValueError, match=r"unknown parameter\(s\) \['w'\]"):
        ShapleyImportanceEvaluator().evaluate(study, params=["w"])
    with pytest.raises(ValueError, match="importances need completed trials, but the study has no trials"):
        ShapleyImportanceEvaluator().evaluate(albacore.create_study())
