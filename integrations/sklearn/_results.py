"""The ``cv_results_`` table of AlbacoreSearchCV, built from what the trials recorded.

Each trial stores its cross-validation results (the dict ``cross_validate`` returns: fold
times and ``test_<metric>`` / ``train_<metric>`` fold scores) in user attributes named
``"sklearn:<key>"``; this module turns the trials into one row each, with the same keys as
scikit-learn's searches (``split<k>_test_<metric>``, ``mean_test_<metric>``,
``rank_test_<metric>``, ...), where ``<metric>`` is ``score`` for a single metric.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from scipy.stats import rankdata

from albacore.trial import FrozenTrial, Trial, TrialState

ATTR = "sklearn:"  # prefix of the user attributes holding a trial's CV results


def record(trial: Trial, results: Mapping[str, Sequence[Any]]) -> None:
    """Store one trial's ``cross_validate``-style results in its user attributes."""
    for key, values in results.items():
        trial.set_user_attr(ATTR + key, [float(v) for v in values])


def metric_names(results: Mapping[str, Any]) -> list[str]:
    """The metric names of ``cross_validate``-style results (``test_<name>`` keys), in order."""
    return [key[len("test_"):] for key in results if key.startswith("test_")]


def recorded_metric_names(trials: Sequence[FrozenTrial]) -> list[str]:
    """The metric names the trials recorded, in the order they were first seen."""
    prefix = ATTR + "test_"
    names: dict[str, None] = {}
    for trial in trials:
        for key in trial.user_attrs:
            if key.startswith(prefix):
                names.setdefault(key[len(prefix):])
    return list(names)


def rank_descending(means: np.ndarray) -> np.ndarray:
    """Rank 1 for the highest mean; ties share the lowest rank; NaN ranks last."""
    if means.size == 0:
        return np.empty(0, dtype=np.int32)
    filled = np.where(np.isnan(means), -np.inf, means)
    ranks: np.ndarray = rankdata(-filled, method="min").astype(np.int32)
    return ranks


def cv_results(trials: Sequence[FrozenTrial], n_splits: int, metrics: Sequence[str], train: bool) -> dict[str, Any]:
    """The ``cv_results_`` dict: one row per trial, like scikit-learn's searches.

    Args:
        trials: The study's trials, in order; a trial that recorded nothing gets NaN scores.
        n_splits: The number of CV folds.
        metrics: The metric names (``["score"]`` for a single metric).
        train: Whether training scores were computed.

    Returns:
        Column name -> array (``params`` and ``state`` are lists). Means and standard
        deviations are NaN for trials that did not complete (pruned or failed).
    """
    n = len(trials)
    complete = np.array([t.state == TrialState.COMPLETE for t in trials], dtype=bool)
    results: dict[str, Any] = {}
    for key in ("fit_time", "score_time"):
        rows = _rows(trials, key, n_splits)
        results[f"mean_{key}"] = rows.mean(axis=1)
        results[f"std_{key}"] = rows.std(axis=1)
    for name in sorted({name for t in trials for name in t.params}):
        column = np.ma.MaskedArray(np.empty(n, dtype=object), mask=True)
        for i, trial in enumerate(trials):
            if name in trial.params:
                column[i] = trial.params[name]
        results[f"param_{name}"] = column
    results["params"] = [dict(t.params) for t in trials]
    for kind in ("test", "train") if train else ("test",):
        for metric in metrics:
            rows = _rows(trials, f"{kind}_{metric}", n_splits)
            for split in range(n_splits):
                results[f"split{split}_{kind}_{metric}"] = rows[:, split]
            results[f"mean_{kind}_{metric}"] = np.where(complete, rows.mean(axis=1), np.nan)
            results[f"std_{kind}_{metric}"] = np.where(complete, rows.std(axis=1), np.nan)
            if kind == "test":
                results[f"rank_test_{metric}"] = rank_descending(results[f"mean_test_{metric}"])
    results["state"] = [t.state.name for t in trials]
    return results


def _rows(trials: Sequence[FrozenTrial], key: str, n_splits: int) -> np.ndarray:
    missing = [np.nan] * n_splits
    rows = [trial.user_attrs.get(ATTR + key, missing) for trial in trials]
    return np.array(rows, dtype=float).reshape(len(trials), n_splits)
