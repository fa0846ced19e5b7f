"""BruteForceSampler: every point of a discrete (possibly conditional) space, then stop."""

from __future__ import annotations

import copy
import functools
import threading
import weakref
from typing import TYPE_CHECKING, Any, Tuple

from albacore._rng import SeededRNG
from albacore.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
    distribution_to_json,
    json_to_distribution,
)
from albacore.samplers._base import BaseSampler
from albacore.samplers._grid import stop_study
from albacore.trial._frozen import FrozenTrial
from albacore.trial._state import TrialState

if TYPE_CHECKING:
    from albacore.study.study import Study

_FINISHED = (TrialState.COMPLETE, TrialState.PRUNED)
CLAIM_KEY = "brute_force:claim"
_MAX_CLAIM_ROUNDS = 8


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


_Step = Tuple[str, float, Tuple[float, ...]]  # (parameter, value key, every value key of its distribution)


class _Node:
    """A node of the tree of finished trials' parameter paths.

    ``name``/``values`` are set once a trial suggested a parameter at this prefix; ``ended``
    is set when a finished trial's path stops here; ``closed`` caches that every path below
    has been tried (finished trials never change, so a closed node stays closed).
    """

    __slots__ = ("name", "values", "children", "ended", "closed")

    def __init__(self) -> None:
        self.name: str | None = None
        self.values: tuple[float, ...] = ()
        self.children: dict[float, _Node] = {}
        self.ended = False
        self.closed = False

    def insert(self, path: list[_Step]) -> None:
        node = self
        for name, key, values in path:
            if node.name is None:
                node.name, node.values = name, values
            elif node.name != name:
                return  # a different structure than earlier trials; keep what agrees
            node = node.children.setdefault(key, _Node())
        node.ended = True


def _path(trial: FrozenTrial) -> list[_Step]:
    """The trial's parameters in suggestion order, up to the first continuous one."""
    path = []
    for name, value in trial.params.items():
        dist = trial.distributions[name]
        try:
            values = tuple(_key(v) for v in _internal_values(name, dist))
        except ValueError:
            break
        path.append((name, _key(dist.to_internal_repr(value)), values))
    return path


def _exhausted(node: _Node | None, running: list[list[_Step]]) -> bool:
    """Whether every path below ``node`` is tried, counting the ``running`` path suffixes below it."""
    if node is not None and node.closed:
        return True
    if (node is None or node.name is None) and any(not suffix for suffix in running):
        return True  # a running trial is at this point, and no finished trial went deeper from it
    if node is None or node.name is None:
        if node is not None and node.ended:
            node.closed = True
            return True
        running = [s for s in running if s]
        if not running:
            return False
        name, _, values = running[0][0]
    else:
        name, values = node.name, node.values
    running = [s for s in running if s]
    for value in values:
        child = node.children.get(value) if node is not None and node.name == name else None
        below = [s[1:] for s in running if s[0][0] == name and s[0][1] == value]
        if not _exhausted(child, below):
            return False
    if node is not None and node.name is not None and not running:
        node.closed = True
    return True


def _running_path(trial: FrozenTrial) -> list[_Step]:
    """A running trial's path, including the value it claimed but has not stored yet."""
    path = _path(trial)
    claim = trial.system_attrs.get(CLAIM_KEY)
    if claim is not None and claim[0] not in trial.params and len(path) == len(trial.params):
        name, key, dist_json = claim
        path.append((name, key, _value_keys(name, dist_json)))
    return path


@functools.lru_cache(maxsize=256)
def _value_keys(name: str, dist_json: str) -> tuple[float, ...]:
    return tuple(_key(v) for v in _internal_values(name, json_to_distribution(dist_json)))


def _open_values(
    values: list[float], children: dict[float, _Node], name: str, running: list[list[_Step]], excluded: set[float]
) -> tuple[list[float], bool]:
    """The values whose subtrees hold untried points: counting running trials if any are left,
    else counting finished trials only, else all values (the space is exhausted).

    Returns:
        The values, and whether they are untried even counting running trials.
    """
    for count_running in (True, False):
        open_values = [
            v for v in values
            if _key(v) not in excluded and not _exhausted(
                children.get(_key(v)),
                [s[1:] for s in running if s and s[0][0] == name and s[0][1] == _key(v)] if count_running else [],
            )
        ]
        if open_values:
            return open_values, count_running
    return [v for v in values if _key(v) not in excluded] or values, False


