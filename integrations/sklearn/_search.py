"""AlbacoreSearchCV: a scikit-learn meta-estimator whose candidates come from a study."""

from __future__ import annotations

import copy
import numbers
import time
from collections.abc import Callable, Mapping
from typing import Any, cast

import numpy as np
import sklearn
from sklearn.base import BaseEstimator, MetaEstimatorMixin, clone, is_classifier
from sklearn.metrics import check_scoring
from sklearn.model_selection import check_cv
from sklearn.utils import Bunch, check_random_state, get_tags, indexable
from sklearn.utils.metadata_routing import (
    MetadataRouter,
    MethodMapping,
    get_routing_for_object,
    process_routing,
)
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted

import albacore
from albacore import logging as albacore_logging
from albacore._study_types import StudyDirection
from albacore.distributions import BaseDistribution
from albacore.integrations.sklearn._results import cv_results, recorded_metric_names
from albacore.integrations.sklearn._trials import (
    CALLER,
    Folds,
    Objective,
    check_refit_metric,
    is_int,
    n_rows,
    take_rows,
)
from albacore.study import Study
from albacore.trial import FrozenTrial, TrialState

_logger = albacore_logging.get_logger(__name__)
_FITTED = ("best_estimator_", "best_index_", "best_params_", "best_score_", "best_trial_", "feature_names_in_",
           "refit_time_")


def _routing_enabled() -> bool:
    return bool(sklearn.get_config().get("enable_metadata_routing", False))


def _estimator_has(attr: str) -> Callable[[Any], bool]:
    def check(search: Any) -> bool:
        search._check_refitted(attr)
        if hasattr(search, "best_estimator_"):
            return hasattr(search.best_estimator_, attr)
        return hasattr(search.estimator, attr)

    return check


def _can_fit_transform(search: Any) -> bool:
    return bool(search.refit) and hasattr(search.estimator, "transform")


