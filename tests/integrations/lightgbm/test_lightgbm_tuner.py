"""LightGBMTuner / LightGBMTunerCV / train: stages, results, resuming from storage."""

from __future__ import annotations

import collections
import json
import os
import time
from typing import Any

import lightgbm as lgb
import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer

import albacore
from albacore.integrations.lightgbm import LightGBMTuner, LightGBMTunerCV, train
from albacore.trial import TrialState

STAGE = "lightgbm_tuner:stage"
BUDGETS = {"feature_fraction": 7, "num_leaves": 20, "bagging": 10, "regularization_factors": 20,
           "min_child_samples": 5}
PARAMS = {"objective": "binary", "metric": "binary_logloss", "num_threads": 1, "force_row_wise": True}


@pytest.fixture(scope="module")
def arrays() -> tuple:
    X, y = load_breast_cancer(return_X_y=True)
    return X[:300], y[:300], X[300:450], y[300:450]


def _sets(arrays: tuple) -> tuple:
    X, y, Xv, yv = arrays
    train_set = lgb.Dataset(X, y)
    return train_set, lgb.Dataset(Xv, yv, reference=train_set)


def _tuner(arrays: tuple, **kwargs) -> LightGBMTuner:
    train_set, valid = _sets(arrays)
    kwargs.setdefault("show_progress_bar", False)
    return LightGBMTuner(dict(PARAMS), train_set, num_boost_round=15, valid_sets=[valid],
                         callbacks=[lgb.early_stopping(3, verbose=False)], seed=0, **kwargs)


def _stage_counts(study: albacore.Study) -> collections.Counter:
    return collections.Counter(t.system_attrs[STAGE] for t in study.get_trials(deepcopy=False))


def test_tuner_runs_every_stage_with_its_budget(arrays) -> None:
    tuner = _tuner(arrays)
    tuner.run()
    counts = _stage_counts(tuner.study)
    assert {k: counts[k] for k in BUDGETS} == BUDGETS
    assert 1 <= counts["feature_fraction_stage2"] <= 5
    values = [t.value for t in tuner.study.get_trials(states=(TrialState.COMPLETE,))]
    assert tuner.best_score == min(values)
    best = tuner.study.best_trial
    assert tuner.best_params == json.loads(best.system_attrs["lightgbm_tuner:lgbm_params"])
    assert "feature_fraction" in tuner.best_params  # every stage after the first starts from it
    # Each trial trained with the best parameters of the trials before it, plus its stage's.
    trials = tuner.study.trials
    for trial in trials[7:]:
        params = json.loads(trial.system_attrs["lightgbm_tuner:lgbm_params"])
        assert params["feature_fraction"] in (
            trial.params.get("feature_fraction_stage2"),
            *[
                json.loads(t.system_attrs["lightgbm_tuner:lgbm_params"])["feature_fraction"]
                for t in trials[: trial.number]
            ],
        )
    booster = tuner.get_best_booster()
    assert booster.best_score["valid_0"]["binary_logloss"] == pytest.approx(tuner.best_score)
    # The stage 1 grid is evaluated as is.
    grid = sorted(
        t.params["feature_fraction"] for t in tuner.study.trials if t.system_attrs[STAGE] == "feature_fraction"
    )
    assert grid == pytest.approx(np.linspace(0.4, 1.0, 7))


def test_tuner_resumes_from_rdb_storage(arrays, tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'tuner.db'}"
    study = albacore.create_study(
        storage=url, study_name="tuner-resume", sampler=albacore.samplers.RandomSampler(seed=0)
    )

    class Interrupt(Exception):
        pass

    def stop_after_25(study: albacore.Study, trial: albacore.trial.FrozenTrial) -> None:
        if trial.number == 24:
            raise Interrupt

    with pytest.raises(Interrupt):
        _tuner(arrays, study=study, study_callbacks=[stop_after_25], model_dir=str(tmp_path / "models")).run()
    assert sum(_stage_counts(study).values()) == 25

    resumed = albacore.load_study(
        storage=url, study_name="tuner-resume", sampler=albacore.samplers.RandomSampler(seed=1)
    )
    tuner = _tuner(arrays, study=resumed, model_dir=str(tmp_path / "models"))
    tuner.run()
    counts = _stage_counts(resumed)
    assert {k: counts[k] for k in BUDGETS} == BUDGETS
    assert os.path.exists(tmp_path / "models" / f"{tuner._best_trial().number}.txt")
    assert tuner.get_best_booster().best_score["valid_0"]["binary_logloss"] == pytest.approx(tuner.best_score)


