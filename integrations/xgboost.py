"""XGBoost integration: a pruning callback for ``xgboost.train``, ``xgboost.cv`` and the
scikit-learn API.

Importing this module imports XGBoost (the callback subclasses
``xgboost.callback.TrainingCallback``); without it, the import raises an ImportError naming
``pip install 'albacore[xgboost]'``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from albacore._imports import require
from albacore.integrations._pruning import (
    check_direction,
    check_metric_names,
    check_objective_count,
    missing_metric_error,
    report_and_prune,
)
from albacore.trial import Trial

xgboost: Any = require("xgboost", extra="xgboost", feature="albacore.integrations.xgboost")

__all__ = ["XGBoostPruningCallback"]

_CALLER = "XGBoostPruningCallback"
# Metrics XGBoost maximizes (a name may carry a suffix such as "ndcg@5"); the others minimize.
_MAXIMIZED = ("auc", "aucpr", "map", "ndcg", "pre", "interval-regression-accuracy")
_MINIMIZED = (
    "rmse", "rmsle", "mae", "mape", "mphe", "logloss", "error", "merror", "mlogloss",
    "poisson-nloglik", "gamma-nloglik", "cox-nloglik", "gamma-deviance", "tweedie-nloglik",
    "aft-nloglik",
)


def _known_direction(metric: str) -> bool | None:
    base = metric.split("@")[0]
    if base in _MAXIMIZED:
        return True
    if base in _MINIMIZED:
        return False
    return None


class XGBoostPruningCallback(xgboost.callback.TrainingCallback):
    """An XGBoost callback that reports an evaluation metric and prunes unpromising trials.

    The step is the boosting round (0-based). With ``xgboost.cv`` the cross-validated mean
    is reported. Returning normally never changes training, so a trial that is not pruned
    trains exactly as without the callback; a pruned one stops with ``TrialPruned``.

    Args:
        trial: The trial being evaluated.
        observation_key: ``"<data name>-<metric>"``, e.g. ``"validation-logloss"`` for
            ``evals=[(dvalid, "validation")]``, ``"test-auc"`` for ``xgboost.cv`` or
            ``"validation_0-logloss"`` for the scikit-learn API. In a multi-objective
            study, a sequence of such keys, one per objective in the order of
            ``study.directions`` (e.g. ``["validation-logloss", "validation-error"]``),
            reported together.

    Raises:
        ValueError: During training, if ``observation_key`` is not among the evaluated
            keys (the message lists them), or if a known metric's direction differs from
            the study's.

    Example:
        .. code-block:: python

            def objective(trial):
                params = {"objective": "binary:logistic", "eval_metric": "logloss",
                          "max_depth": trial.suggest_int("max_depth", 1, 8)}
                pruning = XGBoostPruningCallback(trial, "validation-logloss")
                booster = xgboost.train(params, dtrain, 100, evals=[(dvalid, "validation")],
                                        callbacks=[pruning])
                return float(booster.eval(dvalid).split(":")[1])
    """

    def __init__(self, trial: Trial, observation_key: str | Sequence[str]) -> None:
        super().__init__()
        if isinstance(observation_key, str) or not isinstance(observation_key, Sequence):
            if not isinstance(observation_key, str) or not observation_key:
                raise ValueError(
                    f"{_CALLER}: observation_key must be a non-empty str, got observation_key={observation_key!r}"
                )
            self._observation_key: str | tuple[str, ...] = observation_key
        else:
            self._observation_key = check_metric_names(observation_key, caller=_CALLER, param="observation_key")
        self._trial = trial
        self._direction_checked = False

    def after_iteration(self, model: Any, epoch: int, evals_log: dict[str, dict[str, list[Any]]]) -> bool:
        """Report the observed metric at ``epoch`` and raise TrialPruned if the pruner says so.

        Returns:
            False (training continues) when the trial is not pruned.

        Raises:
            albacore.TrialPruned: If the trial should stop.
        """
        flat = {
            f"{data}-{metric}": (metric, history)
            for data, logs in evals_log.items()
            for metric, history in logs.items()
        }
        keys = (self._observation_key,) if isinstance(self._observation_key, str) else self._observation_key
        values = []
        for index, key in enumerate(keys):
            if key not in flat:
                raise missing_metric_error(_CALLER, "observation_key", key, flat)
            metric, history = flat[key]
            if not self._direction_checked:
                if index == 0 and len(keys) > 1:
                    check_objective_count(self._trial, keys, caller=_CALLER, param="observation_key")
                maximize = _known_direction(metric)
                if maximize is not None:
                    check_direction(self._trial, maximize=maximize, caller=_CALLER, metric=metric, objective=index)
            value = history[-1]
            if isinstance(value, tuple):  # xgboost.cv logs (mean, std)
                value = value[0]
            values.append(value)
        self._direction_checked = True
        value = values[0] if isinstance(self._observation_key, str) else values
        report_and_prune(self._trial, value, epoch, what="boosting round")
        return False
