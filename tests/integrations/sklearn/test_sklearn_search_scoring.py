"""AlbacoreSearchCV: multi-metric scoring and refit as in GridSearchCV, and the delegated API."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, make_scorer, recall_score
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.neighbors import KernelDensity
from sklearn.preprocessing import StandardScaler

import albacore
from albacore.distributions import CategoricalDistribution
from albacore.integrations.sklearn import AlbacoreSearchCV

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

GRID = [0.001, 0.01, 1.0]
CV = KFold(3, shuffle=True, random_state=0)
SCORING = {"acc": "accuracy", "recall": make_scorer(recall_score)}


@pytest.fixture(scope="module")
def cancer() -> tuple:
    X, y = load_breast_cancer(return_X_y=True)
    return StandardScaler().fit_transform(X)[:240], y[:240]


def _search(estimator=None, **kwargs) -> AlbacoreSearchCV:
    study = albacore.create_study(direction="maximize", sampler=albacore.samplers.GridSampler({"C": GRID}))
    kwargs = {"cv": CV, "n_trials": len(GRID), "study": study, **kwargs}
    return AlbacoreSearchCV(
        estimator or LogisticRegression(max_iter=300), {"C": CategoricalDistribution(GRID)}, **kwargs
    )


def _grid(**kwargs) -> GridSearchCV:
    return GridSearchCV(LogisticRegression(max_iter=300), {"C": GRID}, cv=CV, **kwargs)


def _by_candidate(results: dict, key: str) -> dict:
    return {params["C"]: float(value) for params, value in zip(results["params"], results[key])}


@pytest.mark.parametrize("scoring", [SCORING, ["accuracy", "recall"]])
def test_multi_metric_results_and_refit_match_grid_search(cancer, scoring) -> None:
    X, y = cancer
    names = list(scoring) if isinstance(scoring, dict) else scoring
    refit = names[1]
    search = _search(scoring=scoring, refit=refit, return_train_score=True).fit(X, y)
    grid = _grid(scoring=scoring, refit=refit, return_train_score=True).fit(X, y)
    for name in names:
        for key in (f"mean_test_{name}", f"std_test_{name}", f"split2_test_{name}", f"mean_train_{name}"):
            assert _by_candidate(search.cv_results_, key) == pytest.approx(_by_candidate(grid.cv_results_, key))
        ranks = dict(zip([p["C"] for p in search.cv_results_["params"]], search.cv_results_[f"rank_test_{name}"]))
        assert ranks == _by_candidate(grid.cv_results_, f"rank_test_{name}")
    assert "mean_test_score" not in search.cv_results_
    assert search.multimetric_ and grid.multimetric_
    assert search.best_params_ == grid.best_params_
    assert search.best_score_ == pytest.approx(grid.best_score_)
    assert search.best_score_ == search.cv_results_[f"mean_test_{refit}"][search.best_index_]
    # The study maximizes the refit metric.
    assert [t.value for t in search.trials_] == pytest.approx(list(search.cv_results_[f"mean_test_{refit}"]))
    assert search.score(X, y) == pytest.approx(grid.score(X, y))
    assert sorted(search.scorer_) == sorted(names)


def test_multi_metric_refit_false_keeps_no_best_attributes_like_grid_search(cancer) -> None:
    X, y = cancer
    search = _search(scoring=SCORING, refit=False).fit(X, y)
    grid = _grid(scoring=SCORING, refit=False).fit(X, y)
    for attr in ("best_index_", "best_params_", "best_score_", "best_estimator_"):
        assert hasattr(search, attr) == hasattr(grid, attr) == False  # noqa: E712
    assert _by_candidate(search.cv_results_, "mean_test_recall") == pytest.approx(
        _by_candidate(grid.cv_results_, "mean_test_recall")
    )
    # Without a refit metric the study maximizes the first one.
    assert [t.value for t in search.trials_] == pytest.approx(list(search.cv_results_["mean_test_acc"]))


def test_callable_refit_picks_the_index_and_sets_no_best_score(cancer) -> None:
    X, y = cancer

    def lowest_recall(results):
        return int(np.argmin(results["mean_test_recall"]))

    search = _search(scoring=SCORING, refit=lowest_recall).fit(X, y)
    grid = _grid(scoring=SCORING, refit=lowest_recall).fit(X, y)
    assert search.best_params_ == grid.best_params_
    assert not hasattr(search, "best_score_") and not hasattr(grid, "best_score_")
    assert search.best_estimator_.C == grid.best_estimator_.C
    with pytest.raises(TypeError, match="refit must return an int index into cv_results_, got 'x'"):
        _search(refit=lambda results: "x").fit(X, y)
    with pytest.raises(IndexError, match="refit returned 7, outside the 3 rows of cv_results_"):
        _search(refit=lambda results: 7).fit(X, y)


def test_callable_scoring_returning_a_dict_is_multi_metric(cancer) -> None:
    X, y = cancer

    def two_scores(estimator, X_test, y_test):
        predicted = estimator.predict(X_test)
        return {"f1": f1_score(y_test, predicted), "recall": recall_score(y_test, predicted)}

    search = _search(scoring=two_scores, refit="f1").fit(X, y)
    grid = _grid(scoring=two_scores, refit="f1").fit(X, y)
    assert search.multimetric_
    assert _by_candidate(search.cv_results_, "mean_test_f1") == pytest.approx(
        _by_candidate(grid.cv_results_, "mean_test_f1")
    )
    assert search.best_params_ == grid.best_params_
    assert search.score(X, y) == pytest.approx(grid.score(X, y))
    with pytest.raises(ValueError, match="refit must be False, a callable or one of the scorer names 'f1', 'recall'"):
        _search(scoring=two_scores, refit="auc", n_trials=3).fit(X, y)


@pytest.mark.parametrize("refit", [True, "auc"])
def test_multi_metric_needs_a_scorer_name_to_refit(cancer, refit) -> None:
    with pytest.raises(
        ValueError,
        match=rf"refit must be False, a callable or one of the scorer names 'acc', 'recall', got refit={refit!r}",
    ):
        _search(scoring=SCORING, refit=refit).fit(*cancer)
    with pytest.raises(ValueError, match="refit must be set to a scorer key"):
        _grid(scoring=SCORING, refit=refit).fit(*cancer)


def test_bad_refit_and_scoring_fail_in_fit(cancer) -> None:
    with pytest.raises(TypeError, match="refit must be a bool, a str or a callable, got refit=1.5"):
        _search(refit=1.5).fit(*cancer)
    with pytest.raises(ValueError, match="nope"):
        _search(scoring="nope").fit(*cancer)


def test_feature_names_and_n_features_come_from_the_best_estimator(cancer) -> None:
    X, y = cancer
    frame = pd.DataFrame(X[:, :5], columns=[f"f{i}" for i in range(5)])
    search = _search().fit(frame, y)
    assert list(search.feature_names_in_) == list(frame.columns)
    assert search.n_features_in_ == 5
    assert not hasattr(_search().fit(X, y), "feature_names_in_")
    assert not hasattr(_search(), "n_features_in_")


def test_transformer_delegation_fit_transform_and_inverse_transform() -> None:
    X = load_digits().data[:200]
    search = AlbacoreSearchCV(
        PCA(), {"n_components": CategoricalDistribution([3, 5])}, n_trials=2, cv=2, random_state=0
    )
    Xt = search.fit_transform(X)
    np.testing.assert_allclose(Xt, search.best_estimator_.transform(X))
    np.testing.assert_allclose(search.inverse_transform(Xt), search.best_estimator_.inverse_transform(Xt))
    assert not hasattr(AlbacoreSearchCV(LogisticRegression(), {}), "fit_transform")
    assert not hasattr(AlbacoreSearchCV(PCA(), {}, refit=False), "fit_transform")


def test_classifier_and_density_delegation(cancer) -> None:
    X, y = cancer
    search = _search().fit(X, y)
    best = search.best_estimator_
    np.testing.assert_allclose(search.decision_function(X), best.decision_function(X))
    np.testing.assert_allclose(search.predict_log_proba(X), best.predict_log_proba(X))
    density = AlbacoreSearchCV(
        KernelDensity(), {"bandwidth": CategoricalDistribution([0.5, 2.0])}, n_trials=2, cv=2, random_state=0
    ).fit(X)
    np.testing.assert_allclose(density.score_samples(X), density.best_estimator_.score_samples(X))
    assert not hasattr(density, "predict_proba")
