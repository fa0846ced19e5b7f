"""LightGBMTuner and LightGBMTunerCV: stepwise tuning of a LightGBM model.

Every trial is an ordinary trial of ``study``: its stage is in the ``"lightgbm_tuner:stage"``
system attribute and the full LightGBM parameters it trained with in
``"lightgbm_tuner:lgbm_params"`` (JSON). The tuner keeps no other state, so running it again
on a persistent study (e.g. RDB storage) skips the trials already finished and continues.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import os
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from tqdm import tqdm

import albacore
from albacore import logging as albacore_logging
from albacore._imports import require
from albacore._study_types import StudyDirection
from albacore._validation import check_count, check_int, check_seconds
from albacore.integrations.lightgbm._stages import STAGES, TUNED_ALIASES, Stage
from albacore.study import Study
from albacore.trial import FrozenTrial, Trial, TrialState

_logger = albacore_logging.get_logger(__name__)

STAGE_KEY = "lightgbm_tuner:stage"
PARAMS_KEY = "lightgbm_tuner:lgbm_params"
_FINISHED = (TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL)

# Canonical LightGBM metric name for each alias a user may write (objective names included,
# because LightGBM's default metric is the objective's own).
_METRIC_ALIASES = {
    "l2": ("regression", "regression_l2", "mean_squared_error", "mse", "l2"),
    "l1": ("regression_l1", "mean_absolute_error", "mae", "l1"),
    "rmse": ("root_mean_squared_error", "l2_root", "rmse"),
    "binary_logloss": ("binary", "binary_logloss"),
    "multi_logloss": ("multiclass", "softmax", "multiclassova", "multiclass_ova", "ova", "ovr", "multi_logloss"),
    "cross_entropy": ("xentropy", "cross_entropy"),
    "ndcg": ("lambdarank", "rank_xendcg", "xendcg", "xe_ndcg", "xe_ndcg_mart", "xendcg_mart", "ndcg"),
    "map": ("mean_average_precision", "map"),
}
_CANONICAL = {alias: name for name, aliases in _METRIC_ALIASES.items() for alias in aliases}
_HIGHER_IS_BETTER = ("auc", "auc_mu", "ndcg", "map", "average_precision")


def _metric_name(params: dict[str, Any], caller: str) -> str:
    metric = params.get("metric")
    if isinstance(metric, (list, tuple)):
        metric = metric[0] if metric else None
    if metric in (None, ""):
        metric = params.get("objective", "regression")
    if not isinstance(metric, str) or metric.lower() in ("none", "null", "custom", "na"):
        raise ValueError(
            f"{caller}: params['metric'] must name the metric to optimize, got metric={params.get('metric')!r}"
        )
    return _CANONICAL.get(metric, metric)


def _strip_tuned_aliases(params: dict[str, Any]) -> dict[str, Any]:
    aliases = {alias for names in TUNED_ALIASES.values() for alias in names}
    return {key: value for key, value in params.items() if key not in aliases}


def _value(trial: FrozenTrial) -> float:
    value = trial.value
    assert value is not None  # the tuner's trials are COMPLETE trials of a single-objective study
    return value


def _default_sampler(seed: int | None) -> albacore.samplers.BaseSampler:
    samplers = albacore.samplers
    if hasattr(samplers, "TPESampler"):
        # Each stage tunes its own parameters: group=True models each stage's set jointly.
        return samplers.TPESampler(seed=seed, multivariate=True, group=True)
    return samplers.RandomSampler(seed=seed)


class _BaseTuner:
    """The stage loop shared by LightGBMTuner and LightGBMTunerCV."""

    _caller = "LightGBMTuner"

    def __init__(
        self,
        params: dict[str, Any],
        train_set: Any,
        *,
        num_boost_round: int,
        callbacks: list[Callable[..., Any]] | None,
        time_budget: float | None,
        sample_size: int | None,
        study: Study | None,
        study_callbacks: Sequence[Callable[[Study, FrozenTrial], None]] | None,
        show_progress_bar: bool,
        model_dir: str | None,
        seed: int | None,
    ) -> None:
        self._lgb = require("lightgbm", extra="lightgbm", feature=self._caller)
        self._validate(params, train_set, num_boost_round, time_budget, sample_size)
        self.lgbm_params = _strip_tuned_aliases(dict(params))
        self.lgbm_params.setdefault("feature_pre_filter", False)
        if not any(key in self.lgbm_params for key in ("verbose", "verbosity")):
            self.lgbm_params["verbosity"] = -1
        self.metric = _metric_name(self.lgbm_params, self._caller)
        self.lgbm_params["metric"] = self.metric
        self.train_set = train_set
        self.num_boost_round = num_boost_round
        self.callbacks = callbacks
        self.time_budget = time_budget
        self.sample_size = sample_size
        self.study_callbacks = list(study_callbacks or [])
        self.show_progress_bar = show_progress_bar
        self.model_dir = model_dir
        self.seed = seed
        self.study = self._make_study(study)
        self._boosters: dict[int, Any] = {}

    def _validate(self, params: Any, train_set: Any, num_boost_round: Any, time_budget: Any, sample_size: Any) -> None:
        name = self._caller
        if not isinstance(params, dict):
            raise TypeError(f"{name}: params must be a dict, got params={params!r}")
        if not isinstance(train_set, self._lgb.Dataset):
            raise TypeError(f"{name}: train_set must be a lightgbm.Dataset, got train_set={train_set!r}")
        check_count(name, "num_boost_round", num_boost_round, positive=True)
        check_seconds(name, "time_budget", time_budget, allow_none=True, finite=False)
        check_int(name, "sample_size", sample_size, 2, allow_none=True)

    @property
    def higher_is_better(self) -> bool:
        """Whether larger values of the tuned metric are better."""
        return self.metric.split("@")[0] in _HIGHER_IS_BETTER

    def _make_study(self, study: Study | None) -> Study:
        direction = StudyDirection.MAXIMIZE if self.higher_is_better else StudyDirection.MINIMIZE
        if study is None:
            return albacore.create_study(direction=direction, sampler=_default_sampler(self.seed))
        if study.directions != [direction]:
            raise ValueError(
                f"{self._caller}: study must have direction={direction.name.lower()!r} to optimize "
                f"metric {self.metric!r}, got directions={[d.name.lower() for d in study.directions]}"
            )
        return study

    # --- results ----------------------------------------------------------------------------
    def _tuner_trials(self, states: tuple[TrialState, ...] = (TrialState.COMPLETE,)) -> list[FrozenTrial]:
        trials = self.study.get_trials(deepcopy=False, states=states)
        return [t for t in trials if STAGE_KEY in t.system_attrs and PARAMS_KEY in t.system_attrs]

    def _best_trial(self) -> FrozenTrial | None:
        trials = self._tuner_trials()
        if not trials:
            return None
        pick = max if self.higher_is_better else min
        return pick(trials, key=_value)

    @property
    def best_score(self) -> float:
        """The best value of the metric so far (-inf or inf before any trial completes)."""
        best = self._best_trial()
        if best is None:
            return -np.inf if self.higher_is_better else np.inf
        return float(_value(best))

    @property
    def best_params(self) -> dict[str, Any]:
        """The LightGBM parameters of the best trial (the starting parameters before any)."""
        best = self._best_trial()
        if best is None:
            return copy.deepcopy(self.lgbm_params)
        params: dict[str, Any] = json.loads(best.system_attrs[PARAMS_KEY])
        return params

    # --- the stage loop ---------------------------------------------------------------------
    def run(self) -> None:
        """Run the stages in order, skipping trials already finished in ``study``."""
        self.sample_train_set()
        for stage in STAGES:
            if self._out_of_time():
                _logger.info("%s: time budget exhausted before stage %s", self._caller, stage.name)
                break
            self._run_stage(stage)

    def sample_train_set(self) -> None:
        """Draw the training rows the trials use (``sample_size`` of them) and start the time budget.

        :meth:`run` calls it; call it yourself before running single stages with the
        ``tune_*`` methods to restart the time budget (they call it once if you do not).
        """
        self._start = time.monotonic()
        self._tuning_set = self._sample(self.train_set)

    def compare_validation_metrics(self, val_score: float, best_score: float) -> bool:
        """Whether ``val_score`` is better than ``best_score`` for the tuned metric."""
        return val_score > best_score if self.higher_is_better else val_score < best_score

    def tune_feature_fraction(self, n_trials: int = 7) -> None:
        """Run the ``feature_fraction`` stage until it holds ``n_trials`` finished trials (grid of 7)."""
        self._tune_stage("feature_fraction", n_trials)

    def tune_num_leaves(self, n_trials: int = 20) -> None:
        """Run the ``num_leaves`` stage until it holds ``n_trials`` finished trials."""
        self._tune_stage("num_leaves", n_trials)

    def tune_bagging(self, n_trials: int = 10) -> None:
        """Run the ``bagging`` stage until it holds ``n_trials`` finished trials."""
        self._tune_stage("bagging", n_trials)

    def tune_feature_fraction_stage2(self, n_trials: int = 6) -> None:
        """Run the second ``feature_fraction`` stage (a grid around the best value, at most 5 points)."""
        self._tune_stage("feature_fraction_stage2", n_trials)

    def tune_regularization_factors(self, n_trials: int = 20) -> None:
        """Run the ``lambda_l1``/``lambda_l2`` stage until it holds ``n_trials`` finished trials."""
        self._tune_stage("regularization_factors", n_trials)

    def tune_min_data_in_leaf(self) -> None:
        """Run the ``min_child_samples`` stage (a grid of 5 values)."""
        self._tune_stage("min_child_samples", None)

    def _tune_stage(self, name: str, n_trials: int | None) -> None:
        if n_trials is not None:
            check_count(f"{self._caller}.tune_{name}", "n_trials", n_trials, positive=True)
        if not hasattr(self, "_tuning_set"):
            self.sample_train_set()
        stage = next(stage for stage in STAGES if stage.name == name)
        self._run_stage(stage if n_trials is None else dataclasses.replace(stage, n_trials=n_trials))

    def _out_of_time(self) -> bool:
        return self.time_budget is not None and time.monotonic() - self._start >= self.time_budget

    def _sample(self, dataset: Any) -> Any:
        if self.sample_size is None:
            return dataset
        dataset.construct()
        n = dataset.num_data()
        if self.sample_size >= n:
            return dataset
        rng = np.random.default_rng(self.seed)
        return dataset.subset(np.sort(rng.choice(n, self.sample_size, replace=False)).tolist())

    def _stage_points(self, stage: Stage) -> list[dict[str, Any] | None]:
        finished = [t for t in self._tuner_trials(_FINISHED) if t.system_attrs[STAGE_KEY] == stage.name]
        if stage.grid is None:
            return [None] * max(stage.n_trials - len(finished), 0)
        done = [t.params for t in finished]
        grid: list[dict[str, Any] | None] = [point for point in stage.grid(self.best_params) if point not in done]
        return grid[: max(stage.n_trials - len(finished), 0)]

    def _run_stage(self, stage: Stage) -> None:
        points = self._stage_points(stage)
        if not points:
            return
        with tqdm(total=len(points), desc=stage.name, disable=not self.show_progress_bar) as bar:
            for point in points:
                if self._out_of_time():
                    return
                self._run_trial(stage, point)
                bar.set_postfix(best_score=self.best_score)
                bar.update(1)

    def _run_trial(self, stage: Stage, point: dict[str, Any] | None) -> None:
        if point is not None:
            self.study.enqueue_trial(point)
        trial = self.study.ask()
        params = {**self.best_params, **stage.suggest(trial, point or {})}
        trial.set_system_attr(STAGE_KEY, stage.name)
        trial.set_system_attr(PARAMS_KEY, json.dumps(params))
        try:
            score, booster = self._train(params)
        except BaseException:
            self.study.tell(trial, state=TrialState.FAIL)
            raise
        frozen = self.study.tell(trial, score)
        if frozen.state == TrialState.COMPLETE:
            self._keep_booster(trial, booster)
        for callback in self.study_callbacks:
            callback(self.study, frozen)

    def _keep_booster(self, trial: Trial, booster: Any) -> None:
        if self.model_dir is not None and booster is not None:
            os.makedirs(self.model_dir, exist_ok=True)
            booster.save_model(os.path.join(self.model_dir, f"{trial.number}.txt"))
        best = self._best_trial()
        if best is not None and best.number == trial.number:
            self._boosters = {trial.number: booster}

    def _train(self, params: dict[str, Any]) -> tuple[float, Any]:
        raise NotImplementedError
