"""LightGBMPruningCallback: prune a trial from inside ``lightgbm.train`` / ``lightgbm.cv``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from albacore._imports import require
from albacore._validation import check_count
from albacore.integrations._pruning import (
    check_direction,
    check_metric_names,
    check_objective_count,
    missing_metric_error,
    report_and_prune,
)
from albacore.trial import Trial

_CALLER = "LightGBMPruningCallback"


class LightGBMPruningCallback:
    """A LightGBM callback that reports a validation metric and prunes unpromising trials.

    Works with ``lightgbm.train`` (the metric of the validation set ``valid_name``),
    ``lightgbm.cv`` (the cross-validation mean of the metric; ``valid_name`` is ignored)
    and the scikit-learn API (``LGBMClassifier.fit(..., callbacks=[...])``, where the first
    ``eval_set`` is named ``"valid_0"``). The boosting round (0-based) is the step.

    Args:
        trial: The trial being evaluated.
        metric: The evaluation metric to monitor, e.g. ``"binary_logloss"`` or ``"auc"``; in
            a multi-objective study, a sequence of metrics, one per objective in the order of
            ``study.directions`` (e.g. ``["binary_logloss", "auc"]``), reported together
            (each direction is checked against its objective's).
        valid_name: The name of the validation set, as given by ``valid_names`` in
            ``lightgbm.train`` (``"valid_0"`` is LightGBM's name for the first one).
        report_interval: Report (and consider pruning) every this many rounds.

    Raises:
        ValueError: If ``report_interval`` is not a positive int. During training: if
            ``metric`` or ``valid_name`` is not among what LightGBM evaluates (the message
            lists what is), or if the metric's direction differs from the study's.

    Example:
        .. code-block:: python

            def objective(trial):
                params = {"objective": "binary", "metric": "binary_logloss", "verbose": -1,
                          "num_leaves": trial.suggest_int("num_leaves", 2, 64)}
                pruning = LightGBMPruningCallback(trial, "binary_logloss")
                booster = lightgbm.train(params, dtrain, 100, valid_sets=[dvalid],
                                         callbacks=[pruning])
                return booster.best_score["valid_0"]["binary_logloss"]
    """

    def __init__(
        self, trial: Trial, metric: str | Sequence[str], valid_name: str = "valid_0", report_interval: int = 1
    ) -> None:
        require("lightgbm", extra="lightgbm", feature=_CALLER)
        check_count(_CALLER, "report_interval", report_interval, positive=True)
        self._trial = trial
        self._metric = metric if isinstance(metric, str) else check_metric_names(metric, caller=_CALLER, param="metric")
        self._valid_name = valid_name
        self._report_interval = report_interval
        self._direction_checked = False

    def __call__(self, env: Any) -> None:
        if (env.iteration + 1 - env.begin_iteration) % self._report_interval != 0:
            return
        entries = [_cv_entry(entry) for entry in env.evaluation_result_list or []]
        is_cv = any(len(entry) > 4 and entry[4] is not None for entry in entries)
        target = "valid" if is_cv else self._valid_name
        if not isinstance(self._metric, str):
            self._report_several(self._metric, entries, target, env.iteration)
            return
        for entry in entries:
            data_name, metric_name, value, higher_better = entry[0], entry[1], entry[2], entry[3]
            if data_name == target and metric_name == self._metric:
                if not self._direction_checked:
                    check_direction(self._trial, maximize=bool(higher_better), caller=_CALLER, metric=self._metric)
                    self._direction_checked = True
                report_and_prune(self._trial, value, env.iteration, what="boosting round")
                return
        self._raise_not_found(entries, target)

    def _report_several(self, names: tuple[str, ...], entries: list[Any], target: str, iteration: int) -> None:
        found = {entry[1]: entry for entry in entries if entry[0] == target}
        missing = next((name for name in names if name not in found), None)
        if missing is not None:
            self._raise_not_found(entries, target, missing)
        if not self._direction_checked:
            check_objective_count(self._trial, names, caller=_CALLER, param="metric")
            for index, name in enumerate(names):
                check_direction(
                    self._trial, maximize=bool(found[name][3]), caller=_CALLER, metric=name, objective=index
                )
            self._direction_checked = True
        report_and_prune(self._trial, [found[name][2] for name in names], iteration, what="boosting round")

    def _raise_not_found(self, entries: list[Any], target: str, metric: str | None = None) -> None:
        data_names = {entry[0] for entry in entries}
        if target not in data_names:
            raise missing_metric_error(_CALLER, "valid_name", target, data_names)
        metrics = {entry[1] for entry in entries if entry[0] == target}
        raise missing_metric_error(_CALLER, "metric", self._metric if metric is None else metric, metrics)


def _cv_entry(entry: tuple[Any, ...]) -> tuple[Any, ...]:
    """``lightgbm.cv``'s entry in the form of lightgbm 4.6+: ``("valid", "auc", mean, ...)``.

    Before 4.6 the data set was ``"cv_agg"`` and the metric ``"valid auc"``.
    """
    if entry[0] == "cv_agg" and " " in entry[1]:
        data_name, metric_name = entry[1].split(" ", 1)
        return (data_name, metric_name, *entry[2:])
    return entry