class BruteForceSampler(BaseSampler):
    """Tries every combination of a discrete search space once, then stops the study.

    Define-by-run spaces are supported: the sampler keeps a tree of the parameter paths
    seen so far (a parameter suggested only when another has a given value is a branch),
    and each new value is drawn at random among the values whose subtrees still hold
    untried combinations. Running trials of other workers count as taken: a trial records
    the value it is about to use (trial system attribute ``"brute_force:claim"``) and picks
    again if another worker took the same point meanwhile, so workers sharing a storage
    split the space. When the tree is exhausted ``optimize`` stops by itself. Failed trials
    are ignored (their points are tried again).

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
        self._lock = threading.Lock()
        # Keyed by the Study object: two studies may share a name and an id (two storages).
        self._trees: weakref.WeakKeyDictionary[Study, tuple[_Node, set[int]]] = weakref.WeakKeyDictionary()

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        del state["_lock"]
        del state["_trees"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()
        self._trees = weakref.WeakKeyDictionary()

    def reseed_rng(self) -> None:
        self._rng.reseed()

    def infer_relative_search_space(self, study: Study, trial: FrozenTrial) -> dict[str, BaseDistribution]:
        return {}

    def sample_relative(
        self, study: Study, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        return {}

    def _finished_tree(self, study: Study, trials: list[FrozenTrial], extra: FrozenTrial | None = None) -> _Node:
        """The cached tree of ``study``'s finished trials, updated with those not seen yet."""
        with self._lock:
            root, seen = self._trees.setdefault(study, (_Node(), set()))
            for trial in (*trials, *([extra] if extra is not None else [])):
                if trial.state in _FINISHED and trial.number not in seen:
                    seen.add(trial.number)
                    root.insert(_path(trial))
        return root

    def _position(
        self, study: Study, trial: FrozenTrial
    ) -> tuple[bool, _Node | None, list[list[_Step]]]:
        """Walk the finished tree and the other running trials' paths along ``trial``'s parameters.

        Returns:
            Whether the walk agreed with the tree's structure, the node reached (None when no
            finished trial got there), and the other running trials' path suffixes below it.
        """
        trials = study.get_trials(deepcopy=False, states=(*_FINISHED, TrialState.RUNNING))
        node: _Node | None = self._finished_tree(study, trials)
        running = [_running_path(t) for t in trials if t.state == TrialState.RUNNING and t.number != trial.number]
        for name, key, _ in _path(trial):
            if node is not None and node.name not in (None, name):
                return False, None, []  # a different structure than earlier trials: no guidance
            node = node.children.get(key) if node is not None else None
            running = [s[1:] for s in running if s and s[0][0] == name and s[0][1] == key]
        return True, node, running

    def sample_independent(
        self, study: Study, trial: FrozenTrial, param_name: str, param_distribution: BaseDistribution
    ) -> Any:
        values = _internal_values(param_name, param_distribution)
        excluded: set[float] = set()
        internal = values[0]
        for _ in range(_MAX_CLAIM_ROUNDS):
            agrees, node, running = self._position(study, trial)
            if not agrees or (node is not None and node.name not in (None, param_name)):
                return self._random(values, param_distribution)
            children = node.children if node is not None and node.name == param_name else {}
            candidates, untried = _open_values(values, children, param_name, running, excluded)
            internal = candidates[int(self._rng.rng.integers(len(candidates)))]
            key = _key(internal)
            child = children.get(key)
            if not untried or len(candidates) == 1 or (child is not None and child.name is not None):
                break  # nothing better to try, or the choice branches further: sharing it is fine
            # Claim the value, then check that no other worker took the same point meanwhile
            # (claimed it, or even finished it); whoever sees a rival after writing picks again.
            study.set_trial_system_attr(trial, CLAIM_KEY, [param_name, key, distribution_to_json(param_distribution)])
            _, node, running = self._position(study, trial)
            children = node.children if node is not None and node.name == param_name else {}
            _, untried = _open_values([internal], children, param_name, running, set())
            if untried:
                break
            excluded.add(key)
        return param_distribution.to_external_repr(internal)

    def _random(self, internal_values: list[float], distribution: BaseDistribution) -> Any:
        internal = internal_values[int(self._rng.rng.integers(len(internal_values)))]
        return distribution.to_external_repr(internal)

    def after_trial(self, study: Study, trial: FrozenTrial, state: TrialState, values: Any) -> None:
        trials = study.get_trials(deepcopy=False, states=(*_FINISHED, TrialState.RUNNING))
        finished_now = None
        if state in _FINISHED:
            finished_now = copy.copy(trial)
            finished_now.state = state
        root = self._finished_tree(study, trials, finished_now)
        running = [] if self._avoid_premature_stop else [
            _running_path(t) for t in trials if t.state == TrialState.RUNNING and t.number != trial.number
        ]
        if _exhausted(root, running):
            stop_study(study)
