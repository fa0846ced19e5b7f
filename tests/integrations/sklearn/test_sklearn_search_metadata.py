"""AlbacoreSearchCV with sample weights: subsampling, pruning and scikit-learn's metadata routing.

Where a result can be compared, it is compared with GridSearchCV on the same data, folds and
candidates (a GridSampler study runs every candidate once).
"""

from __future__ import annotations

import numpy as np
import pytest
import sklearn
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.metrics import accuracy_score, make_scorer
from sklearn.model_selection import GridSearchCV, GroupKFold, KFold, cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

import albacore
from albacore.distributions import CategoricalDistribution, FloatDistribution
from albacore.integrations.sklearn import AlbacoreSearchCV

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

GRID = [0.01, 0.1, 1.0]
CV = KFold(3, shuffle=True, random_state=0)


@pytest.fixture(scope="module")
def data() -> tuple:
    X, y = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X)[:240]
    X[:, 0] = np.linspace(-1.0, 1.0, 240)  # a unique value per row identifies the row in the recorders
    weights = np.random.default_rng(0).uniform(0.0, 5.0, 240)
    return X, y[:240], weights


def _grid_study() -> albacore.Study:
    return albacore.create_study(direction="maximize", sampler=albacore.samplers.GridSampler({"C": GRID}))


def _search(estimator, **kwargs) -> AlbacoreSearchCV:
    kwargs = {"cv": CV, "n_trials": len(GRID), "study": _grid_study(), **kwargs}
    return AlbacoreSearchCV(estimator, {"C": CategoricalDistribution(GRID)}, **kwargs)


def _means_by_candidate(results: dict, key: str = "mean_test_score") -> dict:
    return {params["C"]: float(mean) for params, mean in zip(results["params"], results[key])}


class WeightRecorder(LogisticRegression):
    """Records, per fit, the first feature of the rows it got and the weights it got."""

    seen: list = []

    def fit(self, X, y, sample_weight=None):
        WeightRecorder.seen.append((np.asarray(X)[:, 0].copy(), sample_weight))
        return super().fit(X, y, sample_weight=sample_weight)


class PartialWeightRecorder(SGDClassifier):
    seen: list = []

    def partial_fit(self, X, y, classes=None, sample_weight=None):
        PartialWeightRecorder.seen.append((np.asarray(X)[:, 0].copy(), sample_weight))
        return super().partial_fit(X, y, classes=classes, sample_weight=sample_weight)


def _rows_carry_their_weights(X_col0, weights, fitted_col0, fitted_weights) -> bool:
    # Each row's first feature is unique here, so it identifies the row and its weight.
    lookup = dict(zip(X_col0.tolist(), weights.tolist()))
    return fitted_weights is not None and [lookup[v] for v in fitted_col0.tolist()] == fitted_weights.tolist()


def test_subsample_subsamples_the_weights_with_the_rows(data) -> None:
    X, y, w = data
    assert len(np.unique(X[:, 0])) == len(X)
    WeightRecorder.seen = []
    search = AlbacoreSearchCV(WeightRecorder(max_iter=300), {"C": FloatDistribution(0.1, 10.0)}, cv=2,
                              n_trials=2, subsample=100, random_state=0).fit(X, y, sample_weight=w)
    trial_fits, refit = WeightRecorder.seen[:-1], WeightRecorder.seen[-1]
    assert [len(rows) for rows, _ in trial_fits] == [50] * 4
    assert all(_rows_carry_their_weights(X[:, 0], w, rows, weights) for rows, weights in WeightRecorder.seen)
    assert len(refit[0]) == len(X)  # the refit uses every row and every weight
    assert search.best_estimator_.coef_.shape == (1, X.shape[1])