def _slow_first_round(env: Any) -> None:
    # Every trial takes at least 50 ms, so the full 62-trial run outlasts the budget on any machine.
    if env.iteration == env.begin_iteration:
        time.sleep(0.05)


def test_time_budget_stops_early(arrays) -> None:
    train_set, valid = _sets(arrays)
    tuner = LightGBMTuner(dict(PARAMS), train_set, num_boost_round=15, valid_sets=[valid],
                          callbacks=[_slow_first_round], seed=0, time_budget=0.3, show_progress_bar=False)
    tuner.run()
    assert 1 <= len(tuner.study.trials) < sum(BUDGETS.values())


def test_tuner_cv(arrays) -> None:
    X, y, _, _ = arrays
    tuner = LightGBMTunerCV(
        {**PARAMS, "metric": "auc"},
        lgb.Dataset(X, y),
        num_boost_round=10,
        nfold=3,
        callbacks=[lgb.early_stopping(3, verbose=False)],
        return_cvbooster=True,
        time_budget=2.0,
        show_progress_bar=False,
        seed=0,
    )
    assert tuner.study.direction == albacore.StudyDirection.MAXIMIZE
    tuner.run()
    assert tuner.best_score == max(t.value for t in tuner.study.get_trials(states=(TrialState.COMPLETE,)))
    booster = tuner.get_best_booster()
    assert isinstance(booster, lgb.CVBooster)
    rerun = lgb.cv(
        tuner.best_params, lgb.Dataset(X, y), 10, nfold=3, seed=0, callbacks=[lgb.early_stopping(3, verbose=False)]
    )
    assert rerun["valid auc-mean"][-1] == pytest.approx(tuner.best_score)


def test_tuner_cv_without_cvbooster(arrays) -> None:
    X, y, _, _ = arrays
    tuner = LightGBMTunerCV(dict(PARAMS), lgb.Dataset(X, y), num_boost_round=5, nfold=2, show_progress_bar=False)
    with pytest.raises(ValueError, match="return_cvbooster=True"):
        tuner.get_best_booster()


def test_train_one_liner_returns_best_booster(arrays) -> None:
    train_set, valid = _sets(arrays)
    booster = train(
        dict(PARAMS),
        train_set,
        num_boost_round=10,
        valid_sets=[valid],
        time_budget=0.5,
        show_progress_bar=False,
        seed=1,
    )
    assert isinstance(booster, lgb.Booster)
    assert booster.predict(arrays[2]).shape == (150,)


def test_study_direction_must_match_metric(arrays) -> None:
    with pytest.raises(ValueError, match="study must have direction='minimize' to optimize metric 'binary_logloss'"):
        _tuner(arrays, study=albacore.create_study(direction="maximize"))


def test_bad_arguments(arrays) -> None:
    train_set, valid = _sets(arrays)
    with pytest.raises(ValueError, match="num_boost_round must be a positive int, got num_boost_round=0"):
        LightGBMTuner(dict(PARAMS), train_set, num_boost_round=0, valid_sets=[valid])
    with pytest.raises(TypeError, match="train_set must be a lightgbm.Dataset"):
        LightGBMTuner(dict(PARAMS), arrays[0], valid_sets=[valid])
    with pytest.raises(ValueError, match="valid_sets must contain a validation set"):
        LightGBMTuner(dict(PARAMS), train_set)
    with pytest.raises(
        ValueError, match="time_budget must be a positive number of seconds or None, got time_budget=-1"
    ):
        LightGBMTuner(dict(PARAMS), train_set, valid_sets=[valid], time_budget=-1)
    with pytest.raises(ValueError, match="nfold must be an int >= 2, got nfold=1"):
        LightGBMTunerCV(dict(PARAMS), train_set, nfold=1)


def test_sample_size_and_named_valid_sets(arrays) -> None:
    train_set, valid = _sets(arrays)
    tuner = LightGBMTuner(
        dict(PARAMS),
        train_set,
        num_boost_round=5,
        valid_sets=[train_set, valid],
        valid_names=["train", "holdout"],
        keep_training_booster=True,
        sample_size=100,
        time_budget=0.3,
        show_progress_bar=False,
        seed=0,
    )
    tuner.run()
    booster = tuner.get_best_booster()
    assert booster.train_set.num_data() == 100
    assert set(booster.best_score) == {"train", "holdout"}
    assert booster.best_score["holdout"]["binary_logloss"] == pytest.approx(tuner.best_score)
    with pytest.raises(ValueError, match="sample_size must be an int >= 2 or None, got sample_size=1"):
        LightGBMTuner(dict(PARAMS), train_set, valid_sets=[valid], sample_size=1)
