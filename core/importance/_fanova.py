"""fANOVA: functional ANOVA of a random forest fitted to the trials (Hutter et al., 2014).

A regression tree is a piecewise-constant function whose pieces (leaves) are boxes, so its
functional ANOVA decomposition is exact and cheap. With every parameter uniform over its
domain (numeric parameters over ``[0, 1]`` after :mod:`._encoding`, a categorical one over
its choices), a leaf ``l`` with value ``v_l`` covers a share ``w_l`` of the space: the
product of its numeric widths and, per categorical, the fraction of choices it holds. Then

* the tree's mean is ``sum_l w_l v_l`` and its variance ``V = sum_l w_l (v_l - mean)^2``;
* the marginal of a numeric parameter ``i`` is constant between consecutive split points of
  ``i``: on such an interval it is ``sum`` over the leaves spanning it of ``v_l w_l / width_li``,
  accumulated for all intervals at once with a difference array;
* the marginal of a categorical parameter at choice ``j`` sums ``v_l w_l / share_lj`` over the
  leaves that hold ``j``;
* the importance of a parameter is the variance of its marginal divided by ``V``, averaged
  over the trees of the forest.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from albacore.importance._encoding import Encoded
from albacore.importance._forest import ForestImportanceEvaluator


def leaf_boxes(tree: Any, n_columns: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Lower bounds, upper bounds ``(n_leaves, n_columns)`` and values of a fitted sklearn tree.

    Nodes are visited level by level, all nodes of a level in one numpy step.
    """
    left, right = tree.children_left, tree.children_right
    feature, threshold = tree.feature, tree.threshold
    n_nodes = left.size
    lo = np.zeros((n_nodes, n_columns))
    hi = np.ones((n_nodes, n_columns))
    frontier = np.array([0])
    while frontier.size:
        split = frontier[left[frontier] >= 0]
        if not split.size:
            break
        f, t = feature[split], threshold[split]
        for child, bound, other in ((left[split], hi, lo), (right[split], lo, hi)):
            bound[child] = bound[split]
            other[child] = other[split]
            bound[child, f] = t
        frontier = np.concatenate([left[split], right[split]])
    leaves = left < 0
    return lo[leaves], hi[leaves], tree.value[leaves, 0, 0].astype(float)


def tree_importances(lo: np.ndarray, hi: np.ndarray, values: np.ndarray, encoded: Encoded) -> np.ndarray:
    """Share of one tree's variance explained by each parameter's main effect (zeros if constant)."""
    n_leaves = len(values)
    factors = np.ones((len(encoded.names), n_leaves))  # each parameter's share of a leaf
    inside = []  # per categorical: (n_leaves, n_choices) whether the leaf holds the choice
    for g, (cols, is_cat) in enumerate(zip(encoded.groups, encoded.categorical)):
        if is_cat:
            has1 = hi[:, cols] >= 1.0
            has0 = lo[:, cols] <= 0.0
            n0 = has0.sum(axis=1, keepdims=True)
            holds = has1 & (n0 - has0 == len(cols) - 1)
            inside.append(holds)
            factors[g] = holds.sum(axis=1) / len(cols)
        else:
            inside.append(None)
            factors[g] = hi[:, cols[0]] - lo[:, cols[0]]
    weight = factors.prod(axis=0)
    mean = float(weight @ values)
    total = float(weight @ (values - mean) ** 2)
    out = np.zeros(len(encoded.names))
    if total <= 0.0 or not np.isfinite(total):
        return out
    for g, (cols, holds) in enumerate(zip(encoded.groups, inside)):
        share = factors[g]
        contrib = np.divide(values * weight, share, out=np.zeros(n_leaves), where=share > 0)
        if holds is not None:
            marginal = contrib @ holds
            out[g] = float(np.mean((marginal - mean) ** 2)) / total
            continue
        c = cols[0]
        edges = np.unique(np.concatenate([lo[:, c], hi[:, c], [0.0, 1.0]]))
        start = np.searchsorted(edges, lo[:, c])
        stop = np.searchsorted(edges, hi[:, c])
        diff = np.zeros(edges.size)
        np.add.at(diff, start, contrib)
        np.add.at(diff, stop, -contrib)
        marginal = np.cumsum(diff)[:-1]
        out[g] = float(np.diff(edges) @ (marginal - mean) ** 2) / total
    return out


class FanovaImportanceEvaluator(ForestImportanceEvaluator):
    """fANOVA importance: the share of a random forest's variance due to each parameter.

    A scikit-learn ``RandomForestRegressor`` is fitted to the completed trials (numeric
    parameters scaled to ``[0, 1]``, log parameters in log space; categorical ones one-hot);
    each tree's variance over the search space is decomposed exactly (Hutter et al., 2014,
    "An Efficient Approach for Assessing Hyperparameter Importance") and a parameter's
    importance is the variance of its main effect over the tree's variance, averaged over
    the trees. Parameters with a single value get 0. The forest's fit sets how reliable the
    result is: trials spread over the space (e.g. from ``RandomSampler``) give the best one.

    Requires scikit-learn (``pip install 'albacore[importance]'``).

    Args:
        n_trees: Number of trees in the forest.
        max_depth: Maximum depth of each tree.
        seed: Seed of the forest (None: a different forest each call).

    Raises:
        ValueError: If ``n_trees`` or ``max_depth`` is not a positive int.

    Example:
        .. code-block:: python

            evaluator = albacore.importance.FanovaImportanceEvaluator(seed=0)
            albacore.importance.get_param_importances(study, evaluator=evaluator)
    """

    def _importances(self, forest: Any, encoded: Encoded) -> np.ndarray:
        n_columns = encoded.x.shape[1]
        shares = np.zeros(len(encoded.names))
        for estimator in forest.estimators_:
            lo, hi, values = leaf_boxes(estimator.tree_, n_columns)
            shares += tree_importances(lo, hi, values, encoded)
        return shares / len(forest.estimators_)