def test_pruning_fits_each_fold_with_its_own_weights(data) -> None:
    X, y, w = data
    PartialWeightRecorder.seen = []
    search = AlbacoreSearchCV(PartialWeightRecorder(random_state=0), {"alpha": FloatDistribution(1e-4, 1e-2, log=True)},
                              cv=CV, n_trials=1, max_iter=3, enable_pruning=True, random_state=0, refit=False)
    search.fit(X, y, sample_weight=w)
    assert len(PartialWeightRecorder.seen) == 3 * 3  # 3 epochs x 3 folds
    assert all(_rows_carry_their_weights(X[:, 0], w, rows, weights) for rows, weights in PartialWeightRecorder.seen)
    # The trial's value is what the same weighted partial_fit epochs give by hand.
    alpha = search.best_params_["alpha"]
    scores = []
    for train, test in CV.split(X, y):
        model = SGDClassifier(random_state=0, alpha=alpha)
        for _ in range(3):
            model.partial_fit(X[train], y[train], classes=[0, 1], sample_weight=w[train])
        scores.append(model.score(X[test], y[test]))
    assert search.best_score_ == pytest.approx(np.mean(scores))
    assert search.n_iter_ == 3


def test_weights_without_routing_reach_fit_only(data) -> None:
    X, y, w = data
    search = _search(LogisticRegression(max_iter=300), scoring="accuracy").fit(X, y, sample_weight=w)
    # Without routing the weights go to fit, and the fold scores are unweighted, as in
    # cross_validate (request the weights on the scorer under routing to weight them).
    refs = {C: cross_val_score(LogisticRegression(max_iter=300, C=C), X, y, cv=CV, params={"sample_weight": w}).mean()
            for C in GRID}
    unweighted = GridSearchCV(LogisticRegression(max_iter=300), {"C": GRID}, cv=CV, scoring="accuracy").fit(X, y)
    ours = _means_by_candidate(search.cv_results_)
    assert ours == pytest.approx(refs)
    assert ours != pytest.approx(_means_by_candidate(unweighted.cv_results_))
    refit = LogisticRegression(max_iter=300, C=search.best_params_["C"]).fit(X, y, sample_weight=w)
    np.testing.assert_allclose(search.best_estimator_.coef_, refit.coef_)


def _weighted_accuracy():
    return make_scorer(accuracy_score).set_score_request(sample_weight=True)


def test_routing_weights_fit_and_scores_like_grid_search(data) -> None:
    X, y, w = data
    with sklearn.config_context(enable_metadata_routing=True):
        estimator = LogisticRegression(max_iter=300).set_fit_request(sample_weight=True)
        search = _search(estimator, scoring=_weighted_accuracy()).fit(X, y, sample_weight=w)
        grid = GridSearchCV(estimator, {"C": GRID}, cv=CV, scoring=_weighted_accuracy()).fit(X, y, sample_weight=w)
        assert search.score(X, y, sample_weight=w) == pytest.approx(grid.score(X, y, sample_weight=w))
    assert _means_by_candidate(search.cv_results_) == pytest.approx(_means_by_candidate(grid.cv_results_))
    assert search.best_params_ == grid.best_params_
    assert search.best_score_ == pytest.approx(grid.best_score_)
    np.testing.assert_allclose(search.best_estimator_.coef_, grid.best_estimator_.coef_)


def test_routing_nested_cross_val_score_and_pipeline_match_grid_search(data) -> None:
    X, y, w = data
    with sklearn.config_context(enable_metadata_routing=True):
        estimator = LogisticRegression(max_iter=300).set_fit_request(sample_weight=True)
        search = _search(estimator, scoring=_weighted_accuracy())
        grid = GridSearchCV(estimator, {"C": GRID}, cv=CV, scoring=_weighted_accuracy())
        outer = KFold(2, shuffle=True, random_state=1)
        ours = cross_val_score(search, X, y, cv=outer, scoring=_weighted_accuracy(), params={"sample_weight": w})
        theirs = cross_val_score(grid, X, y, cv=outer, scoring=_weighted_accuracy(), params={"sample_weight": w})
        np.testing.assert_allclose(ours, theirs)

        scaler = StandardScaler().set_fit_request(sample_weight=True)
        ours = Pipeline([("scale", scaler), ("search", search)]).fit(X, y, sample_weight=w)
        theirs = Pipeline([("scale", scaler), ("search", grid)]).fit(X, y, sample_weight=w)
        assert ours.score(X, y, sample_weight=w) == pytest.approx(theirs.score(X, y, sample_weight=w))
    assert ours[-1].best_params_ == theirs[-1].best_params_


