"""One trial of AlbacoreSearchCV: a parameter setting, cross-validated on fixed folds.

Without pruning a trial is one ``cross_validate`` call. With pruning it trains each fold's
clone with ``partial_fit`` one epoch at a time, scores every fold after each epoch and
reports the mean to the study's pruner; that loop is the only fold loop written here.
"""

from __future__ import annotations

import numbers
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import cross_validate
from sklearn.utils import Bunch, _safe_indexing

from albacore.distributions import BaseDistribution, CategoricalDistribution, FloatDistribution, IntDistribution
from albacore.exceptions import TrialPruned
from albacore.integrations._pruning import pruned_message
from albacore.integrations.sklearn._results import metric_names, record
from albacore.trial import Trial

if TYPE_CHECKING:
    from albacore.study import Study

CALLER = "AlbacoreSearchCV"


def n_rows(value: Any) -> int | None:
    """The number of samples of an array-like (its first axis), None for anything else."""
    if value is None or isinstance(value, (str, bytes, Mapping)) or np.isscalar(value):
        return None
    shape = getattr(value, "shape", None)
    if shape is not None:
        return int(shape[0]) if len(shape) else None
    return len(value) if hasattr(value, "__len__") else None


def take_rows(params: Mapping[str, Any], n_samples: int | None, rows: np.ndarray) -> dict[str, Any]:
    """Index every value with one entry per sample (weights, groups...) by ``rows``.

    Values of another length (``classes``, a scalar option) pass through unchanged, the
    rule scikit-learn's own searches apply to fit parameters.
    """
    return {key: _safe_indexing(value, rows) if n_rows(value) == n_samples else value for key, value in params.items()}


def check_refit_metric(refit: Any, names: list[str]) -> None:
    """Raise a ValueError unless ``refit`` suits multi-metric scoring with these metric names."""
    if refit is False or callable(refit) or (isinstance(refit, str) and refit in names):
        return
    listed = ", ".join(repr(name) for name in names)
    raise ValueError(
        f"{CALLER}.fit: with multi-metric scoring, refit must be False, a callable or one of the "
        f"scorer names {listed}, got refit={refit!r}"
    )


@dataclass
class Folds:
    """What every trial of one ``fit`` shares: the (subsampled) data, folds and metadata.

    ``cv_params`` are the fit parameters handed to ``cross_validate`` (which routes them
    itself); ``routed`` holds them routed to the estimator's ``fit``/``partial_fit`` and the
    scorer's ``score``, for the pruning loop.
    """

    X: Any
    y: Any
    splits: list[tuple[np.ndarray, np.ndarray]]
    cv_params: dict[str, Any]
    routed: Bunch
    classes: np.ndarray | None


