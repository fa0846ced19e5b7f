"""PED-ANOVA: rankings, quantiles, conditional parameters, multi-objective studies."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import TRUE_RANKING, spearman

import albacore
from albacore.importance import PedAnovaImportanceEvaluator, get_param_importances
from albacore.importance._ped_anova import parzen_on_grid, pearson_divergence


def test_ranking_of_known_importances(synthetic_study) -> None:
    study = synthetic_study(n_trials=300, seed=0)
    result = get_param_importances(study)
    assert spearman(list(result), TRUE_RANKING) >= 0.9
    assert next(iter(result)) == "a"


def test_parzen_estimates_are_distributions() -> None:
    for counts, categorical in (([0, 3, 0, 1, 5], False), ([2, 0, 0], True), ([0, 0, 0, 0], False)):
        p = parzen_on_grid(np.array(counts), categorical)
        assert p.sum() == pytest.approx(1.0)
        assert (p > 0).all()
    peaked = parzen_on_grid(np.array([0, 0, 40, 0, 0]), False)
    assert int(np.argmax(peaked)) == 2


def test_divergence_is_zero_when_top_equals_region() -> None:
    cells = np.array([0, 1, 1, 2, 4, 4, 4])
    assert pearson_divergence(cells, cells, 5, False) == pytest.approx(0.0, abs=1e-9)
    assert pearson_divergence(cells[:2], cells, 5, False) > 0.1


def test_maximization_looks_at_the_largest_values() -> None:
    study = albacore.create_study(direction="maximize", sampler=albacore.samplers.RandomSampler(seed=0))
    # Only x decides the largest values; y decides the smallest ones.
    study.optimize(lambda t: max(t.suggest_float("x", 0, 1) - 0.8, 0) * 10 - max(0.2 - t.suggest_float("y", 0, 1), 0),
                   n_trials=200)
    result = get_param_importances(study)
    assert next(iter(result)) == "x"
    flipped = get_param_importances(study, target=lambda t: t.value)  # a target is minimized
    assert next(iter(flipped)) == "y"


def test_multi_objective_without_target_explains_the_pareto_front() -> None:
    study = albacore.create_study(directions=["minimize", "minimize"], sampler=albacore.samplers.RandomSampler(seed=0))

    def objective(trial: albacore.Trial) -> tuple[float, float]:
        x = trial.suggest_float("x", 0, 1)
        trial.suggest_float("noise", 0, 1)  # no effect on either objective
        return x, 1 - x + 0.2 * trial.suggest_float("y", 0, 1)

    study.optimize(objective, n_trials=200)
    # The front is y = 0 with any x: only y separates the front from the rest.
    result = get_param_importances(study)
    assert next(iter(result)) == "y"
    assert result["y"] > 0.5


def test_conditional_parameters_are_assessed() -> None:
    study = albacore.create_study(sampler=albacore.samplers.RandomSampler(seed=0))

    def objective(trial: albacore.Trial) -> float:
        branch = trial.suggest_categorical("branch", ["a", "b"])
        if branch == "a":
            return (trial.suggest_float("u", 0, 1) - 0.2) ** 2
        return 0.5 + 0.01 * trial.suggest_float("v", 0, 1)

    study.optimize(objective, n_trials=200)
    result = get_param_importances(study)
    assert set(result) == {"branch", "u", "v"}
    assert result["v"] < min(result["branch"], result["u"])


def test_global_and_region_variants() -> None:
    study = albacore.create_study(sampler=albacore.samplers.RandomSampler(seed=0))
    study.optimize(lambda t: abs(t.suggest_float("x", -1, 1)) + 0.05 * t.suggest_float("y", -1, 1), n_trials=200)
    for evaluator in (PedAnovaImportanceEvaluator(evaluate_on_local=False),
                      PedAnovaImportanceEvaluator(target_quantile=0.05, region_quantile=0.5)):
        result = get_param_importances(study, evaluator=evaluator)
        assert next(iter(result)) == "x"
        assert math.isclose(sum(result.values()), 1.0)


def test_quantiles_are_validated() -> None:
    with pytest.raises(ValueError, match="need 0 < target_quantile < region_quantile <= 1, got target_quantile=0.5, "
                                         "region_quantile=0.5"):
        PedAnovaImportanceEvaluator(target_quantile=0.5, region_quantile=0.5)
    with pytest.raises(ValueError, match="target_quantile must be a float in"):
        PedAnovaImportanceEvaluator(target_quantile="0.1")  # type: ignore[arg-type]
    with pytest.warns(UserWarning, match="region_quantile has no effect when evaluate_on_local=False"):
        PedAnovaImportanceEvaluator(region_quantile=0.5, evaluate_on_local=False)


def test_single_trial_gives_equal_shares_with_a_warning() -> None:
    study = albacore.create_study()
    study.optimize(lambda t: t.suggest_float("x", 0, 1) + t.suggest_float("y", 0, 1), n_trials=1)
    with pytest.warns(UserWarning, match="fewer than two completed trials"):
        assert get_param_importances(study) == {"x": 0.5, "y": 0.5}
