"""``import albacore.integrations.lightgbm as lgb`` stands in for ``import lightgbm as lgb``."""

from __future__ import annotations

import subprocess
import sys

import lightgbm
import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer

import albacore
import albacore.integrations.lightgbm as lgb


def test_an_optuna_integration_script_runs_the_stepwise_tuner_through_lgb_train() -> None:
    x, y = load_breast_cancer(return_X_y=True)
    dtrain = lgb.Dataset(x[:400], label=y[:400])
    dval = lgb.Dataset(x[400:], label=y[400:], reference=dtrain)
    study = albacore.create_study(direction="minimize")
    params = {"objective": "binary", "metric": "binary_logloss", "verbosity": -1}

    booster = lgb.train(
        params, dtrain, num_boost_round=20, valid_sets=[dtrain, dval],
        callbacks=[lgb.early_stopping(5, verbose=False), lgb.log_evaluation(0)],
        study=study, show_progress_bar=False,
    )

    assert isinstance(booster, lightgbm.Booster)
    tuned = {name for trial in study.trials for name in trial.params}
    assert {"feature_fraction", "num_leaves", "bagging_fraction", "lambda_l1", "min_child_samples"} <= tuned
    assert len(study.trials) > 50  # every stage ran, not one plain lightgbm.train
    prediction = booster.predict(x[400:])
    assert np.mean((prediction > 0.5) == y[400:]) > 0.9


def test_lightgbm_names_are_lightgbm_s_own_and_cv_is_not_a_tuner() -> None:
    assert lgb.Dataset is lightgbm.Dataset
    assert lgb.cv is lightgbm.cv
    assert lgb.early_stopping is lightgbm.early_stopping
    assert lgb.log_evaluation is lightgbm.log_evaluation
    assert lgb.Booster is lightgbm.Booster
    assert lgb.train is not lightgbm.train
    assert set(lightgbm.__all__) <= set(dir(lgb))


def test_a_name_lightgbm_lacks_raises_attribute_error() -> None:
    with pytest.raises(AttributeError, match=r"has no attribute 'not_a_lightgbm_name' \(nor does lightgbm\)"):
        lgb.not_a_lightgbm_name  # noqa: B018


def test_importing_the_module_does_not_import_lightgbm() -> None:
    code = "import sys, albacore.integrations.lightgbm; print('lightgbm' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def _tuner(**kwargs):
    x, y = load_breast_cancer(return_X_y=True)
    dtrain = lgb.Dataset(x[:400], label=y[:400])
    dval = lgb.Dataset(x[400:], label=y[400:], reference=dtrain)
    params = {"objective": "binary", "metric": "binary_logloss", "verbosity": -1}
    return lgb.LightGBMTuner(params, dtrain, num_boost_round=10, valid_sets=[dval], show_progress_bar=False, **kwargs)


def test_single_stages_run_through_the_tune_methods_as_in_optuna_integration() -> None:
    tuner = _tuner()
    tuner.tune_num_leaves(n_trials=3)
    tuner.tune_min_data_in_leaf()
    stages = [t.system_attrs["lightgbm_tuner:stage"] for t in tuner.study.trials]
    assert stages == ["num_leaves"] * 3 + ["min_child_samples"] * 5
    assert {t.params["min_child_samples"] for t in tuner.study.trials[3:]} == {5, 10, 25, 50, 100}
    tuner.tune_num_leaves(n_trials=3)  # the stage already holds 3 finished trials
    assert len(tuner.study.trials) == 8
    with pytest.raises(ValueError, match=r"tune_num_leaves: n_trials must be a positive int, got n_trials=0"):
        tuner.tune_num_leaves(n_trials=0)


def test_compare_validation_metrics_follows_the_metric_direction() -> None:
    tuner = _tuner()
    assert tuner.compare_validation_metrics(0.1, 0.2) is True  # binary_logloss: lower is better
    assert tuner.compare_validation_metrics(0.3, 0.2) is False
