"""get_param_importances and the behaviour every built-in evaluator shares."""

from __future__ import annotations

import math
import sys

import pytest

import albacore
from albacore.distributions import FloatDistribution
from albacore.importance import (
    BaseImportanceEvaluator,
    FanovaImportanceEvaluator,
    MeanDecreaseImpurityImportanceEvaluator,
    PedAnovaImportanceEvaluator,
    get_param_importances,
)
from albacore.trial import TrialState, create_trial

EVALUATORS = [
    pytest.param(lambda: FanovaImportanceEvaluator(seed=0), id="fanova"),
    pytest.param(lambda: MeanDecreaseImpurityImportanceEvaluator(seed=0), id="mdi"),
    pytest.param(lambda: PedAnovaImportanceEvaluator(), id="ped_anova"),
]


def _quadratic_study(n: int = 60, directions: list[str] | None = None) -> albacore.Study:
    study = albacore.create_study(directions=directions, sampler=albacore.samplers.RandomSampler(seed=1))

    def objective(trial: albacore.Trial):
        x = trial.suggest_float("x", -3, 3)
        y = trial.suggest_float("y", -3, 3)
        z = trial.suggest_int("z", 0, 3)
        if directions is not None and len(directions) > 1:
            return x * x, y * y
        return x * x + 0.1 * y + 0.01 * z

    study.optimize(objective, n_trials=n)
    return study


@pytest.mark.parametrize("make", EVALUATORS)
def test_normalized_importances_sum_to_one_in_descending_order(make) -> None:
    study = _quadratic_study()
    result = get_param_importances(study, evaluator=make())
    assert set(result) == {"x", "y", "z"}
    assert math.isclose(sum(result.values()), 1.0)
    assert list(result.values()) == sorted(result.values(), reverse=True)
    assert next(iter(result)) == "x"
    assert all(v >= 0.0 for v in result.values())


@pytest.mark.parametrize("make", EVALUATORS)
def test_unnormalized_importances_are_the_evaluators_raw_values(make) -> None:
    study = _quadratic_study()
    evaluator = make()
    raw = get_param_importances(study, evaluator=evaluator, normalize=False)
    assert raw == pytest.approx(make().evaluate(study))
    normalized = get_param_importances(study, evaluator=make())
    total = sum(raw.values())
    assert normalized == pytest.approx({k: v / total for k, v in raw.items()})


def test_default_evaluator_is_ped_anova() -> None:
    study = _quadratic_study()
    assert get_param_importances(study) == pytest.approx(
        get_param_importances(study, evaluator=PedAnovaImportanceEvaluator())
    )


@pytest.mark.parametrize("make", EVALUATORS)
def test_params_restricts_the_result(make) -> None:
    study = _quadratic_study()
    result = get_param_importances(study, evaluator=make(), params=["y", "x"])
    assert set(result) == {"x", "y"}
    assert math.isclose(sum(result.values()), 1.0)
    assert get_param_importances(study, evaluator=make(), params=[]) == {}


@pytest.mark.parametrize("make", EVALUATORS)
def test_empty_study_is_an_error(make) -> None:
    study = albacore.create_study()
    with pytest.raises(ValueError, match="the study has no trials"):
        get_param_importances(study, evaluator=make())
    with pytest.raises(ValueError, match="the study has no trials"):
        make().evaluate(study)


@pytest.mark.parametrize("make", EVALUATORS)
def test_study_with_only_failed_trials_is_an_error(make) -> None:
    study = albacore.create_study()
    for _ in range(3):
        study.add_trial(create_trial(state=TrialState.FAIL, params={"x": 0.5},
                                     distributions={"x": FloatDistribution(0, 1)}))
    with pytest.raises(ValueError, match="none of its 3 trials is COMPLETE"):
        get_param_importances(study, evaluator=make())


@pytest.mark.parametrize("make", EVALUATORS)
def test_unknown_param_name_is_an_error(make) -> None:
    study = _quadratic_study(20)
    with pytest.raises(ValueError, match=r"unknown parameter\(s\) \['w'\]"):
        get_param_importances(study, evaluator=make(), params=["x", "w"])


@pytest.mark.parametrize("make", EVALUATORS)
def test_params_of_wrong_type_are_an_error(make) -> None:
    study = _quadratic_study(20)
    with pytest.raises(TypeError, match="params must be a list of parameter names, got params='x'"):
        get_param_importances(study, evaluator=make(), params="x")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"got 3 in params=\['x', 3\]"):
        get_param_importances(study, evaluator=make(), params=["x", 3])  # type: ignore[list-item]


