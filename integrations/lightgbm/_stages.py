"""The stepwise search of the LightGBM tuner: which parameters each stage tunes, and how.

Stages run in order; each starts from the best parameters found so far and tunes a few of
them. Grid stages (``grid`` returns points) evaluate fixed points in order, independent of
the sampler; the others let the study's sampler choose within the stage's ranges.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from albacore.trial import Trial

# Default values LightGBM uses when a parameter is absent, for the stages that start from them.
_FEATURE_FRACTION_DEFAULT = 1.0


@dataclass(frozen=True)
class Stage:
    """One stage of the stepwise search.

    Attributes:
        name: Recorded in each trial's ``"lightgbm_tuner:stage"`` system attribute.
        n_trials: The stage's trial budget.
        suggest: ``(trial, grid_point_or_None) -> dict`` of LightGBM parameters to try.
        grid: ``best_params -> list of points`` for grid stages, else None.
    """

    name: str
    n_trials: int
    suggest: Callable[[Trial, dict[str, Any]], dict[str, Any]]
    grid: Callable[[dict[str, Any]], list[dict[str, Any]]] | None = None


def _feature_fraction_grid(_: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"feature_fraction": round(v, 10)} for v in np.linspace(0.4, 1.0, 7)]


def _suggest_feature_fraction(trial: Trial, _: dict[str, Any]) -> dict[str, Any]:
    return {"feature_fraction": trial.suggest_float("feature_fraction", 0.4, 1.0)}


def _feature_fraction_stage2_grid(best: dict[str, Any]) -> list[dict[str, Any]]:
    center = float(best.get("feature_fraction", _FEATURE_FRACTION_DEFAULT))
    points = np.clip(np.linspace(center - 0.08, center + 0.08, 6), 0.4, 1.0)
    values = sorted({round(float(v), 10) for v in points} - {round(center, 10)})
    return [{"feature_fraction_stage2": v} for v in values]


def _suggest_feature_fraction_stage2(trial: Trial, _: dict[str, Any]) -> dict[str, Any]:
    return {"feature_fraction": trial.suggest_float("feature_fraction_stage2", 0.4, 1.0)}


def _suggest_num_leaves(trial: Trial, _: dict[str, Any]) -> dict[str, Any]:
    return {"num_leaves": trial.suggest_int("num_leaves", 2, 256, log=True)}


def _suggest_bagging(trial: Trial, _: dict[str, Any]) -> dict[str, Any]:
    return {
        "bagging_fraction": trial.suggest_float("bagging_fraction", 0.4, 1.0),
        "bagging_freq": trial.suggest_int("bagging_freq", 1, 7),
    }


def _suggest_regularization(trial: Trial, _: dict[str, Any]) -> dict[str, Any]:
    return {
        "lambda_l1": trial.suggest_float("lambda_l1", 1e-8, 10.0, log=True),
        "lambda_l2": trial.suggest_float("lambda_l2", 1e-8, 10.0, log=True),
    }


def _min_child_samples_grid(_: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"min_child_samples": v} for v in (5, 10, 25, 50, 100)]


def _suggest_min_child_samples(trial: Trial, _: dict[str, Any]) -> dict[str, Any]:
    return {"min_child_samples": trial.suggest_int("min_child_samples", 5, 100)}


STAGES: tuple[Stage, ...] = (
    Stage("feature_fraction", 7, _suggest_feature_fraction, _feature_fraction_grid),
    Stage("num_leaves", 20, _suggest_num_leaves),
    Stage("bagging", 10, _suggest_bagging),
    Stage("feature_fraction_stage2", 5, _suggest_feature_fraction_stage2, _feature_fraction_stage2_grid),
    Stage("regularization_factors", 20, _suggest_regularization),
    Stage("min_child_samples", 5, _suggest_min_child_samples, _min_child_samples_grid),
)

# Parameters a stage sets, with the LightGBM aliases a user may have used for them.
TUNED_ALIASES: dict[str, tuple[str, ...]] = {
    "feature_fraction": ("sub_feature", "colsample_bytree"),
    "num_leaves": ("num_leaf", "max_leaves", "max_leaf", "max_leaf_nodes"),
    "bagging_fraction": ("sub_row", "subsample", "bagging"),
    "bagging_freq": ("subsample_freq",),
    "lambda_l1": ("reg_alpha", "l1_regularization"),
    "lambda_l2": ("reg_lambda", "lambda", "l2_regularization"),
    "min_child_samples": ("min_data_in_leaf", "min_data_per_leaf", "min_data", "min_samples_leaf"),
}
