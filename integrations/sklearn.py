"""scikit-learn integration: AlbacoreSearchCV, a hyperparameter search estimator.

Importing this module imports scikit-learn (the search subclasses ``BaseEstimator``);
without it, the import raises an ImportError naming ``pip install 'albacore[sklearn]'``.
"""

from __future__ import annotations

import copy
import numbers
import time
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

import albacore
from albacore import logging as albacore_logging
from albacore._imports import require
from albacore._study_types import StudyDirection
from albacore.distributions import BaseDistribution, FloatDistribution, IntDistribution
from albacore.exceptions import TrialPruned
from albacore.integrations._pruning import pruned_message
from albacore.study import Study
from albacore.trial import FrozenTrial, Trial, TrialState

sklearn = require("sklearn", extra="sklearn", feature="albacore.integrations.sklearn")
from sklearn.base import BaseEstimator, MetaEstimatorMixin, clone, is_classifier  # noqa: E402
from sklearn.metrics import check_scoring  # noqa: E402
from sklearn.model_selection import check_cv, cross_validate  # noqa: E402
from sklearn.utils import _safe_indexing, check_random_state, indexable  # noqa: E402
from sklearn.utils import get_tags  # noqa: E402
from sklearn.utils.metaestimators import available_if  # noqa: E402
from sklearn.utils.validation import check_is_fitted  # noqa: E402

__all__ = ["AlbacoreSearchCV"]

_logger = albacore_logging.get_logger(__name__)
_CALLER = "AlbacoreSearchCV"
_ATTR = "sklearn:"  # prefix of the user attributes holding per-trial CV results


def _suggest(trial: Trial, name: str, dist: BaseDistribution) -> Any:
    if isinstance(dist, FloatDistribution):
        return trial.suggest_float(name, dist.low, dist.high, log=dist.log, step=dist.step)
    if isinstance(dist, IntDistribution):
        return trial.suggest_int(name, dist.low, dist.high, log=dist.log, step=dist.step)
    return trial.suggest_categorical(name, dist.choices)


def _estimator_has(attr: str) -> Callable[[Any], bool]:
    def check(search: Any) -> bool:
        search._check_refitted(attr)
        if hasattr(search, "best_estimator_"):
            return hasattr(search.best_estimator_, attr)
        return hasattr(search.estimator, attr)

    return check


class _Objective:
    """Evaluates one parameter setting by cross-validation (with or without pruning)."""

    def __init__(self, search: AlbacoreSearchCV, X: Any, y: Any, splits: list, scorer: Any, fit_params: dict) -> None:
        self.search = search
        self.X, self.y = X, y
        self.splits = splits
        self.scorer = scorer
        self.fit_params = fit_params
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
        params = {name: _suggest(trial, name, d) for name, d in self.search.param_distributions.items()}
        estimator = clone(self.search.estimator).set_params(**params)
        if self.search.enable_pruning:
            results = self._partial_fit_and_score(trial, estimator)
        else:
            results = cross_validate(
                estimator, self.X, self.y, scoring=self.scorer, cv=self.splits, n_jobs=1,
                params=self.fit_params, return_train_score=self.search.return_train_score,
                error_score=self.search.error_score,
            )
        self._record(trial, results)
        return float(np.mean(results["test_score"]))

    def reproduce_failure(self, params: dict[str, Any]) -> None:
        """Rerun one failed setting with ``error_score="raise"`` to surface its exception."""
        estimator = clone(self.search.estimator).set_params(**params)
        cross_validate(estimator, self.X, self.y, scoring=self.scorer, cv=self.splits,
                       params=self.fit_params, error_score="raise")

    def _record(self, trial: Trial, results: Mapping[str, Any]) -> None:
        for key, values in results.items():
            trial.set_user_attr(_ATTR + key, [float(v) for v in values])

    def _partial_fit_and_score(self, trial: Trial, estimator: Any) -> dict[str, list[float]]:
        n = len(self.splits)
        estimators = [clone(estimator) for _ in range(n)]
        results: dict[str, list[float]] = {"fit_time": [0.0] * n, "score_time": [0.0] * n}
        extra = {"classes": np.unique(self.y)} if is_classifier(estimator) else {}
        for epoch in range(self.search.max_iter):
            tests, trains = [], []
            for i, (train, test) in enumerate(self.splits):
                X_train, y_train = _safe_indexing(self.X, train), _safe_indexing(self.y, train)
                X_test, y_test = _safe_indexing(self.X, test), _safe_indexing(self.y, test)
                start = time.perf_counter()
                estimators[i].partial_fit(X_train, y_train, **extra, **self.fit_params)
                results["fit_time"][i] += time.perf_counter() - start
                start = time.perf_counter()
                tests.append(float(self.scorer(estimators[i], X_test, y_test)))
                results["score_time"][i] += time.perf_counter() - start
                if self.search.return_train_score:
                    trains.append(float(self.scorer(estimators[i], X_train, y_train)))
            results["test_score"] = tests
            if trains:
                results["train_score"] = trains
            mean = float(np.mean(tests))
            trial.report(mean, epoch)
            if trial.should_prune():
                self._record(trial, results)
                raise TrialPruned(pruned_message(trial.number, epoch, mean, "epoch"))
        return results


