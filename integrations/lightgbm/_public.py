"""The public tuners: LightGBMTuner (hold-out validation), LightGBMTunerCV, and train()."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from albacore._validation import check_int
from albacore.integrations.lightgbm._tuner import _BaseTuner
from albacore.study import Study
from albacore.trial import FrozenTrial


class LightGBMTuner(_BaseTuner):
    """Tune a LightGBM model stepwise, validating on a hold-out set.

    The stages, each with its own trial budget, are: ``feature_fraction`` (7 grid points),
    ``num_leaves`` (20), ``bagging`` (``bagging_fraction`` and ``bagging_freq``, 10),
    ``feature_fraction`` again around the best value (up to 5 grid points),
    ``regularization_factors`` (``lambda_l1``, ``lambda_l2``, 20) and
    ``min_child_samples`` (5 grid points). Each trial trains with ``lightgbm.train`` and the
    given ``callbacks`` (pass ``lightgbm.early_stopping(...)`` for early stopping); its score
    is the metric on the last validation set that is not ``train_set``.

    Args:
        params: LightGBM parameters; ``params["metric"]`` (or the objective's default
            metric) is optimized. Parameters a stage tunes are overwritten.
        train_set: The training ``lightgbm.Dataset``.
        num_boost_round: Maximum boosting rounds per trial.
        valid_sets: Validation datasets, as for ``lightgbm.train``.
        valid_names: Their names.
        feval: Custom evaluation function(s), as for ``lightgbm.train``.
        init_model: Model to continue training from, as for ``lightgbm.train``.
        keep_training_booster: As for ``lightgbm.train``.
        callbacks: LightGBM callbacks applied to every trial's training.
        time_budget: Seconds after which no new trial starts (None: no limit).
        sample_size: Tune on a random subset of this many training rows (None: all rows).
        study: The study recording the trials; created (in memory) when None. Its
            direction must match the metric's.
        study_callbacks: ``callback(study, frozen_trial)`` called after each trial.
        show_progress_bar: Show a progress bar per stage.
        model_dir: Directory where each completed trial's booster is saved as
            ``<trial number>.txt``, so ``get_best_booster`` works after a resumed run.
        seed: Seed of the sampler of the study created when ``study`` is None, and of the
            row subsample.

    Raises:
        TypeError: If ``params`` is not a dict or ``train_set`` not a ``lightgbm.Dataset``.
        ValueError: On a bad budget, a ``study`` whose direction does not match the metric,
            or no validation set.

    Example:
        .. code-block:: python

            tuner = LightGBMTuner({"objective": "binary", "metric": "binary_logloss"},
                                  dtrain, valid_sets=[dvalid],
                                  callbacks=[lightgbm.early_stopping(20)])
            tuner.run()
            print(tuner.best_params, tuner.best_score)
            booster = tuner.get_best_booster()
    """

    _caller = "LightGBMTuner"

    def __init__(
        self,
        params: dict[str, Any],
        train_set: Any,
        num_boost_round: int = 1000,
        valid_sets: list[Any] | None = None,
        valid_names: list[str] | None = None,
        feval: Callable[..., Any] | list[Callable[..., Any]] | None = None,
        init_model: Any = None,
        keep_training_booster: bool = False,
        callbacks: list[Callable[..., Any]] | None = None,
        time_budget: float | None = None,
        sample_size: int | None = None,
        study: Study | None = None,
        study_callbacks: Sequence[Callable[[Study, FrozenTrial], None]] | None = None,
        show_progress_bar: bool = True,
        model_dir: str | None = None,
        seed: int | None = None,
    ) -> None:
        super().__init__(
            params, train_set, num_boost_round=num_boost_round, callbacks=callbacks,
            time_budget=time_budget, sample_size=sample_size, study=study,
            study_callbacks=study_callbacks, show_progress_bar=show_progress_bar,
            model_dir=model_dir, seed=seed,
        )
        self.valid_sets = list(valid_sets or [])
        self.valid_names = valid_names
        self.feval = feval
        self.init_model = init_model
        self.keep_training_booster = keep_training_booster
        self.valid_name = self._valid_name()

    def _valid_name(self) -> str:
        names = self.valid_names or [f"valid_{i}" for i in range(len(self.valid_sets))]
        if len(names) != len(self.valid_sets):
            raise ValueError(
                f"LightGBMTuner: valid_names must have one name per valid set, got "
                f"{len(names)} names for {len(self.valid_sets)} valid_sets"
            )
        candidates = [n for n, s in zip(names, self.valid_sets) if s is not self.train_set]
        if not candidates:
            raise ValueError(
                "LightGBMTuner: valid_sets must contain a validation set other than train_set, "
                f"got valid_sets={self.valid_sets!r}"
            )
        return candidates[-1]

    def _train(self, params: dict[str, Any]) -> tuple[float, Any]:
        valid_sets = [self._tuning_set if s is self.train_set else s for s in self.valid_sets]
        booster = self._lgb.train(
            params, self._tuning_set, num_boost_round=self.num_boost_round,
            valid_sets=valid_sets, valid_names=self.valid_names, feval=self.feval,
            init_model=self.init_model, keep_training_booster=self.keep_training_booster,
            callbacks=self.callbacks,
        )
        return _lookup(booster.best_score[self.valid_name], self.metric, "LightGBMTuner"), booster

    def get_best_booster(self) -> Any:
        """Return the booster of the best trial.

        It comes from this run, from ``model_dir``, or else is retrained with the best
        parameters (resumed studies without ``model_dir``).

        Returns:
            A ``lightgbm.Booster``.

        Raises:
            ValueError: If no trial has completed.
        """
        best = self._best_trial()
        if best is None:
            raise ValueError("LightGBMTuner.get_best_booster: no trial has completed yet; call run() first")
        if best.number in self._boosters:
            return self._boosters[best.number]
        path = os.path.join(self.model_dir, f"{best.number}.txt") if self.model_dir else None
        if path is not None and os.path.exists(path):
            return self._lgb.Booster(model_file=path)
        if not hasattr(self, "_tuning_set"):
            self._tuning_set = self._sample(self.train_set)
        return self._train(self.best_params)[1]


class LightGBMTunerCV(_BaseTuner):
    """Tune a LightGBM model stepwise, scoring each trial by ``lightgbm.cv``.

    The stages are those of :class:`LightGBMTuner`; a trial's score is the cross-validated
    mean of the metric at the last round (the best round under early stopping).

    Args:
        params: LightGBM parameters, as for :class:`LightGBMTuner`.
        train_set: The ``lightgbm.Dataset`` to cross-validate on.
        num_boost_round: Maximum boosting rounds per trial.
        folds: Splits or a scikit-learn splitter, as for ``lightgbm.cv``.
        nfold: Number of folds when ``folds`` is None.
        stratified: Stratified folds (classification only).
        shuffle: Shuffle before splitting.
        feval: Custom evaluation function(s).
        init_model: Model to continue training from.
        fpreproc: Per-fold preprocessing function, as for ``lightgbm.cv``.
        seed: Seed of the fold split, of the sampler of the study created when ``study``
            is None, and of the row subsample.
        callbacks: LightGBM callbacks applied to every trial's training.
        time_budget: Seconds after which no new trial starts.
        sample_size: Tune on a random subset of this many rows.
        study: The study recording the trials (created when None).
        study_callbacks: ``callback(study, frozen_trial)`` called after each trial.
        show_progress_bar: Show a progress bar per stage.
        model_dir: Directory for the boosters of completed trials (with
            ``return_cvbooster=True``).
        return_cvbooster: Keep the ``lightgbm.CVBooster`` of the best trial for
            :meth:`get_best_booster`.

    Raises:
        TypeError: If ``params`` is not a dict or ``train_set`` not a ``lightgbm.Dataset``.
        ValueError: On a bad budget or a ``study`` whose direction does not match the metric.

    Example:
        .. code-block:: python

            tuner = LightGBMTunerCV({"objective": "binary", "metric": "auc"}, dtrain,
                                    nfold=3, callbacks=[lightgbm.early_stopping(20)],
                                    time_budget=60)
            tuner.run()
            print(tuner.best_params, tuner.best_score)
    """

    _caller = "LightGBMTunerCV"

    def __init__(
        self,
        params: dict[str, Any],
        train_set: Any,
        num_boost_round: int = 1000,
        folds: Iterable[tuple[Any, Any]] | Any = None,
        nfold: int = 5,
        stratified: bool = True,
        shuffle: bool = True,
        feval: Callable[..., Any] | list[Callable[..., Any]] | None = None,
        init_model: Any = None,
        fpreproc: Callable[..., Any] | None = None,
        seed: int | None = None,
        callbacks: list[Callable[..., Any]] | None = None,
        time_budget: float | None = None,
        sample_size: int | None = None,
        study: Study | None = None,
        study_callbacks: Sequence[Callable[[Study, FrozenTrial], None]] | None = None,
        show_progress_bar: bool = True,
        model_dir: str | None = None,
        return_cvbooster: bool = False,
    ) -> None:
        super().__init__(
            params, train_set, num_boost_round=num_boost_round, callbacks=callbacks,
            time_budget=time_budget, sample_size=sample_size, study=study,
            study_callbacks=study_callbacks, show_progress_bar=show_progress_bar,
            model_dir=model_dir, seed=seed,
        )
        check_int("LightGBMTunerCV", "nfold", nfold, 2)
        if folds is not None and not isinstance(folds, (list, tuple)) and not hasattr(folds, "split"):
            folds = list(folds)  # a generator would be exhausted by the first trial
        self.folds = folds
        self.nfold = nfold
        self.stratified = stratified
        self.shuffle = shuffle
        self.feval = feval
        self.init_model = init_model
        self.fpreproc = fpreproc
        self.return_cvbooster = return_cvbooster

    def _train(self, params: dict[str, Any]) -> tuple[float, Any]:
        result = self._lgb.cv(
            params, self._tuning_set, num_boost_round=self.num_boost_round, folds=self.folds,
            nfold=self.nfold, stratified=self.stratified, shuffle=self.shuffle, feval=self.feval,
            init_model=self.init_model, fpreproc=self.fpreproc,
            seed=0 if self.seed is None else self.seed, callbacks=self.callbacks,
            return_cvbooster=self.return_cvbooster,
        )
        means = {key[len("valid "):-len("-mean")]: values[-1] for key, values in result.items()
                 if key.startswith("valid ") and key.endswith("-mean")}
        return _lookup(means, self.metric, "LightGBMTunerCV"), result.get("cvbooster")

    def get_best_booster(self) -> Any:
        """Return the ``lightgbm.CVBooster`` of the best trial.

        Returns:
            The CVBooster (retrained with the best parameters if it is not in memory or in
            ``model_dir``).

        Raises:
            ValueError: If ``return_cvbooster`` is False, or no trial has completed.
        """
        if not self.return_cvbooster:
            raise ValueError(
                "LightGBMTunerCV.get_best_booster: create the tuner with return_cvbooster=True"
            )
        best = self._best_trial()
        if best is None:
            raise ValueError("LightGBMTunerCV.get_best_booster: no trial has completed yet; call run() first")
        if best.number in self._boosters:
            return self._boosters[best.number]
        path = os.path.join(self.model_dir, f"{best.number}.txt") if self.model_dir else None
        if path is not None and os.path.exists(path):
            return self._lgb.CVBooster(model_file=path)
        if not hasattr(self, "_tuning_set"):
            self._tuning_set = self._sample(self.train_set)
        return self._train(self.best_params)[1]


def _lookup(scores: dict[str, float], metric: str, caller: str) -> float:
    for name, value in scores.items():
        if name == metric or name.startswith(metric + "@"):
            return float(value)
    raise ValueError(
        f"{caller}: metric {metric!r} was not evaluated; LightGBM evaluated "
        f"{sorted(scores)!r} (set params['metric'])"
    )


def train(
    params: dict[str, Any],
    train_set: Any,
    num_boost_round: int = 1000,
    valid_sets: list[Any] | None = None,
    valid_names: list[str] | None = None,
    feval: Callable[..., Any] | list[Callable[..., Any]] | None = None,
    callbacks: list[Callable[..., Any]] | None = None,
    **tuner_kwargs: Any,
) -> Any:
    """Drop-in for ``lightgbm.train`` that tunes the parameters and returns the best booster.

    Args:
        params: LightGBM parameters (the starting point of the tuning).
        train_set: The training ``lightgbm.Dataset``.
        num_boost_round: Maximum boosting rounds per trial.
        valid_sets: Validation datasets; the last one that is not ``train_set`` scores trials.
        valid_names: Their names.
        feval: Custom evaluation function(s).
        callbacks: LightGBM callbacks for every trial, e.g. ``[lightgbm.early_stopping(20)]``.
        **tuner_kwargs: Further :class:`LightGBMTuner` arguments (``time_budget``, ``study``,
            ``seed``, ``show_progress_bar``, ...).

    Returns:
        The ``lightgbm.Booster`` of the best trial.

    Example:
        .. code-block:: python

            import albacore.integrations.lightgbm as lgb

            booster = lgb.train({"objective": "binary", "metric": "binary_logloss"},
                                dtrain, valid_sets=[dvalid], time_budget=60)
    """
    tuner = LightGBMTuner(
        params, train_set, num_boost_round=num_boost_round, valid_sets=valid_sets,
        valid_names=valid_names, feval=feval, callbacks=callbacks, **tuner_kwargs,
    )
    tuner.run()
    return tuner.get_best_booster()
