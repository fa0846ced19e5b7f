"""XGBoostPruningCallback with xgboost.train, xgboost.cv and the scikit-learn API."""

from __future__ import annotations

import pickle

import pytest
import xgboost as xgb
from sklearn.datasets import load_breast_cancer

import albacore
from albacore.integrations.xgboost import XGBoostPruningCallback

PARAMS = {"objective": "binary:logistic", "eval_metric": ["logloss", "auc"], "nthread": 1, "max_depth": 2}
ROUNDS = 10


@pytest.fixture(scope="module")
def dmatrices() -> tuple:
    X, y = load_breast_cancer(return_X_y=True)
    return xgb.DMatrix(X[:400], y[:400]), xgb.DMatrix(X[400:], y[400:])


def _train(dmatrices: tuple, callbacks: list, log: dict | None = None) -> xgb.Booster:
    train, valid = dmatrices
    return xgb.train(PARAMS, train, ROUNDS, evals=[(train, "train"), (valid, "validation")],
                     callbacks=callbacks, evals_result=log if log is not None else {}, verbose_eval=False)


def test_pruning_stops_training_early(study_factory, dmatrices) -> None:
    study = study_factory("minimize", prune_from=2)
    trial = study.ask()
    with pytest.raises(albacore.TrialPruned, match="pruned at boosting round 2"):
        _train(dmatrices, [XGBoostPruningCallback(trial, "validation-logloss")])
    assert sorted(study.get_trials(deepcopy=False)[0].intermediate_values) == [0, 1, 2]


def test_reported_values_equal_logged_and_unpruned_training_is_unchanged(study_factory, dmatrices) -> None:
    study = study_factory("maximize")
    trial = study.ask()
    log: dict = {}
    booster = _train(dmatrices, [XGBoostPruningCallback(trial, "validation-auc")], log)
    plain = _train(dmatrices, [])
    assert booster.save_raw() == plain.save_raw()
    reported = study.get_trials(deepcopy=False)[0].intermediate_values
    assert [reported[i] for i in range(ROUNDS)] == pytest.approx(log["validation"]["auc"])


def test_cv_reports_the_mean(study_factory, dmatrices) -> None:
    study = study_factory("minimize")
    trial = study.ask()
    result = xgb.cv(PARAMS, dmatrices[0], 5, nfold=3, seed=0,
                    callbacks=[XGBoostPruningCallback(trial, "test-logloss")])
    reported = study.get_trials(deepcopy=False)[0].intermediate_values
    assert [reported[i] for i in range(5)] == pytest.approx(list(result["test-logloss-mean"]))


def test_sklearn_api(study_factory) -> None:
    X, y = load_breast_cancer(return_X_y=True)
    study = study_factory("minimize", prune_from=1)
    trial = study.ask()
    model = xgb.XGBClassifier(n_estimators=10, max_depth=2, n_jobs=1,
                              callbacks=[XGBoostPruningCallback(trial, "validation_0-logloss")])
    with pytest.raises(albacore.TrialPruned, match="boosting round 1"):
        model.fit(X[:400], y[:400], eval_set=[(X[400:], y[400:])], verbose=False)


def test_unknown_key_lists_the_evaluated_ones(study_factory, dmatrices) -> None:
    trial = study_factory().ask()
    with pytest.raises(ValueError, match=r"observation_key='valid-logloss'.*'train-auc', 'train-logloss', "
                                         r"'validation-auc', 'validation-logloss'"):
        _train(dmatrices, [XGBoostPruningCallback(trial, "valid-logloss")])


def test_direction_mismatch(study_factory, dmatrices) -> None:
    trial = study_factory("maximize").ask()
    with pytest.raises(ValueError, match="'logloss' is better when lower, but the study direction is MAXIMIZE"):
        _train(dmatrices, [XGBoostPruningCallback(trial, "validation-logloss")])


def test_is_a_training_callback_and_pickles(study_factory) -> None:
    trial = study_factory().ask()
    callback = XGBoostPruningCallback(trial, "validation-logloss")
    assert isinstance(callback, xgb.callback.TrainingCallback)
    restored = pickle.loads(pickle.dumps(callback))
    assert restored._observation_key == "validation-logloss"
    with pytest.raises(ValueError, match="observation_key must be a non-empty str, got observation_key=''"):
        XGBoostPruningCallback(trial, "")
