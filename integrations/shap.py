"""SHAP integration: parameter importances as mean absolute Shapley values of a forest.

Importing this module imports ``shap``; without it, the import raises an ImportError naming
``pip install 'albacore[shap]'``. The evaluator plugs into
:func:`albacore.importance.get_param_importances`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

import numpy as np

from albacore._imports import require
from albacore.importance import BaseImportanceEvaluator
from albacore.importance._base import sort_by_importance
from albacore.importance._forest import check_forest_args, fit_forest, forest_data
from albacore.trial import FrozenTrial

if TYPE_CHECKING:
    from albacore.trial._study_protocol import StudyReader

shap = require("shap", extra="shap", feature="albacore.integrations.shap")

__all__ = ["ShapleyImportanceEvaluator"]

_CALLER = "ShapleyImportanceEvaluator"


class ShapleyImportanceEvaluator(BaseImportanceEvaluator):
    """Importance of each parameter as its mean absolute SHAP value in a random forest.

    A scikit-learn ``RandomForestRegressor`` is fitted to the completed trials (the same
    forest and encoding as :class:`~albacore.importance.FanovaImportanceEvaluator`: numeric
    parameters scaled to ``[0, 1]``, a categorical one-hot). ``shap.TreeExplainer`` gives
    every trial's exact Shapley values of the forest's prediction; a categorical's columns
    are added up per trial, and a parameter's importance is the mean over the trials of the
    absolute value, in the objective's units. Parameters that take a single value get 0.

    Requires shap and scikit-learn (``pip install 'albacore[shap]'``).

    Args:
        n_trees: Number of trees in the forest.
        max_depth: Maximum depth of each tree.
        seed: Seed of the forest (None: a different forest each call).

    Raises:
        ValueError: If ``n_trees`` or ``max_depth`` is not an int >= 1.

    Example:
        .. code-block:: python

            from albacore.integrations.shap import ShapleyImportanceEvaluator

            importances = albacore.importance.get_param_importances(
                study, evaluator=ShapleyImportanceEvaluator(seed=0))
    """

    def __init__(self, *, n_trees: int = 64, max_depth: int = 64, seed: int | None = None) -> None:
        check_forest_args(_CALLER, n_trees, max_depth)
        self._n_trees = n_trees
        self._max_depth = max_depth
        self._seed = seed

    def evaluate(
        self,
        study: StudyReader,
        params: list[str] | None = None,
        *,
        target: Callable[[FrozenTrial], float] | None = None,
    ) -> dict[str, float]:
        """Mean absolute SHAP value of ``params`` (default: the parameters every completed trial has).

        Args:
            study: The study to analyse.
            params: Names of the parameters to assess; None for those every completed trial has.
            target: Function of a trial giving the value to explain; None for the objective
                value (required for a multi-objective study).

        Returns:
            A ``dict`` from parameter name to mean absolute SHAP value, in descending order.

        Raises:
            ValueError: If the study has no completed trial, a name in ``params`` is unknown,
                or the study is multi-objective and ``target`` is None.
            TypeError: If ``params`` is not a list of names or ``target`` is not callable.
        """
        where = f"{_CALLER}.evaluate"
        data = forest_data(where, study, params, target)
        result = dict.fromkeys(data.names, 0.0)
        if data.encoded is None:
            return sort_by_importance(result)
        enc = data.encoded
        forest = fit_forest(enc.x, data.y, self._n_trees, self._max_depth, self._seed, _CALLER)
        per_column = np.asarray(shap.TreeExplainer(forest).shap_values(enc.x), dtype=float)
        for name, columns in zip(enc.names, enc.groups):
            result[name] = float(np.abs(per_column[:, columns].sum(axis=1)).mean())
        return sort_by_importance(result)
