"""Behavioural twins: pruners decide the same on the same intermediate values in Optuna and albacore.

Four finished trials with fixed learning curves, then a running trial reporting its curve step by
step; at every step both libraries' pruners are asked whether to prune.
"""

from __future__ import annotations

import math
import warnings
from typing import Any, Callable

import optuna
import pytest

import albacore

HISTORY = [
    [1.0, 0.8, 0.6, 0.5, 0.4, 0.35],
    [1.2, 1.0, 0.9, 0.8, 0.7, 0.65],
    [0.9, 0.7, 0.5, 0.45, 0.3, 0.2],
    [1.5, 1.4, 1.3, 1.2, 1.1, 1.0],
]
CURVES = {
    "good": [0.8, 0.6, 0.4, 0.3, 0.2, 0.1],
    "bad": [1.6, 1.5, 1.45, 1.4, 1.39, 1.38],
    "flat": [0.9, 0.9, 0.9, 0.9, 0.9, 0.9],
    "nan": [1.0, math.nan, 0.5, math.nan, 0.4, 0.3],
}
PRUNERS: dict[str, Callable[[Any], Any]] = {
    "median": lambda m: m.pruners.MedianPruner(n_startup_trials=2, n_warmup_steps=1),
    "percentile 25": lambda m: m.pruners.PercentilePruner(25.0, n_startup_trials=1),
    "threshold": lambda m: m.pruners.ThresholdPruner(upper=1.3, n_warmup_steps=1),
    "patient median": lambda m: m.pruners.PatientPruner(m.pruners.MedianPruner(n_startup_trials=1), patience=1),
    "successive halving": lambda m: m.pruners.SuccessiveHalvingPruner(min_resource=1, reduction_factor=2),
    "nop": lambda m: m.pruners.NopPruner(),
    "hyperband": lambda m: m.pruners.HyperbandPruner(min_resource=1, max_resource=6, reduction_factor=2),
    "wilcoxon": lambda m: m.pruners.WilcoxonPruner(p_threshold=0.5, n_startup_steps=2),
    "median n_min_trials 3": lambda m: m.pruners.MedianPruner(n_startup_trials=0, n_min_trials=3),
    "percentile interval 2": lambda m: m.pruners.PercentilePruner(50.0, n_startup_trials=0, interval_steps=2),
    "successive halving rate 1": lambda m: m.pruners.SuccessiveHalvingPruner(
        min_resource=1, reduction_factor=2, min_early_stopping_rate=1),
}


def _decisions(m: Any, pruner_name: str, curve: list[float], direction: str) -> list[bool]:
    m.logging.set_verbosity(m.logging.WARNING)
    # A fixed name: HyperbandPruner puts a trial in the bracket its study name and number hash to.
    study = m.create_study(study_name="twin", direction=direction, pruner=PRUNERS[pruner_name](m))
    sign = 1.0 if direction == "minimize" else -1.0
    for values in HISTORY:
        study.add_trial(m.trial.create_trial(
            value=sign * values[-1], intermediate_values={s: sign * v for s, v in enumerate(values)}
        ))
    trial = study.ask()
    decisions = []
    for step, value in enumerate(curve):
        trial.report(sign * value, step)
        decisions.append(trial.should_prune())
    return decisions


@pytest.mark.parametrize("direction", ["minimize", "maximize"])
@pytest.mark.parametrize("curve", sorted(CURVES))
@pytest.mark.parametrize("pruner_name", sorted(PRUNERS))
def test_pruner_decides_as_optuna_on_fixed_curves(pruner_name: str, curve: str, direction: str) -> None:
    expected = _decisions(optuna, pruner_name, CURVES[curve], direction)
    actual = _decisions(albacore, pruner_name, CURVES[curve], direction)
    assert actual == expected


PATIENT_CURVES = {
    "flat": [1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
    "improving": [5.0, 4.0, 3.0, 2.0, 1.0, 0.5],
    "worsening": [1.0, 1.2, 1.4, 1.6, 1.8, 2.0],
    "stall then improve": [5.0, 4.0, 4.5, 4.2, 3.0, 3.5, 3.5],
    "small steps": [5.0, 4.8, 4.0, 3.7, 3.9, 4.1],
    "tie with the earlier best": [2.0, 1.0, 1.5, 1.0, 1.2, 1.0],
    "within min_delta": [2.0, 2.3, 2.4, 2.45, 2.6, 3.0],
    "nan inside": [2.0, math.nan, 1.0, math.nan, 1.5, 1.6],
    "nan window": [1.0, 2.0, math.nan, math.nan, math.nan, 3.0],
    "nan first": [math.nan, math.nan, 1.0, 2.0, 3.0, 4.0],
    "infinite": [math.inf, 1.0, math.inf, math.inf, -math.inf, 0.0],
}


def _patient_decisions(
    m: Any, curve: list[float], direction: str, patience: int, min_delta: float
) -> list[bool]:
    m.logging.set_verbosity(m.logging.WARNING)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Optuna: ExperimentalWarning; numpy: all-NaN slices
        study = m.create_study(direction=direction, pruner=m.pruners.PatientPruner(None, patience, min_delta))
        trial = study.ask()
        decisions = []
        for step, value in enumerate(curve):
            trial.report(value if direction == "minimize" else -value, step)
            decisions.append(trial.should_prune())
    return decisions


@pytest.mark.parametrize("min_delta", [0.0, 0.5])
@pytest.mark.parametrize("patience", [0, 1, 2, 3])
@pytest.mark.parametrize("direction", ["minimize", "maximize"])
@pytest.mark.parametrize("curve", sorted(PATIENT_CURVES))
def test_patient_pruner_decides_as_optuna(curve: str, direction: str, patience: int, min_delta: float) -> None:
    expected = _patient_decisions(optuna, PATIENT_CURVES[curve], direction, patience, min_delta)
    actual = _patient_decisions(albacore, PATIENT_CURVES[curve], direction, patience, min_delta)
    assert actual == expected
