"""What the forest-based evaluators share: argument checks, the data, the forest."""

from __future__ import annotations

import abc
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

import numpy as np

from albacore._imports import require
from albacore._validation import check_int
from albacore.importance._base import (
    BaseImportanceEvaluator,
    check_params,
    check_target,
    completed_trials,
    finite_rows,
    resolve_distributions,
    sort_by_importance,
    target_values,
)
from albacore.importance._encoding import Encoded, encode
from albacore.trial._frozen import FrozenTrial

if TYPE_CHECKING:
    from albacore.trial._study_protocol import StudyReader


@dataclass
class ForestData:
    """The parameters to assess and, when there is anything to fit, the encoded trials.

    Attributes:
        names: Every parameter to report, in name order.
        encoded: Encoded trials over the non-constant parameters (None: nothing to fit).
        y: Target values of the encoded trials.
    """

    names: list[str]
    encoded: Encoded | None
    y: np.ndarray


def check_forest_args(where: str, n_trees: Any, max_depth: Any) -> None:
    for name, value in (("n_trees", n_trees), ("max_depth", max_depth)):
        check_int(where, name, value, 1)


def forest_data(
    where: str, study: StudyReader, params: list[str] | None, target: Callable[[FrozenTrial], float] | None
) -> ForestData:
    """Validate the arguments and encode the completed trials that have every parameter."""
    check_params(where, params)
    check_target(where, study, target)
    trials = completed_trials(where, study)
    space = resolve_distributions(where, trials, params)
    names = list(space)
    varying = {n: d for n, d in space.items() if not d.single()}
    if not varying:
        return ForestData(names, None, np.zeros(0))
    trials = [t for t in trials if varying.keys() <= t.params.keys()]
    trials, y = finite_rows(trials, target_values(trials, target))
    if len(trials) < 2:
        return ForestData(names, None, np.zeros(0))
    return ForestData(names, encode(trials, varying), y)


def fit_forest(x: np.ndarray, y: np.ndarray, n_trees: int, max_depth: int, seed: int | None, feature: str) -> Any:
    """A scikit-learn random forest regressor fitted to ``(x, y)``."""
    ensemble = require("sklearn.ensemble", extra="importance", feature=feature)
    forest = ensemble.RandomForestRegressor(
        n_estimators=n_trees, max_depth=max_depth, min_samples_split=2, min_samples_leaf=1, random_state=seed,
    )
    return forest.fit(x, y)


class ForestImportanceEvaluator(BaseImportanceEvaluator):
    """An evaluator reading importances off a random forest fitted to the completed trials.

    Subclasses implement :meth:`_importances`; arguments are documented on them.
    """

    def __init__(self, *, n_trees: int = 64, max_depth: int = 64, seed: int | None = None) -> None:
        check_forest_args(type(self).__name__, n_trees, max_depth)
        self._n_trees = n_trees
        self._max_depth = max_depth
        self._seed = seed

    @abc.abstractmethod
    def _importances(self, forest: Any, encoded: Encoded) -> np.ndarray:
        """Raw importance of each of ``encoded.names`` under the fitted ``forest``."""

    def evaluate(
        self,
        study: StudyReader,
        params: list[str] | None = None,
        *,
        target: Callable[[FrozenTrial], float] | None = None,
    ) -> dict[str, float]:
        """Importances of ``params`` (default: the parameters every completed trial has).

        Raises:
            ValueError: If the study has no completed trial, a name in ``params`` is unknown,
                or the study is multi-objective and ``target`` is None.
            TypeError: If ``params`` is not a list of names or ``target`` is not callable.
        """
        name = type(self).__name__
        data = forest_data(f"{name}.evaluate", study, params, target)
        result = dict.fromkeys(data.names, 0.0)
        if data.encoded is not None:
            forest = fit_forest(data.encoded.x, data.y, self._n_trees, self._max_depth, self._seed, name)
            result.update(zip(data.encoded.names, self._importances(forest, data.encoded).tolist()))
        return sort_by_importance(result)
