"""BruteForceSampler: every point of a discrete (possibly conditional) space, then stop."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable

from albacore._rng import SeededRNG
from albacore.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from albacore.samplers._base import BaseSampler
from albacore.samplers._grid import stop_study
from albacore.trial._frozen import FrozenTrial
from albacore.trial._state import TrialState

if TYPE_CHECKING:
    from albacore.study.study import Study

_FINISHED = (TrialState.COMPLETE, TrialState.PRUNED)


def _key(internal: float) -> float:
    """A tree key for an internal value, robust to float noise in stepped values."""
    return round(float(internal), 10)


def _internal_values(name: str, distribution: BaseDistribution) -> list[float]:
    """Every internal value of a discrete distribution.

    Raises:
        ValueError: For a float distribution without ``step``.
    """
    if isinstance(distribution, CategoricalDistribution):
        return [float(i) for i in range(len(distribution.choices))]
    if isinstance(distribution, IntDistribution):
        return [float(v) for v in range(distribution.low, distribution.high + 1, distribution.step)]
    assert isinstance(distribution, FloatDistribution)
    if distribution.step is None:
        raise ValueError(
            f"BruteForceSampler: parameter {name!r} is a float without step ({distribution!r}); brute force "
            f"needs finitely many values: pass step=... to suggest_float"
        )
    n = int(round((distribution.high - distribution.low) / distribution.step)) + 1
    return [min(distribution.low + k * distribution.step, distribution.high) for k in range(n)]


class _Node:
    """A node of the tree of observed parameter paths.

    ``name``/``values`` are set once a trial suggested a parameter at this prefix;
    ``ended`` counts trials whose path stops here (finished / running).
    """

    __slots__ = ("name", "values", "children", "ended_finished", "ended_running")

    def __init__(self) -> None:
        self.name: str | None = None
        self.values: list[float] = []
        self.children: dict[float, _Node] = {}
        self.ended_finished = False
        self.ended_running = False

    def expand(self, name: str, distribution: BaseDistribution) -> None:
        if self.name is None:
            self.name = name
            self.values = [_key(v) for v in _internal_values(name, distribution)]

    def exhausted(self, count_running: bool) -> bool:
        """Whether every path below this node has been tried."""
        if self.name is None:
            return self.ended_finished or (count_running and self.ended_running)
        return all(
            v in self.children and self.children[v].exhausted(count_running) for v in self.values
        )


def _build_tree(trials: Iterable[FrozenTrial], running: Iterable[FrozenTrial]) -> _Node:
    root = _Node()
    for is_running, group in ((False, trials), (True, running)):
        for trial in group:
            node = root
            for name, value in trial.params.items():
                dist = trial.distributions[name]
                try:
                    node.expand(name, dist)
                except ValueError:
                    break  # a continuous parameter: not part of the enumerated space
                if node.name != name:
                    break  # a different structure than earlier trials; keep what agrees
                node = node.children.setdefault(_key(dist.to_internal_repr(value)), _Node())
            else:
                if is_running:
                    node.ended_running = True
                else:
                    node.ended_finished = True
    return root


class BruteForceSampler(BaseSampler):
    """Tries every combination of a discrete search space once, then stops the study.

    Define-by-run spaces are supported: the sampler keeps a tree of the parameter paths
    seen so far (a parameter suggested only when another has a given value is a branch),
    and each new value is drawn at random among the values whose subtrees still hold
    untried combinations. Running trials of other workers count as taken. When the tree is
    exhausted ``optimize`` stops by itself. Failed trials are ignored (their points are
    tried again).

    Every parameter must be discrete: categorical, int, or float with ``step``.

    Args:
        seed: Seed of the random order of the search.
        avoid_premature_stop: Stop only when *finished* trials cover the space. By default
            running trials count as covering their paths, which can stop the study a little
            early when a running trial fails or branches into parameters not seen yet; with
            this option such paths are tried again instead (at the risk of an occasional
            duplicate).

    Example:
        .. code-block:: python

            def objective(trial):
                kind = trial.suggest_categorical("kind", ["a", "b"])
                if kind == "a":
                    return trial.suggest_int("n", 1, 3)
                return 0.0

            study = albacore.create_study(sampler=albacore.samplers.BruteForceSampler(seed=0))
            study.optimize(objective)
            assert len(study.trials) == 4
    """

    def __init__(self, seed: int | None = None, avoid_premature_stop: bool = False) -> None:
        self._rng = SeededRNG(seed)
        self._avoid_premature_stop = bool(avoid_premature_stop)

    def reseed_rng(self) -> None:
        self._rng.reseed()

    def infer_relative_search_space(self, study: Study, trial: FrozenTrial) -> dict[str, BaseDistribution]:
        return {}

    def sample_relative(
        self, study: Study, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        return {}

    def _tree(self, study: Study, exclude_number: int) -> _Node:
        trials = study.get_trials(deepcopy=False, states=(*_FINISHED, TrialState.RUNNING))
        finished = [t for t in trials if t.state in _FINISHED]
        running = [t for t in trials if t.state == TrialState.RUNNING and t.number != exclude_number]
        return _build_tree(finished, running)

    def sample_independent(
        self, study: Study, trial: FrozenTrial, param_name: str, param_distribution: BaseDistribution
    ) -> Any:
        values = _internal_values(param_name, param_distribution)
        node: _Node | None = self._tree(study, trial.number)
        for name, value in trial.params.items():
            if node is None or node.name != name:
                node = None
                break
            node = node.children.get(_key(trial.distributions[name].to_internal_repr(value)))
        candidates = values
        if node is not None and node.name in (None, param_name):
            children = node.children if node.name == param_name else {}
            for count_running in (True, False):
                open_values = [
                    v for v in values if _key(v) not in children or not children[_key(v)].exhausted(count_running)
                ]
                if open_values:
                    candidates = open_values
                    break
        internal = candidates[int(self._rng.rng.integers(len(candidates)))]
        return param_distribution.to_external_repr(internal)

    def after_trial(self, study: Study, trial: FrozenTrial, state: TrialState, values: Any) -> None:
        trials = study.get_trials(deepcopy=False, states=(*_FINISHED, TrialState.RUNNING))
        finished = [t for t in trials if t.state in _FINISHED and t.number != trial.number]
        if state in _FINISHED:
            finished.append(trial)
        running = [] if self._avoid_premature_stop else [
            t for t in trials if t.state == TrialState.RUNNING and t.number != trial.number
        ]
        if _build_tree(finished, running).exhausted(count_running=True):
            stop_study(study)