@pytest.mark.parametrize("make", EVALUATORS[:2])
def test_forest_evaluators_need_target_on_a_multi_objective_study(make) -> None:
    study = _quadratic_study(30, directions=["minimize", "minimize"])
    with pytest.raises(ValueError, match="the study has 2 objectives; pass target"):
        get_param_importances(study, evaluator=make())
    result = get_param_importances(study, evaluator=make(), target=lambda t: t.values[1])
    assert next(iter(result)) == "y"


def test_target_chooses_the_value_to_explain() -> None:
    study = _quadratic_study()
    result = get_param_importances(study, evaluator=FanovaImportanceEvaluator(seed=0),
                                   target=lambda t: t.params["z"] ** 2)
    assert next(iter(result)) == "z"
    assert result["z"] > 0.9


def test_evaluator_of_wrong_type_is_an_error() -> None:
    study = _quadratic_study(20)
    with pytest.raises(TypeError, match="evaluator must be a BaseImportanceEvaluator, got evaluator='fanova'"):
        get_param_importances(study, evaluator="fanova")  # type: ignore[arg-type]


def test_equal_shares_when_every_raw_importance_is_zero() -> None:
    class Nothing(BaseImportanceEvaluator):
        def evaluate(self, study, params=None, *, target=None):
            return {"x": 0.0, "y": 0.0, "z": 0.0, "w": 0.0}

    assert get_param_importances(_quadratic_study(10), evaluator=Nothing()) == {
        "x": 0.25, "y": 0.25, "z": 0.25, "w": 0.25
    }


@pytest.mark.parametrize("make", EVALUATORS)
def test_constant_parameter_gets_zero(make) -> None:
    study = albacore.create_study(sampler=albacore.samplers.RandomSampler(seed=0))
    study.optimize(lambda t: t.suggest_float("x", 0, 1) + 0 * t.suggest_int("k", 2, 2), n_trials=30)
    result = get_param_importances(study, evaluator=make(), normalize=False)
    assert result["k"] == 0.0
    assert result["x"] > 0.0


@pytest.mark.parametrize("make", EVALUATORS[:2])
def test_forest_evaluators_skip_non_finite_values(make) -> None:
    study = _quadratic_study(40)
    study.add_trial(create_trial(params={"x": 0.0, "y": 0.0, "z": 0}, distributions=study.trials[0].distributions,
                                 value=float("inf")))
    result = get_param_importances(study, evaluator=make())
    assert all(math.isfinite(v) for v in result.values())
    assert next(iter(result)) == "x"


def test_forest_evaluators_validate_their_arguments() -> None:
    with pytest.raises(ValueError, match="n_trees must be an int >= 1, got n_trees=0"):
        FanovaImportanceEvaluator(n_trees=0)
    with pytest.raises(ValueError, match="max_depth must be an int >= 1, got max_depth=2.5"):
        MeanDecreaseImpurityImportanceEvaluator(max_depth=2.5)  # type: ignore[arg-type]


def test_forest_evaluators_use_the_trials_with_every_requested_param() -> None:
    study = albacore.create_study(sampler=albacore.samplers.RandomSampler(seed=0))

    def objective(trial: albacore.Trial) -> float:
        x = trial.suggest_float("x", -1, 1)
        if x > 0:
            return 5 * trial.suggest_float("y", -1, 1) + 0.1 * x
        return x

    study.optimize(objective, n_trials=80)
    assert set(get_param_importances(study, evaluator=FanovaImportanceEvaluator(seed=0))) == {"x"}
    result = get_param_importances(study, evaluator=FanovaImportanceEvaluator(seed=0), params=["x", "y"])
    assert next(iter(result)) == "y"


def test_forest_evaluator_without_scikit_learn_names_the_extra(monkeypatch) -> None:
    study = _quadratic_study(10)
    monkeypatch.setitem(sys.modules, "sklearn.ensemble", None)
    match = r"FanovaImportanceEvaluator requires sklearn.*pip install 'albacore\[importance\]'"
    with pytest.raises(ImportError, match=match):
        get_param_importances(study, evaluator=FanovaImportanceEvaluator())
    assert set(get_param_importances(study)) == {"x", "y", "z"}  # the default evaluator needs no forest