class AlbacoreSearchCV(MetaEstimatorMixin, BaseEstimator):
    """Hyperparameter search with cross-validation, driven by an albacore study.

    Each trial samples a parameter setting from ``param_distributions`` (with the study's
    sampler), cross-validates a clone of ``estimator`` with it and returns the mean test
    score, which the study maximizes. Parameters are checked when ``fit`` is called.

    Args:
        estimator: A scikit-learn estimator (with ``partial_fit`` when ``enable_pruning``).
        param_distributions: Parameter name -> albacore distribution, e.g.
            ``{"C": FloatDistribution(1e-3, 1e3, log=True)}``.
        cv: Number of folds, a CV splitter or an iterable of splits (default 5-fold,
            stratified for classifiers).
        enable_pruning: Train with ``partial_fit`` one epoch at a time (up to ``max_iter``),
            report the mean test score after each, and let the study's pruner stop the trial.
        error_score: Score of a fold whose fit fails, or ``"raise"``.
        max_iter: Maximum epochs per trial when ``enable_pruning``.
        n_jobs: Trials run in parallel threads (None: 1, -1: one per CPU).
        n_trials: Number of trials (None: until ``timeout``).
        random_state: Seed of the sampler of the study created when ``study`` is None, and
            of ``subsample``.
        refit: Refit the best setting on the whole data as ``best_estimator_``.
        return_train_score: Also compute training scores.
        scoring: A scorer name, a callable ``scorer(estimator, X, y)`` or None (the
            estimator's ``score``).
        study: The study to run the trials in (direction must be maximize); a new in-memory
            study when None.
        subsample: Fraction (float in (0, 1]) or number (int) of samples used by the trials;
            the refit uses all samples.
        timeout: Seconds after which no new trial starts.
        verbose: Log the search's progress when > 0.
        callbacks: ``callback(study, frozen_trial)`` called after each trial.

    Example:
        .. code-block:: python

            search = AlbacoreSearchCV(
                LogisticRegression(max_iter=500),
                {"C": albacore.distributions.FloatDistribution(1e-3, 1e3, log=True)},
                n_trials=20, cv=3,
            )
            search.fit(X, y)
            print(search.best_params_, search.best_score_)
    """

    def __init__(
        self,
        estimator: Any,
        param_distributions: Mapping[str, BaseDistribution],
        *,
        cv: Any = None,
        enable_pruning: bool = False,
        error_score: Any = np.nan,
        max_iter: int = 1000,
        n_jobs: int | None = None,
        n_trials: int | None = 10,
        random_state: Any = None,
        refit: bool = True,
        return_train_score: bool = False,
        scoring: Any = None,
        study: Study | None = None,
        subsample: float | int = 1.0,
        timeout: float | None = None,
        verbose: int = 0,
        callbacks: list[Callable[[Study, FrozenTrial], None]] | None = None,
    ) -> None:
        self.estimator = estimator
        self.param_distributions = param_distributions
        self.cv = cv
        self.enable_pruning = enable_pruning
        self.error_score = error_score
        self.max_iter = max_iter
        self.n_jobs = n_jobs
        self.n_trials = n_trials
        self.random_state = random_state
        self.refit = refit
        self.return_train_score = return_train_score
        self.scoring = scoring
        self.study = study
        self.subsample = subsample
        self.timeout = timeout
        self.verbose = verbose
        self.callbacks = callbacks

    # --- scikit-learn protocol --------------------------------------------------------------
    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        inner = get_tags(self.estimator)
        tags.estimator_type = inner.estimator_type
        tags.classifier_tags = copy.deepcopy(inner.classifier_tags)
        tags.regressor_tags = copy.deepcopy(inner.regressor_tags)
        tags.transformer_tags = copy.deepcopy(inner.transformer_tags)
        tags.input_tags.pairwise = inner.input_tags.pairwise
        tags.input_tags.sparse = inner.input_tags.sparse
        tags.input_tags.allow_nan = inner.input_tags.allow_nan
        tags.target_tags.required = inner.target_tags.required
        tags.target_tags.multi_output = inner.target_tags.multi_output
        return tags

    @property
    def classes_(self) -> np.ndarray:
        """The class labels of the best estimator (classifiers only)."""
        self._check_refitted("classes_")
        return self.best_estimator_.classes_

    @property
    def n_features_in_(self) -> int:
        """Number of features seen by the best estimator's fit."""
        self._check_refitted("n_features_in_")
        return self.best_estimator_.n_features_in_

    def _check_refitted(self, attr: str) -> None:
        if not self.refit and hasattr(self, "study_"):
            raise AttributeError(
                f"{_CALLER} was created with refit=False; {attr} is available only after refitting"
            )

    # --- validation -------------------------------------------------------------------------
    def _check_params(self) -> None:
        def bad(name: str, expected: str) -> ValueError:
            return ValueError(f"{_CALLER}.fit: {name} must be {expected}, got {name}={getattr(self, name)!r}")

        if not isinstance(self.param_distributions, Mapping):
            raise TypeError(
                f"{_CALLER}.fit: param_distributions must be a dict of name -> distribution, "
                f"got param_distributions={self.param_distributions!r}"
            )
        for name, dist in self.param_distributions.items():
            if not isinstance(dist, BaseDistribution):
                raise TypeError(
                    f"{_CALLER}.fit: param_distributions[{name!r}] must be an albacore distribution, got {dist!r}"
                )
        if not _is_int(self.max_iter) or self.max_iter < 1:
            raise bad("max_iter", "a positive int")
        if self.n_trials is not None and (not _is_int(self.n_trials) or self.n_trials < 1):
            raise bad("n_trials", "a positive int or None")
        if self.timeout is not None and not (isinstance(self.timeout, numbers.Real) and self.timeout > 0):
            raise bad("timeout", "a positive number or None")
        if not (isinstance(self.error_score, numbers.Number) or self.error_score == "raise"):
            raise bad("error_score", "a number or 'raise'")
        if not isinstance(self.subsample, numbers.Real) or isinstance(self.subsample, bool):
            raise bad("subsample", "a float in (0, 1] or a positive int")
        if isinstance(self.subsample, float) and not 0.0 < self.subsample <= 1.0:
            raise bad("subsample", "a float in (0, 1] or a positive int")
        if _is_int(self.subsample) and self.subsample < 1:
            raise bad("subsample", "a float in (0, 1] or a positive int")
        if self.enable_pruning and not hasattr(self.estimator, "partial_fit"):
            raise ValueError(
                f"{_CALLER}.fit: enable_pruning=True needs an estimator with partial_fit, "
                f"got estimator={self.estimator!r}"
            )
        if self.study is not None and self.study.directions != [StudyDirection.MAXIMIZE]:
            raise ValueError(f"{_CALLER}.fit: study must maximize the score, got study={self.study!r}")

    def _make_study(self, random_state: np.random.RandomState) -> Study:
        if self.study is not None:
            return self.study
        seed = int(random_state.randint(2**31 - 1))
        samplers = albacore.samplers
        sampler = samplers.TPESampler(seed=seed) if hasattr(samplers, "TPESampler") else samplers.RandomSampler(seed=seed)
        return albacore.create_study(direction="maximize", sampler=sampler)

    def _subsample(self, X: Any, y: Any, groups: Any, random_state: np.random.RandomState) -> tuple:
        n = len(X) if not hasattr(X, "shape") else X.shape[0]
        size = self.subsample if _is_int(self.subsample) else int(round(self.subsample * n))
        if size >= n:
            return X, y, groups
        index = np.sort(random_state.choice(n, max(size, 1), replace=False))
        pick = (lambda a: None if a is None else _safe_indexing(a, index))
        return pick(X), pick(y), pick(groups)

    # --- fit --------------------------------------------------------------------------------
    def fit(self, X: Any, y: Any = None, groups: Any = None, **fit_params: Any) -> AlbacoreSearchCV:
        """Run the search, then (with ``refit``) fit the best setting on all of ``X``.

        Args:
            X: Training data.
            y: Targets (None for unsupervised estimators).
            groups: Group labels for group-aware CV splitters.
            **fit_params: Passed to the estimator's ``fit`` (``partial_fit`` with pruning).

        Returns:
            self.

        Raises:
            ValueError: On a bad parameter of the search (see the class docstring).
            TypeError: If ``param_distributions`` is not a dict of distributions.
        """
        self._check_params()
        if y is None and get_tags(self.estimator).target_tags.required:
            raise ValueError(
                f"{_CALLER}.fit: {type(self.estimator).__name__} requires y to be passed, but the target y is None"
            )
        X, y, groups = indexable(X, y, groups)
        random_state = check_random_state(self.random_state)
        classifier = is_classifier(self.estimator)
        self.scorer_ = check_scoring(self.estimator, scoring=self.scoring)
        X_sub, y_sub, groups_sub = self._subsample(X, y, groups, random_state)
        cv = check_cv(self.cv, y_sub, classifier=classifier)
        splits = list(cv.split(X_sub, y_sub, groups_sub))
        self.n_splits_ = len(splits)
        self.study_ = self._make_study(random_state)
        objective = _Objective(self, X_sub, y_sub, splits, self.scorer_, fit_params)
        if self.verbose > 0:
            _logger.info("%s: searching %d parameters with %s trials", _CALLER, len(self.param_distributions), self.n_trials)
        self.study_.optimize(
            objective, n_trials=self.n_trials, timeout=self.timeout, n_jobs=self.n_jobs or 1,
            catch=() if self.error_score == "raise" else (Exception,), callbacks=self.callbacks,
        )
        self.trials_ = self.study_.trials
        self.n_trials_ = len(self.trials_)
        self.cv_results_ = _cv_results(self.trials_, self.n_splits_, self.return_train_score)
        complete = [t for t in self.trials_ if t.state == TrialState.COMPLETE]
        if not complete:
            if objective.errors:
                raise objective.errors[0]
            if self.trials_ and not self.enable_pruning:
                objective.reproduce_failure(self.trials_[0].params)
            raise ValueError(f"{_CALLER}.fit: no trial completed; see the trials' states in study_")
        best = max(complete, key=lambda t: t.value)
        self.best_index_ = self.trials_.index(best)
        self.best_params_ = dict(best.params)
        self.best_score_ = float(best.value)
        self.best_trial_ = best
        if self.refit:
            self._refit(X, y, fit_params)
        return self

    def _refit(self, X: Any, y: Any, fit_params: dict) -> None:
        self.best_estimator_ = clone(self.estimator).set_params(**self.best_params_)
        start = time.perf_counter()
        if y is None:
            self.best_estimator_.fit(X, **fit_params)
        else:
            self.best_estimator_.fit(X, y, **fit_params)
        self.refit_time_ = time.perf_counter() - start

    # --- delegation -------------------------------------------------------------------------
    @available_if(_estimator_has("predict"))
    def predict(self, X: Any) -> Any:
        """Predict with the best estimator."""
        check_is_fitted(self, "best_estimator_")
        return self.best_estimator_.predict(X)

    @available_if(_estimator_has("predict_proba"))
    def predict_proba(self, X: Any) -> Any:
        """Class probabilities from the best estimator."""
        check_is_fitted(self, "best_estimator_")
        return self.best_estimator_.predict_proba(X)

    @available_if(_estimator_has("predict_log_proba"))
    def predict_log_proba(self, X: Any) -> Any:
        """Log class probabilities from the best estimator."""
        check_is_fitted(self, "best_estimator_")
        return self.best_estimator_.predict_log_proba(X)

    @available_if(_estimator_has("decision_function"))
    def decision_function(self, X: Any) -> Any:
        """Decision function of the best estimator."""
        check_is_fitted(self, "best_estimator_")
        return self.best_estimator_.decision_function(X)

    @available_if(_estimator_has("transform"))
    def transform(self, X: Any) -> Any:
        """Transform with the best estimator."""
        check_is_fitted(self, "best_estimator_")
        return self.best_estimator_.transform(X)

    @available_if(_estimator_has("inverse_transform"))
    def inverse_transform(self, X: Any) -> Any:
        """Inverse-transform with the best estimator."""
        check_is_fitted(self, "best_estimator_")
        return self.best_estimator_.inverse_transform(X)

    @available_if(_estimator_has("score_samples"))
    def score_samples(self, X: Any) -> Any:
        """Per-sample scores of the best estimator."""
        check_is_fitted(self, "best_estimator_")
        return self.best_estimator_.score_samples(X)

    def score(self, X: Any, y: Any = None) -> float:
        """Score the best estimator with the search's scorer (``scoring``).

        Returns:
            The score of ``best_estimator_`` on ``X``, ``y``.
        """
        self._check_refitted("score")
        check_is_fitted(self, "best_estimator_")
        return float(self.scorer_(self.best_estimator_, X, y))


