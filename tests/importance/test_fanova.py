"""fANOVA: the exact decomposition of a tree, and rankings on objectives with known importances."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import TRUE_RANKING, spearman

from albacore.importance import FanovaImportanceEvaluator, get_param_importances
from albacore.importance._encoding import Encoded
from albacore.importance._fanova import leaf_boxes, tree_importances


def test_decomposition_of_an_additive_step_function_is_exact() -> None:
    # f(x0, x1) = 2 [x0 > 0.5] + [x1 > 0.25]: main-effect variances 1 and 3/16, no interaction.
    lo = np.array([[0.0, 0.0], [0.0, 0.25], [0.5, 0.0], [0.5, 0.25]])
    hi = np.array([[0.5, 0.25], [0.5, 1.0], [1.0, 0.25], [1.0, 1.0]])
    values = np.array([0.0, 1.0, 2.0, 3.0])
    enc = Encoded(np.zeros((0, 2)), ["x0", "x1"], [np.array([0]), np.array([1])], [False, False])
    shares = tree_importances(lo, hi, values, enc)
    total = 1.0 + 3.0 / 16.0
    assert shares == pytest.approx([1.0 / total, (3.0 / 16.0) / total])


def test_decomposition_of_a_pure_interaction_has_no_main_effects() -> None:
    lo = np.array([[0.0, 0.0], [0.0, 0.5], [0.5, 0.0], [0.5, 0.5]])
    hi = np.array([[0.5, 0.5], [0.5, 1.0], [1.0, 0.5], [1.0, 1.0]])
    values = np.array([1.0, -1.0, -1.0, 1.0])  # xor
    enc = Encoded(np.zeros((0, 2)), ["x0", "x1"], [np.array([0]), np.array([1])], [False, False])
    assert tree_importances(lo, hi, values, enc) == pytest.approx([0.0, 0.0])


def test_categorical_marginal_is_uniform_over_choices() -> None:
    # One categorical with three one-hot columns; leaf values 0, 0, 3 for choices 0, 1, 2:
    # the marginal is the function itself (variance 2) and explains everything.
    lo = np.array([[0.0, 0.0, 0.0], [0.0, 0.0, 0.5], [0.0, 0.5, 0.0], [0.5, 0.0, 0.0]])
    hi = np.array([[0.5, 0.5, 0.5], [0.5, 0.5, 1.0], [0.5, 1.0, 0.5], [1.0, 0.5, 0.5]])
    values = np.array([7.0, 3.0, 0.0, 0.0])  # the first leaf holds no choice
    enc = Encoded(np.zeros((0, 3)), ["c"], [np.array([0, 1, 2])], [True])
    assert tree_importances(lo, hi, values, enc) == pytest.approx([1.0])


def test_leaf_boxes_of_a_fitted_tree_partition_the_unit_cube() -> None:
    from sklearn.tree import DecisionTreeRegressor

    rng = np.random.default_rng(0)
    x = rng.uniform(size=(200, 3))
    tree = DecisionTreeRegressor(random_state=0).fit(x, x[:, 0] + x[:, 1] ** 2)
    lo, hi, values = leaf_boxes(tree.tree_, 3)
    assert len(values) == tree.get_n_leaves()
    assert np.prod(hi - lo, axis=1).sum() == pytest.approx(1.0)
    inside = np.all((x[:, None, :] > lo[None]) & (x[:, None, :] <= hi[None]), axis=2)
    assert (inside.sum(axis=1) == 1).all()  # every point lies in exactly one leaf ...
    assert np.allclose(values[inside.argmax(axis=1)], tree.predict(x))  # ... whose value the tree predicts


def test_ranking_of_known_importances(synthetic_study) -> None:
    study = synthetic_study(n_trials=300, seed=0)
    result = get_param_importances(study, evaluator=FanovaImportanceEvaluator(seed=0))
    assert spearman(list(result), TRUE_RANKING) >= 0.9
    assert next(iter(result)) == "a"


def test_same_seed_same_importances(synthetic_study) -> None:
    study = synthetic_study(n_trials=100, seed=3)
    first = FanovaImportanceEvaluator(seed=5).evaluate(study)
    assert FanovaImportanceEvaluator(seed=5).evaluate(study) == first
