"""AlbacoreSearchCV: a scikit-learn meta-estimator driven by a study."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression, Ridge, SGDClassifier
from sklearn.metrics import f1_score, make_scorer
from sklearn.model_selection import GroupKFold, KFold, cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

import albacore
from albacore.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from albacore.integrations.sklearn import AlbacoreSearchCV
from albacore.trial import TrialState

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

C = {"C": FloatDistribution(1e-2, 1e2, log=True)}


@pytest.fixture(scope="module")
def cancer() -> tuple:
    X, y = load_breast_cancer(return_X_y=True)
    return StandardScaler().fit_transform(X)[:300], y[:300]


@parametrize_with_checks(
    [
        AlbacoreSearchCV(Ridge(), {"alpha": FloatDistribution(0.1, 10.0, log=True)}, n_trials=2, cv=2, random_state=0),
        AlbacoreSearchCV(LogisticRegression(), {"C": FloatDistribution(0.1, 10.0, log=True)}, n_trials=2, cv=2,
                         random_state=0),
        AlbacoreSearchCV(PCA(), {"whiten": CategoricalDistribution([True, False])}, n_trials=2, cv=2,
                         random_state=0),
    ],
    expected_failed_checks=lambda search: {
        # PCA.fit accepts sparse X but PCA.score does not, so every trial's scoring fails and
        # the search raises that error (it never refits when no trial completed, where
        # GridSearchCV would refit an arbitrary candidate).
        "check_estimator_sparse_tag": "PCA.score rejects the sparse input PCA.fit accepts",
    } if isinstance(search.estimator, PCA) else {},
)
def test_sklearn_estimator_checks(estimator, check) -> None:
    check(estimator)


def test_fit_results(cancer) -> None:
    X, y = cancer
    cv = KFold(3, shuffle=True, random_state=0)
    search = AlbacoreSearchCV(LogisticRegression(max_iter=300), C, cv=cv, n_trials=5, random_state=0).fit(X, y)
    assert search.n_trials_ == len(search.trials_) == 5
    assert search.study_.best_trial.number == search.trials_[search.best_index_].number
    results = search.cv_results_
    assert results["mean_test_score"][search.best_index_] == search.best_score_ == max(results["mean_test_score"])
    assert results["rank_test_score"][search.best_index_] == 1
    assert results["params"][search.best_index_] == search.best_params_
    assert [results[f"split{i}_test_score"].shape for i in range(3)] == [(5,)] * 3
    expected = cross_val_score(LogisticRegression(max_iter=300, **search.best_params_), X, y, cv=cv).mean()
    assert search.best_score_ == pytest.approx(expected)
    assert search.best_estimator_.C == search.best_params_["C"]
    np.testing.assert_array_equal(search.predict(X), search.best_estimator_.predict(X))
    np.testing.assert_allclose(search.predict_proba(X), search.best_estimator_.predict_proba(X))
    assert search.score(X, y) == search.best_estimator_.score(X, y)
    np.testing.assert_array_equal(search.classes_, [0, 1])


def test_transform_delegation_without_y() -> None:
    X = load_digits().data[:200]
    search = AlbacoreSearchCV(PCA(), {"n_components": IntDistribution(2, 10)}, n_trials=3, cv=2, random_state=0).fit(X)
    assert search.transform(X).shape == (200, search.best_params_["n_components"])
    assert not hasattr(search, "predict")


def test_in_a_pipeline_with_groups_and_scoring(cancer) -> None:
    X, y = cancer
    groups = np.arange(len(y)) % 4
    search = AlbacoreSearchCV(
        Pipeline([("scale", StandardScaler()), ("clf", LogisticRegression(max_iter=300))]),
        {"clf__C": C["C"], "clf__fit_intercept": CategoricalDistribution([True, False])},
        cv=GroupKFold(4), scoring=make_scorer(f1_score), n_trials=3, random_state=0,
    )
    outer = Pipeline([("scale", StandardScaler()), ("search", search)]).fit(X, y, search__groups=groups)
    fitted = outer.named_steps["search"]
    assert fitted.n_splits_ == 4
    assert outer.score(X, y) == pytest.approx(f1_score(y, outer.predict(X)))


def test_clone_params_and_pickle(cancer) -> None:
    X, y = cancer
    search = AlbacoreSearchCV(LogisticRegression(max_iter=300), C, cv=2, n_trials=2, random_state=0)
    assert clone(search).get_params()["n_trials"] == 2
    search.set_params(n_trials=3, estimator__C=0.5)
    assert search.get_params()["estimator__C"] == 0.5
    search.fit(X, y)
    restored = pickle.loads(pickle.dumps(search))
    np.testing.assert_array_equal(restored.predict(X), search.predict(X))
    assert restored.n_trials_ == 3


def test_pruning_trains_epoch_by_epoch_and_prunes(cancer, study_factory) -> None:
    X, y = cancer
    params = {"alpha": FloatDistribution(1e-5, 1e-1, log=True)}
    full = AlbacoreSearchCV(SGDClassifier(random_state=0), params, cv=2, n_trials=2, max_iter=6,
                            enable_pruning=True, study=study_factory("maximize")).fit(X, y)
    for trial in full.trials_:
        assert sorted(trial.intermediate_values) == list(range(6))
        assert trial.intermediate_values[5] == pytest.approx(trial.value)
    pruned = AlbacoreSearchCV(SGDClassifier(random_state=0), params, cv=2, n_trials=2, max_iter=6,
                              enable_pruning=True, study=study_factory("maximize", prune_from=2), refit=False)
    with pytest.raises(ValueError, match="no trial completed"):
        pruned.fit(X, y)
    trials = pruned.study.trials
    assert [t.state for t in trials] == [TrialState.PRUNED] * 2
    assert all(sorted(t.intermediate_values) == [0, 1, 2] for t in trials)


def test_refit_false(cancer) -> None:
    X, y = cancer
    search = AlbacoreSearchCV(LogisticRegression(max_iter=300), C, cv=2, n_trials=2, refit=False).fit(X, y)
    assert not hasattr(search, "best_estimator_")
    with pytest.raises(AttributeError, match="has no attribute 'predict'") as info:
        search.predict(X)
    assert "created with refit=False" in str(info.value.__cause__)
    with pytest.raises(AttributeError, match="created with refit=False; score is available only after refitting"):
        search.score(X, y)


def test_error_score(cancer) -> None:
    X, y = cancer
    bad = {"C": FloatDistribution(-2.0, -1.0)}
    with pytest.raises(ValueError, match="C"):
        AlbacoreSearchCV(LogisticRegression(), bad, cv=2, n_trials=1, error_score="raise").fit(X, y)


def test_catch_fails_the_trial_instead_of_stopping_the_search(cancer) -> None:
    X, y = cancer
    some_bad = {"C": FloatDistribution(-1.0, 1.0)}  # LogisticRegression rejects C <= 0
    search = AlbacoreSearchCV(LogisticRegression(max_iter=300), some_bad, cv=2, n_trials=8, random_state=0,
                              error_score="raise", catch=(ValueError,)).fit(X, y)
    states = {t.state for t in search.trials_}
    assert states == {TrialState.COMPLETE, TrialState.FAIL}
    assert search.best_params_["C"] > 0
    assert all(t.params["C"] <= 0 for t in search.trials_ if t.state == TrialState.FAIL)


def test_study_helpers_reach_the_fitted_study(cancer) -> None:
    search = AlbacoreSearchCV(LogisticRegression(max_iter=300), C, cv=2, n_trials=2, random_state=0).fit(*cancer)
    search.set_user_attr("dataset", "breast_cancer")
    assert search.user_attrs_ == search.study_.user_attrs == {"dataset": "breast_cancer"}
    frame = search.trials_dataframe()
    assert list(frame["number"]) == [0, 1]


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"n_trials": 0}, ValueError, "n_trials must be a positive int or None, got n_trials=0"),
        ({"max_iter": 0}, ValueError, "max_iter must be a positive int, got max_iter=0"),
        ({"subsample": 1.5}, ValueError, r"subsample must be a float in \(0, 1\] or a positive int, got subsample=1.5"),
        ({"error_score": "skip"}, ValueError, "error_score must be a number or 'raise', got error_score='skip'"),
        (
            {"param_distributions": {"C": [1, 2]}},
            TypeError,
            r"param_distributions\['C'\] must be an albacore distribution",
        ),
        ({"enable_pruning": True}, ValueError, "enable_pruning=True needs an estimator with partial_fit"),
        ({"study": "minimize"}, ValueError, "study must maximize the score"),
        (
            {"catch": "ValueError"},
            TypeError,
            "catch must be an exception class or a tuple of them, got catch='ValueError'",
        ),
    ],
)
def test_bad_arguments_fail_in_fit(cancer, kwargs, error, match) -> None:
    if kwargs.get("study") == "minimize":
        kwargs = {"study": albacore.create_study(direction="minimize")}
    search = AlbacoreSearchCV(LogisticRegression(), **{"param_distributions": C, **kwargs})
    with pytest.raises(error, match=match):
        search.fit(*cancer)


def test_subsample_uses_fewer_rows_for_trials_and_all_for_refit(cancer) -> None:
    X, y = cancer
    scored_rows = []

    def scorer(estimator, X_test, y_test):
        scored_rows.append(len(X_test))
        return estimator.score(X_test, y_test)

    search = AlbacoreSearchCV(
        LogisticRegression(max_iter=300), C, cv=2, n_trials=2, subsample=100, scoring=scorer, random_state=0
    ).fit(X, y)
    assert scored_rows == [50] * 4  # 2 trials x 2 folds of the 100 sampled rows
    assert search.score(X, y) == search.best_estimator_.score(X, y)  # refit on all rows
    scored_rows.clear()
    AlbacoreSearchCV(
        LogisticRegression(max_iter=300), C, cv=2, n_trials=1, subsample=0.5, scoring=scorer, random_state=0
    ).fit(X, y)
    assert scored_rows == [75, 75]
    with pytest.raises(ValueError, match="subsample must be"):
        AlbacoreSearchCV(LogisticRegression(), C, subsample=0).fit(X, y)