def test_routing_groups_reach_the_splitter(data) -> None:
    X, y, _ = data
    groups = np.arange(len(y)) % 4
    with sklearn.config_context(enable_metadata_routing=True):
        search = _search(LogisticRegression(max_iter=300), cv=GroupKFold(4)).fit(X, y, groups=groups)
        grid = GridSearchCV(LogisticRegression(max_iter=300), {"C": GRID}, cv=GroupKFold(4)).fit(X, y, groups=groups)
    assert search.n_splits_ == 4
    assert _means_by_candidate(search.cv_results_) == pytest.approx(_means_by_candidate(grid.cv_results_))


def test_routing_pruning_routes_partial_fit_and_score_weights(data) -> None:
    X, y, w = data
    with sklearn.config_context(enable_metadata_routing=True):
        estimator = SGDClassifier(random_state=0).set_fit_request(sample_weight=True)
        estimator = estimator.set_partial_fit_request(sample_weight=True)
        search = AlbacoreSearchCV(
            estimator,
            {"alpha": CategoricalDistribution([1e-3])},
            cv=CV,
            n_trials=1,
            max_iter=2,
            enable_pruning=True,
            scoring=_weighted_accuracy(),
        )
        search.fit(X, y, sample_weight=w)
    scores = []
    for train, test in CV.split(X, y):
        model = SGDClassifier(random_state=0, alpha=1e-3)
        for _ in range(2):
            model.partial_fit(X[train], y[train], classes=[0, 1], sample_weight=w[train])
        scores.append(accuracy_score(y[test], model.predict(X[test]), sample_weight=w[test]))
    assert search.best_score_ == pytest.approx(np.mean(scores))
    refit = SGDClassifier(random_state=0, alpha=1e-3).fit(X, y, sample_weight=w)
    np.testing.assert_allclose(search.best_estimator_.coef_, refit.coef_)


def test_routing_rejects_weights_nobody_requested(data) -> None:
    X, y, w = data
    with sklearn.config_context(enable_metadata_routing=True):
        with pytest.raises(ValueError, match=r"\[sample_weight\] are passed but are not explicitly set as requested"):
            _search(LogisticRegression()).fit(X, y, sample_weight=w)
        estimator = SGDClassifier().set_fit_request(sample_weight=True)
        pruning = AlbacoreSearchCV(estimator, {"alpha": FloatDistribution(1e-4, 1e-2)}, enable_pruning=True, n_trials=1)
        with pytest.raises(ValueError, match=r"SGDClassifier.partial_fit"):
            pruning.fit(X, y, sample_weight=w)


def test_score_params_need_routing(data) -> None:
    X, y, w = data
    search = _search(LogisticRegression(max_iter=300)).fit(X, y)
    with pytest.raises(ValueError, match=r"AlbacoreSearchCV.score got sample_weight.*enable_metadata_routing=True"):
        search.score(X, y, sample_weight=w)


def test_get_metadata_routing_lists_what_fit_and_score_consume() -> None:
    with sklearn.config_context(enable_metadata_routing=True):
        estimator = SGDClassifier().set_fit_request(sample_weight=True).set_partial_fit_request(sample_weight="pw")
        search = AlbacoreSearchCV(
            estimator,
            {"alpha": FloatDistribution(1e-4, 1e-2)},
            enable_pruning=True,
            scoring=_weighted_accuracy(),
            cv=GroupKFold(3),
        )
        routing = search.get_metadata_routing()
        assert routing.consumes("fit", {"sample_weight", "pw", "groups", "other"}) == {"sample_weight", "pw", "groups"}
        assert routing.consumes("score", {"sample_weight", "groups"}) == {"sample_weight"}
