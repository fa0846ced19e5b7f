"""XGBoostPruningCallback given several observation keys in a multi-objective study."""

from __future__ import annotations

import pytest
import xgboost as xgb
from sklearn.datasets import load_breast_cancer

import albacore
from albacore.integrations.xgboost import XGBoostPruningCallback

PARAMS = {"objective": "binary:logistic", "eval_metric": ["logloss", "auc"], "nthread": 1, "max_depth": 2}
ROUNDS = 6


def _train(callbacks: list, log: dict | None = None) -> xgb.Booster:
    X, y = load_breast_cancer(return_X_y=True)
    train, valid = xgb.DMatrix(X[:400], y[:400]), xgb.DMatrix(X[400:], y[400:])
    return xgb.train(PARAMS, train, ROUNDS, evals=[(valid, "validation")], callbacks=callbacks,
                     evals_result=log if log is not None else {}, verbose_eval=False)


def test_reports_one_value_per_key_in_order(study_factory) -> None:
    study = study_factory(directions=["minimize", "maximize"])
    trial = study.ask()
    log: dict = {}
    _train([XGBoostPruningCallback(trial, ["validation-logloss", "validation-auc"])], log)
    reported = study.get_trials(deepcopy=False)[0].multi_intermediate_values
    expected = list(zip(log["validation"]["logloss"], log["validation"]["auc"]))
    assert [reported[i] for i in range(ROUNDS)] == [pytest.approx(pair) for pair in expected]


def test_prunes_with_all_values_in_the_message(study_factory) -> None:
    trial = study_factory(directions=["minimize", "maximize"], prune_from=1).ask()
    with pytest.raises(albacore.TrialPruned, match=r"pruned at boosting round 1 \(values \[[0-9.]+, [0-9.]+\]\)"):
        _train([XGBoostPruningCallback(trial, ["validation-logloss", "validation-auc"])])


def test_bad_keys_raise(study_factory) -> None:
    trial = study_factory(directions=["minimize", "maximize"]).ask()
    with pytest.raises(ValueError, match=r"observation_key names 3 metrics but the study has 2"):
        _train([XGBoostPruningCallback(trial, ["validation-logloss", "validation-auc", "validation-error"])])
    with pytest.raises(ValueError, match=r"observation_key='validation-error' is not among"):
        _train([XGBoostPruningCallback(trial, ["validation-logloss", "validation-error"])])
    with pytest.raises(ValueError, match=r"metric 'auc' is better when higher, but the study direction of objective 1"):
        minimizing = study_factory(directions=["minimize", "minimize"]).ask()
        _train([XGBoostPruningCallback(minimizing, ["validation-logloss", "validation-auc"])])
    with pytest.raises(ValueError, match=r"observation_key must be a non-empty str or a non-empty sequence"):
        XGBoostPruningCallback(trial, ["validation-auc", ""])
