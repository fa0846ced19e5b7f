"""LightGBMPruningCallback with lightgbm.train, lightgbm.cv and the scikit-learn API."""

from __future__ import annotations

import inspect
import pickle

import lightgbm as lgb
import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer

import albacore
from albacore.integrations.lightgbm import LightGBMPruningCallback

PARAMS = {"objective": "binary", "metric": ["binary_logloss", "auc"], "verbosity": -1, "num_threads": 1,
          "deterministic": True, "force_row_wise": True}
ROUNDS = 12


@pytest.fixture(scope="module")
def data() -> tuple:
    X, y = load_breast_cancer(return_X_y=True)
    return X[:400], y[:400], X[400:], y[400:]


def _datasets(data: tuple) -> tuple:
    X, y, Xv, yv = data
    train = lgb.Dataset(X, y, free_raw_data=False)
    return train, lgb.Dataset(Xv, yv, reference=train)


def _train(data: tuple, callbacks: list, record: dict | None = None) -> lgb.Booster:
    train, valid = _datasets(data)
    callbacks = callbacks + ([lgb.record_evaluation(record)] if record is not None else [])
    return lgb.train(PARAMS, train, ROUNDS, valid_sets=[valid], valid_names=["valid_0"], callbacks=callbacks)


def test_pruning_stops_training_early(study_factory, data) -> None:
    study = study_factory("minimize", prune_from=3)
    trial = study.ask()
    record: dict = {}
    with pytest.raises(albacore.TrialPruned, match="pruned at boosting round 3"):
        _train(data, [LightGBMPruningCallback(trial, "binary_logloss")], record)
    assert sorted(study.get_trials(deepcopy=False)[0].intermediate_values) == [0, 1, 2, 3]
    assert len(record["valid_0"]["binary_logloss"]) <= 4 < ROUNDS
    assert study.tell(trial, state=albacore.trial.TrialState.PRUNED).state.name == "PRUNED"


def test_reported_values_equal_logged_and_unpruned_training_is_unchanged(study_factory, data) -> None:
    study = study_factory("maximize")
    trial = study.ask()
    record: dict = {}
    booster = _train(data, [LightGBMPruningCallback(trial, "auc")], record)
    plain = _train(data, [])
    assert booster.model_to_string() == plain.model_to_string()
    reported = study.get_trials(deepcopy=False)[0].intermediate_values
    assert reported == {i: pytest.approx(v) for i, v in enumerate(record["valid_0"]["auc"])}
    assert len(reported) == ROUNDS


def test_report_interval(study_factory, data) -> None:
    study = study_factory("minimize")
    trial = study.ask()
    _train(data, [LightGBMPruningCallback(trial, "binary_logloss", report_interval=5)])
    assert sorted(study.get_trials(deepcopy=False)[0].intermediate_values) == [4, 9]


def test_cv_reports_the_cv_mean(study_factory, data) -> None:
    study = study_factory("minimize")
    trial = study.ask()
    train, _ = _datasets(data)
    result = lgb.cv(PARAMS, train, 6, nfold=3, callbacks=[LightGBMPruningCallback(trial, "binary_logloss")])
    reported = study.get_trials(deepcopy=False)[0].intermediate_values
    assert [reported[i] for i in range(6)] == pytest.approx(result["valid binary_logloss-mean"])


def test_cv_pruning(study_factory, data) -> None:
    study = study_factory("minimize", prune_from=2)
    trial = study.ask()
    train, _ = _datasets(data)
    with pytest.raises(albacore.TrialPruned, match="boosting round 2"):
        lgb.cv(PARAMS, train, 10, nfold=3, callbacks=[LightGBMPruningCallback(trial, "binary_logloss")])
    assert sorted(study.get_trials(deepcopy=False)[0].intermediate_values) == [0, 1, 2]


def test_sklearn_api(study_factory, data) -> None:
    X, y, Xv, yv = data
    study = study_factory("minimize", prune_from=1)
    trial = study.ask()
    model = lgb.LGBMClassifier(n_estimators=10, verbosity=-1, num_threads=1)
    with pytest.raises(albacore.TrialPruned, match="boosting round 1"):
        # eval_X/eval_y from lightgbm 4.7 (which deprecates eval_set); eval_set before
        evals = {"eval_X": (Xv,), "eval_y": (yv,)} if "eval_X" in inspect.signature(model.fit).parameters else {
            "eval_set": [(Xv, yv)]
        }
        model.fit(X, y, **evals, callbacks=[LightGBMPruningCallback(trial, "binary_logloss")])


def test_unknown_metric_lists_the_evaluated_ones(study_factory, data) -> None:
    trial = study_factory("minimize").ask()
    with pytest.raises(ValueError, match=r"metric='l2'.*available: 'auc', 'binary_logloss'"):
        _train(data, [LightGBMPruningCallback(trial, "l2")])


def test_unknown_valid_name_lists_the_evaluated_ones(study_factory, data) -> None:
    trial = study_factory("minimize").ask()
    with pytest.raises(ValueError, match=r"valid_name='valid_1'.*available: 'valid_0'"):
        _train(data, [LightGBMPruningCallback(trial, "binary_logloss", valid_name="valid_1")])


def test_direction_mismatch(study_factory, data) -> None:
    trial = study_factory("minimize").ask()
    with pytest.raises(ValueError, match="'auc' is better when higher, but the study direction is MINIMIZE"):
        _train(data, [LightGBMPruningCallback(trial, "auc")])


def test_bad_report_interval(study_factory) -> None:
    trial = study_factory().ask()
    with pytest.raises(ValueError, match="report_interval must be a positive int, got report_interval=0"):
        LightGBMPruningCallback(trial, "auc", report_interval=0)


def test_callback_pickles(study_factory) -> None:
    trial = study_factory().ask()
    callback = pickle.loads(pickle.dumps(LightGBMPruningCallback(trial, "binary_logloss", report_interval=2)))
    assert isinstance(callback, LightGBMPruningCallback)
    assert callback._metric == "binary_logloss"
    np.testing.assert_equal(callback._report_interval, 2)