class Objective:
    """Evaluates one parameter setting per trial and returns its mean test score.

    Args:
        search: The AlbacoreSearchCV being fitted (its parameters are read, never written).
        folds: The data and folds shared by all trials.
        scorers: The scorer (``check_scoring``'s result), one metric or several.
        multimetric: Whether the scores are a dict of metrics.
    """

    def __init__(self, search: Any, folds: Folds, scorers: Any, multimetric: bool) -> None:
        self.search = search
        self.folds = folds
        self.scorers = scorers
        self.multimetric = multimetric
        self.errors: list[Exception] = []

    def __call__(self, trial: Trial) -> float:
        try:
            return self._evaluate(trial)
        except TrialPruned:
            raise
        except Exception as exc:
            self.errors.append(exc)
            raise

    def _evaluate(self, trial: Trial) -> float:
        params = {name: _suggest(trial, name, dist) for name, dist in self.search.param_distributions.items()}
        estimator = clone(self.search.estimator).set_params(**params)
        if self.search.enable_pruning:
            results = self._partial_fit_epochs(trial, estimator)
        else:
            results = self._cross_validate(estimator, self.search.error_score)
        record(trial, results)
        return float(np.mean(results[f"test_{self.objective_metric(trial, results)}"]))

    def objective_metric(self, trial: Trial, results: Mapping[str, Any]) -> str:
        """The metric the study maximizes: ``refit``'s when it names one, else the first."""
        names = metric_names(results)
        self.multimetric = self.multimetric or names != ["score"]
        if not self.multimetric:
            return "score"
        try:
            check_refit_metric(self.search.refit, names)
        except ValueError:
            cast("Study", trial.study).stop()  # a callable scorer's metrics are known only now: stop early
            raise
        return self.search.refit if isinstance(self.search.refit, str) else names[0]

    def _cross_validate(self, estimator: Any, error_score: Any) -> dict[str, Any]:
        folds = self.folds
        results: dict[str, Any] = cross_validate(
            estimator, folds.X, folds.y, scoring=self.scorers, cv=folds.splits, params=folds.cv_params,
            return_train_score=self.search.return_train_score, error_score=error_score,
        )
        return results

    def reproduce_failure(self, params: dict[str, Any]) -> None:
        """Rerun a failed setting with ``error_score="raise"`` to surface its exception."""
        self._cross_validate(clone(self.search.estimator).set_params(**params), "raise")

    def _partial_fit_epochs(self, trial: Trial, estimator: Any) -> dict[str, list[float]]:
        folds = self.folds
        n_samples = n_rows(folds.X)
        fit_params = dict(folds.routed.estimator.partial_fit)
        if folds.classes is not None:
            fit_params.setdefault("classes", folds.classes)
        score_params = folds.routed.scorer.score
        models = [clone(estimator) for _ in folds.splits]
        n = len(folds.splits)
        results: dict[str, list[float]] = {"fit_time": [0.0] * n, "score_time": [0.0] * n}
        for epoch in range(self.search.max_iter):
            scores: dict[str, list[dict[str, float]]] = {"test": [], "train": []}
            for i, (train, test) in enumerate(folds.splits):
                X_train, y_train = _safe_indexing(folds.X, train), _rows_or_none(folds.y, train)
                start = time.perf_counter()
                models[i].partial_fit(X_train, y_train, **take_rows(fit_params, n_samples, train))
                results["fit_time"][i] += time.perf_counter() - start
                start = time.perf_counter()
                scores["test"].append(self._score(models[i], test, score_params, n_samples))
                results["score_time"][i] += time.perf_counter() - start
                if self.search.return_train_score:
                    scores["train"].append(self._score(models[i], train, score_params, n_samples))
            for kind, per_fold in scores.items():
                for name in per_fold[0] if per_fold else ():
                    results[f"{kind}_{name}"] = [fold[name] for fold in per_fold]
            value = float(np.mean(results[f"test_{self.objective_metric(trial, results)}"]))
            trial.report(value, epoch)
            if trial.should_prune():
                record(trial, results)
                raise TrialPruned(pruned_message(trial.number, epoch, value, "epoch"))
        return results

    def _score(
        self, model: Any, rows: np.ndarray, score_params: Mapping[str, Any], n_samples: int | None
    ) -> dict[str, float]:
        X, y = _safe_indexing(self.folds.X, rows), _rows_or_none(self.folds.y, rows)
        score = self.scorers(model, X, y, **take_rows(score_params, n_samples, rows))
        if isinstance(score, Mapping):
            return {name: float(value) for name, value in score.items()}
        return {"score": float(score)}


def _rows_or_none(y: Any, rows: np.ndarray) -> Any:
    return None if y is None else _safe_indexing(y, rows)


def _suggest(trial: Trial, name: str, dist: BaseDistribution) -> Any:
    if isinstance(dist, FloatDistribution):
        return trial.suggest_float(name, dist.low, dist.high, log=dist.log, step=dist.step)
    if isinstance(dist, IntDistribution):
        return trial.suggest_int(name, dist.low, dist.high, log=dist.log, step=dist.step)
    return trial.suggest_categorical(name, cast(CategoricalDistribution, dist).choices)


def is_int(value: Any) -> bool:
    """Whether ``value`` is an integer and not a bool."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)