class AlbacoreSearchCV(MetaEstimatorMixin, BaseEstimator):
    """Hyperparameter search with cross-validation, driven by an albacore study.

    Each trial samples a parameter setting from ``param_distributions`` (with the study's
    sampler), cross-validates a clone of ``estimator`` with it on folds fixed for the whole
    search and returns the mean test score, which the study maximizes. Parameters are
    checked when ``fit`` is called. Scoring, ``refit``, ``cv_results_`` and the ``best_*``
    attributes behave as in scikit-learn's ``GridSearchCV``, multi-metric scoring included.

    **Metadata.** Keyword arguments of ``fit`` (``sample_weight``...) follow scikit-learn's
    rules. With ``sklearn.set_config(enable_metadata_routing=True)`` they are routed by
    what the estimator (``fit``, and ``partial_fit`` with ``enable_pruning``), the scorer
    (``score``) and the CV splitter (``split``) request, as in ``GridSearchCV``; the search
    can itself sit in a ``Pipeline`` or in ``cross_validate``. Without routing they go to
    the estimator's ``fit`` (``partial_fit``), ``groups`` goes to the splitter and the fold
    scores are unweighted, as in ``cross_validate``. Either way, every array with one entry
    per sample is subsampled with the rows (``subsample``) and split with the folds.

    Args:
        estimator: A scikit-learn estimator (with ``partial_fit`` when ``enable_pruning``).
        param_distributions: Parameter name -> albacore distribution, e.g.
            ``{"C": FloatDistribution(1e-3, 1e3, log=True)}``.
        cv: Number of folds, a CV splitter or an iterable of splits (default 5-fold,
            stratified for classifiers).
        enable_pruning: Train with ``partial_fit`` one epoch at a time (up to ``max_iter``),
            report the mean test score after each, and let the study's pruner stop the trial.
            A fold that fails then fails the trial (``error_score`` does not apply).
        error_score: Score of a fold whose fit fails, or ``"raise"``.
        max_iter: Epochs per trial when ``enable_pruning``.
        n_jobs: Trials run in parallel threads (None: 1, -1: one per CPU).
        n_trials: Number of trials (None: until ``timeout``).
        random_state: Seed of the sampler of the study created when ``study`` is None, and
            of ``subsample``.
        refit: Whether and how to refit on the whole data as ``best_estimator_``: a bool; with
            multi-metric scoring, the name of the metric that picks the best trial (or
            False); or a callable taking ``cv_results_`` and returning the best row's index
            (then there is no ``best_score_``).
        return_train_score: Also compute training scores.
        scoring: A scorer name, a callable ``scorer(estimator, X, y)``, None (the estimator's
            ``score``), or several metrics: a list/tuple/set of names, a dict name -> scorer,
            or a callable returning a dict. The study maximizes the metric ``refit`` names,
            else the first metric.
        study: The study to run the trials in (direction must be maximize); a new in-memory
            study when None.
        subsample: Fraction (float in (0, 1]) or number (int) of samples used by the trials;
            the refit uses all samples.
        timeout: Seconds after which no new trial starts.
        verbose: Log the search's progress when > 0.
        callbacks: ``callback(study, frozen_trial)`` called after each trial.
        catch: With ``error_score="raise"``, exception classes that fail the trial instead
            of stopping the search (with a numeric ``error_score`` every exception does).

    Attributes:
        cv_results_: One row per trial of ``study_``: ``params``, ``param_<name>``,
            ``split<k>_test_<metric>``, ``mean_test_<metric>``, ``std_test_<metric>``,
            ``rank_test_<metric>`` (``<metric>`` is ``score`` for one metric), fold times and
            the trial ``state``; pruned and failed trials have NaN means.
        best_index_, best_params_, best_score_, best_trial_: The best row (by ``refit``'s
            metric, or the row ``refit`` returned), absent with multi-metric scoring and
            ``refit=False``; ``best_score_`` is absent with a callable ``refit``.
        best_estimator_, refit_time_, feature_names_in_: The refitted estimator (when
            ``refit``) and what it saw.
        scorer_: The scorer, or a dict name -> scorer for several metrics.
        multimetric_: Whether several metrics were scored.
        n_iter_: Training passes each completed trial made over a fold: ``max_iter``
            ``partial_fit`` epochs with ``enable_pruning``, else 1 (one ``fit``).
        n_splits_, study_, trials_, n_trials_: The folds, the study and its trials.

    Example:
        .. code-block:: python

            search = AlbacoreSearchCV(
                LogisticRegression(max_iter=500),
                {"C": albacore.distributions.FloatDistribution(1e-3, 1e3, log=True)},
                n_trials=20, cv=3, scoring={"acc": "accuracy", "f1": "f1"}, refit="f1",
            )
            search.fit(X, y)
            print(search.best_params_, search.best_score_, search.cv_results_["mean_test_acc"])
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
        refit: bool | str | Callable[[dict[str, Any]], int] = True,
        return_train_score: bool = False,
        scoring: Any = None,
        study: Study | None = None,
        subsample: float | int = 1.0,
        timeout: float | None = None,
        verbose: int = 0,
        callbacks: list[Callable[[Study, FrozenTrial], None]] | None = None,
        catch: type[Exception] | tuple[type[Exception], ...] = (),
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
        self.catch = catch

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

    def get_metadata_routing(self) -> MetadataRouter:
        """How ``fit`` and ``score`` route metadata (scikit-learn's metadata routing API).

        ``fit`` routes to the estimator's ``fit`` (and ``partial_fit`` with
        ``enable_pruning``), to the scorer's ``score`` and to the CV splitter's ``split``;
        ``score`` routes to the scorer's ``score``.

        Returns:
            A ``sklearn.utils.metadata_routing.MetadataRouter``.
        """
        fit = MethodMapping().add(caller="fit", callee="fit")
        if self.enable_pruning:
            fit.add(caller="fit", callee="partial_fit")
        router = MetadataRouter(owner=self)
        router.add(estimator=self.estimator, method_mapping=fit)
        router.add(
            scorer=check_scoring(self.estimator, scoring=self.scoring),
            method_mapping=MethodMapping().add(caller="fit", callee="score").add(caller="score", callee="score"),
        )
        router.add(splitter=self.cv, method_mapping=MethodMapping().add(caller="fit", callee="split"))
        return router

    @property
    def classes_(self) -> np.ndarray:
        """The class labels of the best estimator (classifiers only)."""
        self._check_refitted("classes_")
        return cast(np.ndarray, self.best_estimator_.classes_)

    @property
    def n_features_in_(self) -> int:
        """Number of features seen by the best estimator's fit."""
        self._check_refitted("n_features_in_")
        return int(self.best_estimator_.n_features_in_)

    @property
    def user_attrs_(self) -> dict[str, Any]:
        """The user attributes of ``study_``."""
        return self.study_.user_attrs

    @property
    def set_user_attr(self) -> Callable[[str, Any], None]:
        """``study_.set_user_attr``: ``search.set_user_attr(key, value)`` annotates the study."""
        return self.study_.set_user_attr

    @property
    def trials_dataframe(self) -> Callable[..., Any]:
        """``study_.trials_dataframe``: ``search.trials_dataframe()`` is a pandas DataFrame of the trials."""
        return self.study_.trials_dataframe

    def _catch_classes(self) -> tuple[type[BaseException], ...]:
        catch = (self.catch,) if isinstance(self.catch, type) else self.catch
        if not isinstance(catch, (tuple, list)) or not all(
            isinstance(c, type) and issubclass(c, BaseException) for c in catch
        ):
            raise TypeError(
                f"{CALLER}.fit: catch must be an exception class or a tuple of them, got catch={self.catch!r}"
            )
        return tuple(catch)

    def _check_refitted(self, attr: str) -> None:
        if not self.refit and hasattr(self, "study_"):
            raise AttributeError(f"{CALLER} was created with refit=False; {attr} is available only after refitting")

    # --- validation -------------------------------------------------------------------------
    def _check_params(self) -> None:
        def bad(name: str, expected: str) -> ValueError:
            return ValueError(f"{CALLER}.fit: {name} must be {expected}, got {name}={getattr(self, name)!r}")

        if not isinstance(self.param_distributions, Mapping):
            raise TypeError(
                f"{CALLER}.fit: param_distributions must be a dict of name -> distribution, "
                f"got param_distributions={self.param_distributions!r}"
            )
        for name, dist in self.param_distributions.items():
            if not isinstance(dist, BaseDistribution):
                raise TypeError(
                    f"{CALLER}.fit: param_distributions[{name!r}] must be an albacore distribution, got {dist!r}"
                )
        if not _is_positive_int(self.max_iter):
            raise bad("max_iter", "a positive int")
        if self.n_trials is not None and not _is_positive_int(self.n_trials):
            raise bad("n_trials", "a positive int or None")
        if self.timeout is not None and not (isinstance(self.timeout, numbers.Real) and self.timeout > 0):
            raise bad("timeout", "a positive number or None")
        if not (isinstance(self.error_score, numbers.Number) or self.error_score == "raise"):
            raise bad("error_score", "a number or 'raise'")
        self._catch_classes()
        if not (isinstance(self.refit, (bool, np.bool_, str)) or callable(self.refit)):
            raise TypeError(f"{CALLER}.fit: refit must be a bool, a str or a callable, got refit={self.refit!r}")
        subsample = self.subsample
        valid = _is_positive_int(subsample) or (
            isinstance(subsample, numbers.Real)
            and not is_int(subsample)
            and not isinstance(subsample, bool)
            and 0.0 < subsample <= 1.0
        )
        if not valid:
            raise bad("subsample", "a float in (0, 1] or a positive int")
        if self.enable_pruning and not hasattr(self.estimator, "partial_fit"):
            raise ValueError(
                f"{CALLER}.fit: enable_pruning=True needs an estimator with partial_fit, "
                f"got estimator={self.estimator!r}"
            )
        if self.study is not None and self.study.directions != [StudyDirection.MAXIMIZE]:
            raise ValueError(f"{CALLER}.fit: study must maximize the score, got study={self.study!r}")

    def _make_study(self, random_state: np.random.RandomState) -> Study:
        if self.study is not None:
            return self.study
        seed = int(random_state.randint(2**31 - 1))
        return albacore.create_study(direction="maximize", sampler=albacore.samplers.TPESampler(seed=seed))

    def _subsample_rows(self, n_samples: int, random_state: np.random.RandomState) -> np.ndarray | None:
        size = int(self.subsample) if is_int(self.subsample) else int(round(self.subsample * n_samples))
        if size >= n_samples:
            return None
        return np.sort(random_state.choice(n_samples, max(size, 1), replace=False))

    def _route(self, params: dict[str, Any]) -> Bunch:
        """Route ``fit``'s metadata: by the requests under routing, else scikit-learn's legacy way."""
        if _routing_enabled():
            return process_routing(self, "fit", **params)
        params = dict(params)
        groups = params.pop("groups", None)
        return Bunch(
            estimator=Bunch(fit=params, partial_fit=params),
            scorer=Bunch(score={}),
            splitter=Bunch(split={"groups": groups}),
        )

    def _cv_params(self, params: dict[str, Any], scorers: Any) -> dict[str, Any]:
        """The metadata ``cross_validate`` gets: what the estimator's fit or the scorer consume."""
        if not _routing_enabled():
            return {key: value for key, value in params.items() if key != "groups"}
        keys = set(params)
        used = get_routing_for_object(self.estimator).consumes("fit", keys)
        used |= get_routing_for_object(scorers).consumes("score", keys)
        return {key: value for key, value in params.items() if key in used}

    def _folds(self, X: Any, y: Any, params: dict[str, Any], scorers: Any, random_state: Any) -> Folds:
        """Subsample the rows and their metadata, route the metadata and split the folds."""
        classifier = is_classifier(self.estimator)
        classes = np.unique(y) if self.enable_pruning and classifier else None
        n_samples = cast(int, n_rows(X))  # fit's indexable() made X an array-like
        rows = self._subsample_rows(n_samples, random_state)
        if rows is not None:
            params = take_rows(params, n_samples, rows)
            X, y = take_rows({"X": X, "y": y}, n_samples, rows).values()
        routed = self._route(params)
        cv = check_cv(self.cv, y, classifier=classifier)
        splits = list(cv.split(X, y, **routed.splitter.split))
        return Folds(X, y, splits, self._cv_params(params, scorers), routed, classes)

    # --- fit --------------------------------------------------------------------------------
    def fit(self, X: Any, y: Any = None, groups: Any = None, **fit_params: Any) -> AlbacoreSearchCV:
        """Run the search, then (with ``refit``) fit the best setting on all of ``X``.

        Args:
            X: Training data.
            y: Targets (None for unsupervised estimators).
            groups: Group labels for group-aware CV splitters.
            **fit_params: Metadata such as ``sample_weight``, routed as the class docstring
                says.

        Returns:
            self.

        Raises:
            ValueError: On a bad parameter of the search (see the class docstring), or if no
                trial completed.
            TypeError: If ``param_distributions`` is not a dict of distributions or
                ``refit`` is neither a bool, a str nor a callable.
        """
        self._check_params()
        if y is None and get_tags(self.estimator).target_tags.required:
            raise ValueError(
                f"{CALLER}.fit: {type(self.estimator).__name__} requires y to be passed, but the target y is None"
            )
        for attr in _FITTED:
            self.__dict__.pop(attr, None)
        X, y, groups = indexable(X, y, groups)
        scorers = check_scoring(self.estimator, scoring=self.scoring)
        multimetric = isinstance(self.scoring, (list, tuple, set, dict))
        if multimetric:
            check_refit_metric(self.refit, _scorer_names(self.scoring))
        params = dict(fit_params) if groups is None else {**fit_params, "groups": groups}
        routed = self._route(params)
        random_state = check_random_state(self.random_state)
        folds = self._folds(X, y, params, scorers, random_state)
        self.study_ = self._make_study(random_state)
        self.n_splits_ = len(folds.splits)
        objective = Objective(self, folds, scorers, multimetric)
        if self.verbose > 0:
            _logger.info(
                "%s: searching %d parameters with %s trials", CALLER, len(self.param_distributions), self.n_trials
            )
        self.study_.optimize(
            objective,
            n_trials=self.n_trials,
            timeout=self.timeout,
            n_jobs=self.n_jobs or 1,
            # optimize catches any BaseException subclass; its annotation says Exception, as Optuna's.
            catch=cast("tuple[type[Exception], ...]", self._catch_classes())
            if self.error_score == "raise"
            else (Exception,),
            callbacks=self.callbacks,
        )
        self._summarize(objective, scorers)
        if self.refit:
            self._refit(X, y, routed.estimator.fit)
        return self

    def _summarize(self, objective: Objective, scorers: Any) -> None:
        self.trials_ = self.study_.trials
        self.n_trials_ = len(self.trials_)
        self.multimetric_ = objective.multimetric
        names = recorded_metric_names(self.trials_) or ["score"]
        self.cv_results_ = cv_results(self.trials_, self.n_splits_, names, self.return_train_score)
        self.n_iter_ = self.max_iter if self.enable_pruning else 1
        self.scorer_ = (
            _named_scorers(self.estimator, self.scoring)
            if isinstance(self.scoring, (list, tuple, set, dict))
            else scorers
        )
        if not any(t.state == TrialState.COMPLETE for t in self.trials_):
            if objective.errors:
                raise objective.errors[0]
            if self.trials_ and not self.enable_pruning:
                objective.reproduce_failure(self.trials_[0].params)
            raise ValueError(f"{CALLER}.fit: no trial completed; see the trials' states in study_")
        if self.multimetric_ and self.refit is False:
            return
        self.best_index_ = self._best_index()
        if not callable(self.refit):
            metric = self.refit if self.multimetric_ else "score"
            self.best_score_ = float(self.cv_results_[f"mean_test_{metric}"][self.best_index_])
        self.best_params_ = dict(self.cv_results_["params"][self.best_index_])
        self.best_trial_ = self.trials_[self.best_index_]

    def _best_index(self) -> int:
        if not callable(self.refit):
            metric = self.refit if self.multimetric_ else "score"
            return int(np.argmin(self.cv_results_[f"rank_test_{metric}"]))
        index = self.refit(self.cv_results_)
        if not is_int(index):
            raise TypeError(f"{CALLER}.fit: refit must return an int index into cv_results_, got {index!r}")
        if not 0 <= index < self.n_trials_:
            raise IndexError(f"{CALLER}.fit: refit returned {index}, outside the {self.n_trials_} rows of cv_results_")
        return int(index)

    def _refit(self, X: Any, y: Any, fit_params: dict[str, Any]) -> None:
        self.best_estimator_ = clone(self.estimator).set_params(**clone(self.best_params_, safe=False))
        start = time.perf_counter()
        if y is None:
            self.best_estimator_.fit(X, **fit_params)
        else:
            self.best_estimator_.fit(X, y, **fit_params)
        self.refit_time_ = time.perf_counter() - start
        if hasattr(self.best_estimator_, "feature_names_in_"):
            self.feature_names_in_ = self.best_estimator_.feature_names_in_

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

    @available_if(_can_fit_transform)
    def fit_transform(self, X: Any, y: Any = None, groups: Any = None, **fit_params: Any) -> Any:
        """Run :meth:`fit`, then transform ``X`` with the best estimator.

        Returns:
            ``best_estimator_.transform(X)``.
        """
        return self.fit(X, y, groups=groups, **fit_params).transform(X)

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

    def score(self, X: Any, y: Any = None, **params: Any) -> float:
        """Score the best estimator with the search's scorer (``refit``'s for several metrics).

        Args:
            X: Data.
            y: Targets (None for unsupervised estimators).
            **params: Metadata for the scorer (``sample_weight``...); needs metadata routing.

        Returns:
            The score of ``best_estimator_`` on ``X``, ``y``.

        Raises:
            ValueError: If ``params`` are given without metadata routing, or with several
                metrics when ``refit`` names none.
        """
        self._check_refitted("score")
        check_is_fitted(self, "best_estimator_")
        if params and not _routing_enabled():
            raise ValueError(
                f"{CALLER}.score got {', '.join(sorted(params))}; passing metadata to score needs "
                "sklearn.set_config(enable_metadata_routing=True)"
            )
        score_params = process_routing(self, "score", **params).scorer.score if params else {}
        if self.multimetric_ and not isinstance(self.refit, str):
            raise ValueError(f"{CALLER}.score: with several metrics refit must name one, got refit={self.refit!r}")
        # A dict of scorers means several metrics, for which refit names one (checked above).
        scorer = self.scorer_[cast(str, self.refit)] if isinstance(self.scorer_, dict) else self.scorer_
        value = scorer(self.best_estimator_, X, y, **score_params)
        return float(value[self.refit] if isinstance(value, Mapping) else value)


def _is_positive_int(value: Any) -> bool:
    return is_int(value) and value >= 1


def _scorer_names(scoring: Any) -> list[str]:
    return list(scoring) if not isinstance(scoring, set) else sorted(scoring)


def _named_scorers(estimator: Any, scoring: Any) -> dict[str, Any]:
    if isinstance(scoring, dict):
        return {name: check_scoring(estimator, scoring=value) for name, value in scoring.items()}
    return {name: check_scoring(estimator, scoring=name) for name in _scorer_names(scoring)}
