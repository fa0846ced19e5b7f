"""LightGBMPruningCallback given several metrics in a multi-objective study."""

from __future__ import annotations

import pickle

import lightgbm as lgb
import pytest
from sklearn.datasets import load_breast_cancer

import albacore
from albacore.integrations.lightgbm import LightGBMPruningCallback

PARAMS = {"objective": "binary", "metric": ["binary_logloss", "auc"], "verbosity": -1, "num_threads": 1,
          "deterministic": True, "force_row_wise": True}
ROUNDS = 8


def _train(callbacks: list, record: dict | None = None) -> lgb.Booster:
    X, y = load_breast_cancer(return_X_y=True)
    train = lgb.Dataset(X[:400], y[:400])
    valid = lgb.Dataset(X[400:], y[400:], reference=train)
    extra = [lgb.record_evaluation(record)] if record is not None else []
    return lgb.train(PARAMS, train, ROUNDS, valid_sets=[valid], valid_names=["valid_0"], callbacks=callbacks + extra)


def test_reports_one_value_per_metric_in_order(study_factory) -> None:
    study = study_factory(directions=["minimize", "maximize"])
    trial = study.ask()
    record: dict = {}
    _train([LightGBMPruningCallback(trial, ["binary_logloss", "auc"])], record)
    reported = study.get_trials(deepcopy=False)[0].multi_intermediate_values
    assert [reported[i] for i in range(ROUNDS)] == [
        pytest.approx((a, b)) for a, b in zip(record["valid_0"]["binary_logloss"], record["valid_0"]["auc"])
    ]


def test_prunes_with_all_values_in_the_message(study_factory) -> None:
    study = study_factory(directions=["minimize", "maximize"], prune_from=2)
    trial = study.ask()
    with pytest.raises(albacore.TrialPruned, match=r"pruned at boosting round 2 \(values \[[0-9.]+, [0-9.]+\]\)"):
        _train([LightGBMPruningCallback(trial, ("binary_logloss", "auc"))])


def test_bad_metric_lists_raise(study_factory) -> None:
    trial = study_factory(directions=["minimize", "maximize"]).ask()
    with pytest.raises(ValueError, match=r"LightGBMPruningCallback: metric names 1 metrics but the study has 2"):
        _train([LightGBMPruningCallback(trial, ["binary_logloss"])])
    with pytest.raises(ValueError, match=r"metric='error' is not among .*available: 'auc', 'binary_logloss'"):
        _train([LightGBMPruningCallback(trial, ["binary_logloss", "error"])])
    with pytest.raises(ValueError, match=r"metric 'auc' is better when higher, but the study direction of objective 1"):
        fresh = study_factory(directions=["minimize", "minimize"]).ask()
        _train([LightGBMPruningCallback(fresh, ["binary_logloss", "auc"])])
    with pytest.raises(ValueError, match=r"LightGBMPruningCallback: metric names a metric twice"):
        LightGBMPruningCallback(trial, ["auc", "auc"])
    with pytest.raises(ValueError, match=r"non-empty sequence of them, got metric=\[\]"):
        LightGBMPruningCallback(trial, [])


def test_pickles_with_several_metrics(study_factory) -> None:
    trial = study_factory(directions=["minimize", "maximize"]).ask()
    callback = pickle.loads(pickle.dumps(LightGBMPruningCallback(trial, ["binary_logloss", "auc"])))
    assert callback._metric == ("binary_logloss", "auc")