def _is_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _cv_results(trials: list[FrozenTrial], n_splits: int, train: bool) -> dict[str, Any]:
    """The ``cv_results_`` table: one row per trial, like scikit-learn's searches."""
    n = len(trials)
    kinds = ["test"] + (["train"] if train else [])
    results: dict[str, Any] = {}
    for key in ("fit_time", "score_time"):
        rows = [t.user_attrs.get(_ATTR + key, [np.nan] * n_splits) for t in trials]
        results[f"mean_{key}"] = np.array([np.mean(r) for r in rows])
        results[f"std_{key}"] = np.array([np.std(r) for r in rows])
    names = sorted({name for t in trials for name in t.params})
    for name in names:
        column = np.ma.MaskedArray(np.empty(n, dtype=object), mask=True)
        for i, t in enumerate(trials):
            if name in t.params:
                column[i] = t.params[name]
        results[f"param_{name}"] = column
    results["params"] = [dict(t.params) for t in trials]
    for kind in kinds:
        rows = np.array([t.user_attrs.get(_ATTR + f"{kind}_score", [np.nan] * n_splits) for t in trials], dtype=float)
        rows = rows.reshape(n, n_splits)
        for split in range(n_splits):
            results[f"split{split}_{kind}_score"] = rows[:, split]
        complete = np.array([t.state == TrialState.COMPLETE for t in trials], dtype=bool)
        means = np.where(complete, rows.mean(axis=1) if n else np.empty(0), np.nan)
        results[f"mean_{kind}_score"] = means
        results[f"std_{kind}_score"] = np.where(complete, rows.std(axis=1) if n else np.empty(0), np.nan)
        if kind == "test":
            order = np.argsort(np.where(np.isnan(means), -np.inf, -means), kind="stable")
            ranks = np.empty(n, dtype=np.int32)
            ranks[order] = np.arange(1, n + 1)
            results["rank_test_score"] = ranks
    results["state"] = [t.state.name for t in trials]
    return results

