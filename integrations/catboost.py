"""CatBoost integration: a pruning callback for ``CatBoost*.fit(callbacks=...)``.

Importing this module imports CatBoost; without it, the import raises an ImportError naming
``pip install 'albacore[catboost]'``.
"""

from __future__ import annotations

from typing import Any

from albacore._imports import require
from albacore._validation import check_count
from albacore.exceptions import TrialPruned
from albacore.integrations._pruning import check_direction, missing_metric_error, report_and_prune
from albacore.trial import Trial

catboost = require("catboost", extra="catboost", feature="albacore.integrations.catboost")

__all__ = ["CatBoostPruningCallback"]

_CALLER = "CatBoostPruningCallback"


def _maximized(metric: str) -> bool | None:
    """Whether CatBoost maximizes ``metric`` (``"NDCG:top=5"`` -> NDCG), or None if unknown."""
    metric_class: Any = getattr(catboost.metrics, metric.split(":")[0], None)
    try:
        built = metric_class()
    except Exception:  # not a metric class, or one that needs arguments
        return None
    if not hasattr(built, "is_max_optimal"):
        return None
    return bool(built.is_max_optimal())


class CatBoostPruningCallback:
    """A CatBoost callback that reports an evaluation metric and stops unpromising trials.

    The step is the iteration (0-based, the index in ``model.get_evals_result()``).
    CatBoost turns any exception raised inside a callback into a ``CatBoostError``, so a
    pruned trial does not raise from ``fit``: the callback returns False, which makes
    CatBoost stop training, and :meth:`check_pruned`, called after ``fit``, raises
    ``TrialPruned``. A trial that is not pruned trains exactly as without the callback.
    CatBoost runs Python callbacks on CPU training only.

    Args:
        trial: The trial being evaluated.
        metric: The evaluation metric to monitor as CatBoost names it, e.g. ``"Logloss"``,
            ``"AUC"`` or ``"Precision:class=1"`` (``eval_metric`` and ``custom_metric``
            choose what is evaluated).
        eval_set_index: Which ``eval_set`` to monitor. None for a single evaluation set
            (CatBoost's ``"validation"``); with several, their index (``"validation_<i>"``).

    Raises:
        ValueError: If ``metric`` is not a non-empty str or ``eval_set_index`` is not None
            or a non-negative int. During training: if the evaluation set or ``metric`` was
            not evaluated (the message lists what was), or if a metric's direction differs
            from the study's; CatBoost re-raises these as ``catboost.CatBoostError``
            carrying the message.

    Example:
        .. code-block:: python

            def objective(trial):
                model = catboost.CatBoostClassifier(
                    iterations=200, depth=trial.suggest_int("depth", 2, 8), eval_metric="AUC")
                pruning = CatBoostPruningCallback(trial, "AUC")
                model.fit(X_train, y_train, eval_set=[(X_valid, y_valid)], callbacks=[pruning])
                pruning.check_pruned()
                return model.get_best_score()["validation"]["AUC"]
    """

    def __init__(self, trial: Trial, metric: str, eval_set_index: int | None = None) -> None:
        if not isinstance(metric, str) or not metric:
            raise ValueError(f"{_CALLER}: metric must be a non-empty str, got metric={metric!r}")
        check_count(_CALLER, "eval_set_index", eval_set_index, allow_none=True)
        self._trial = trial
        self._metric = metric
        self._eval_set_index = eval_set_index
        self._valid_name = "validation" if eval_set_index is None else f"validation_{eval_set_index}"
        self._direction_checked = False
        self._pruned: TrialPruned | None = None

    def after_iteration(self, info: Any) -> bool:
        """Report the metric of the iteration CatBoost just finished and ask the pruner.

        Args:
            info: CatBoost's namespace with ``iteration`` (1-based) and ``metrics``
                (evaluation set -> metric -> values so far).

        Returns:
            True to continue training, False to stop it because the trial was pruned.
        """
        step = info.iteration - 1
        evaluated = info.metrics
        if self._valid_name not in evaluated:
            sets = ", ".join(repr(name) for name in evaluated if name != "learn") or "none"
            raise ValueError(
                f"{_CALLER}: eval_set_index={self._eval_set_index!r} selects the evaluation set "
                f"{self._valid_name!r}, which CatBoost did not evaluate; evaluated sets: {sets}"
            )
        history = evaluated[self._valid_name]
        if self._metric not in history:
            raise missing_metric_error(_CALLER, "metric", self._metric, history.keys())
        if not self._direction_checked:
            maximize = _maximized(self._metric)
            if maximize is not None:
                check_direction(self._trial, maximize=maximize, caller=_CALLER, metric=self._metric)
            self._direction_checked = True
        try:
            report_and_prune(self._trial, history[self._metric][-1], step, what="iteration")
        except TrialPruned as pruned:
            self._pruned = pruned
            return False
        return True

    def check_pruned(self) -> None:
        """Raise ``TrialPruned`` if training stopped because the trial was pruned.

        Raises:
            albacore.TrialPruned: Naming the iteration, if the pruner stopped the trial.
        """
        if self._pruned is not None:
            raise TrialPruned(str(self._pruned))
