"""CatBoostPruningCallback with CatBoostClassifier / CatBoostRegressor.fit(callbacks=...)."""

from __future__ import annotations

import pickle

import catboost
import pytest
from sklearn.datasets import load_breast_cancer, load_diabetes

import albacore
from albacore.integrations.catboost import CatBoostPruningCallback

ITERATIONS = 8


@pytest.fixture(scope="module")
def data() -> tuple:
    X, y = load_breast_cancer(return_X_y=True)
    return X[:300], y[:300], X[300:450], y[300:450], X[450:], y[450:]


def _classifier(**kwargs) -> catboost.CatBoostClassifier:
    return catboost.CatBoostClassifier(iterations=ITERATIONS, depth=2, thread_count=1, random_seed=0, verbose=0,
                                       use_best_model=False, allow_writing_files=False, **kwargs)


def _fit(model, data, callbacks, two_sets: bool = False):
    X, y, Xv, yv, Xt, yt = data
    eval_set = [(Xv, yv), (Xt, yt)] if two_sets else [(Xv, yv)]
    return model.fit(X, y, eval_set=eval_set, callbacks=callbacks)


def test_pruned_trial_stops_at_the_pruning_iteration(study_factory, data) -> None:
    study = study_factory("minimize", prune_from=3)
    trial = study.ask()
    pruning = CatBoostPruningCallback(trial, "Logloss")
    model = _fit(_classifier(), data, [pruning])
    with pytest.raises(albacore.TrialPruned, match="Trial 0 pruned at iteration 3"):
        pruning.check_pruned()
    assert sorted(study.get_trials(deepcopy=False)[0].intermediate_values) == [0, 1, 2, 3]
    assert model.tree_count_ == 4  # CatBoost stopped training right after the pruned iteration


def test_not_pruned_reports_every_iteration_and_trains_as_without_the_callback(study_factory, data) -> None:
    study = study_factory("maximize")
    trial = study.ask()
    pruning = CatBoostPruningCallback(trial, "AUC")
    model = _fit(_classifier(eval_metric="AUC"), data, [pruning])
    pruning.check_pruned()  # does not raise
    plain = _fit(_classifier(eval_metric="AUC"), data, [])
    assert model.tree_count_ == plain.tree_count_ == ITERATIONS
    assert (model.predict_proba(data[4]) == plain.predict_proba(data[4])).all()
    reported = study.get_trials(deepcopy=False)[0].intermediate_values
    assert [reported[i] for i in range(ITERATIONS)] == pytest.approx(model.get_evals_result()["validation"]["AUC"])


def test_eval_set_index_picks_the_evaluation_set(study_factory, data) -> None:
    study = study_factory("minimize")
    trial = study.ask()
    model = _fit(_classifier(), data, [CatBoostPruningCallback(trial, "Logloss", eval_set_index=1)], two_sets=True)
    reported = study.get_trials(deepcopy=False)[0].intermediate_values
    expected = model.get_evals_result()["validation_1"]["Logloss"]
    assert expected != model.get_evals_result()["validation_0"]["Logloss"]
    assert [reported[i] for i in range(ITERATIONS)] == pytest.approx(expected)


def _fit_regressor(trial=None):
    X, y = load_diabetes(return_X_y=True)
    model = catboost.CatBoostRegressor(iterations=20, depth=2, learning_rate=0.1, thread_count=1, random_seed=0,
                                       verbose=0, use_best_model=False, allow_writing_files=False)
    pruning = [] if trial is None else [CatBoostPruningCallback(trial, "RMSE")]
    model.fit(X[:300], y[:300], eval_set=[(X[300:], y[300:])], callbacks=pruning)
    return model, pruning


@pytest.mark.parametrize("margin", [-1e-6, 1e-6])
def test_regressor_with_a_threshold_pruner(margin) -> None:
    rmse = _fit_regressor()[0].get_evals_result()["validation"]["RMSE"]
    # Warm-up covers iterations 0-4; from 5 on the trial is pruned once RMSE is above the bound.
    bound = rmse[5] + margin if margin < 0 else max(rmse[5:]) + margin
    pruner = albacore.pruners.ThresholdPruner(upper=bound, n_warmup_steps=5)
    study = albacore.create_study(pruner=pruner)
    model, (pruning,) = _fit_regressor(study.ask())
    if margin < 0:
        with pytest.raises(albacore.TrialPruned, match="pruned at iteration 5"):
            pruning.check_pruned()
        assert model.tree_count_ == 6
    else:
        pruning.check_pruned()
        assert model.tree_count_ == 20
    reported = study.get_trials(deepcopy=False)[0].intermediate_values
    assert list(reported.values()) == pytest.approx(rmse[: model.tree_count_])


def test_unknown_metric_lists_the_evaluated_ones(study_factory, data) -> None:
    trial = study_factory().ask()
    with pytest.raises(catboost.CatBoostError, match=r"metric='Accuracy'.*available: 'AUC', 'Logloss'"):
        _fit(_classifier(eval_metric="AUC"), data, [CatBoostPruningCallback(trial, "Accuracy")])


def test_missing_evaluation_set_lists_the_evaluated_ones(study_factory, data) -> None:
    trial = study_factory().ask()
    with pytest.raises(catboost.CatBoostError,
                       match=r"eval_set_index=None selects the evaluation set 'validation'.*"
                             r"evaluated sets: 'validation_0', 'validation_1'"):
        _fit(_classifier(), data, [CatBoostPruningCallback(trial, "Logloss")], two_sets=True)


def test_direction_mismatch(study_factory, data) -> None:
    trial = study_factory("minimize").ask()
    with pytest.raises(
        catboost.CatBoostError, match="'AUC' is better when higher, but the study direction is MINIMIZE"
    ):
        _fit(_classifier(eval_metric="AUC"), data, [CatBoostPruningCallback(trial, "AUC")])


def test_bad_arguments(study_factory) -> None:
    trial = study_factory().ask()
    with pytest.raises(ValueError, match="metric must be a non-empty str, got metric=''"):
        CatBoostPruningCallback(trial, "")
    with pytest.raises(ValueError, match="eval_set_index must be a non-negative int or None, got eval_set_index=-1"):
        CatBoostPruningCallback(trial, "Logloss", eval_set_index=-1)
    with pytest.raises(ValueError, match="got eval_set_index=True"):
        CatBoostPruningCallback(trial, "Logloss", eval_set_index=True)


def test_pickles_with_its_pruning_decision(study_factory, data) -> None:
    trial = study_factory("minimize", prune_from=0).ask()
    pruning = CatBoostPruningCallback(trial, "Logloss")
    _fit(_classifier(), data, [pruning])
    restored = pickle.loads(pickle.dumps(pruning))
    with pytest.raises(albacore.TrialPruned, match="pruned at iteration 0"):
        restored.check_pruned()
