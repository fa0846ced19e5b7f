"""BruteForceSampler: every point of a discrete (possibly conditional) space, then optimize ends."""

from __future__ import annotations

import functools
import hashlib
import json
import threading
from typing import TYPE_CHECKING, Any

from albacore._rng import SeededRNG
from albacore.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    distribution_to_json,
    json_to_distribution,
)
from albacore.samplers._base import BaseSampler, StartDecision
from albacore.samplers._cache import StudyCache, Unpickled, new_dict
from albacore.samplers._claims import Claims, trial_numbers
from albacore.samplers._finite import grid_values
from albacore.trial._frozen import FrozenTrial
from albacore.trial._state import TrialState

if TYPE_CHECKING:
    from albacore.trial._study_protocol import StudyLike as Study

_FINISHED = (TrialState.COMPLETE, TrialState.PRUNED)
CLAIM_KEY = "brute_force:claim"
# Study system attribute prefix of slot claims: the digest of a slot -> the trial number holding it.
SLOT_KEY_PREFIX = "brute_force:slot:"
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
    values = grid_values(distribution)
    if values is None:
        raise ValueError(
            f"BruteForceSampler: parameter {name!r} is a float without step ({distribution!r}); brute force "
            f"needs finitely many values: pass step=... to suggest_float"
        )
    return [float(v) for v in values]


# (parameter, value key, every value key of its distribution, the distribution as JSON)
_Step = tuple[str, float, tuple[float, ...], str]


class _Node:
    """A node of the tree of finished trials' parameter paths.

    ``name``/``values`` are set once a trial suggested a parameter at this prefix; ``ended``
    is set when a finished trial's path stops here; ``closed`` caches that every path below
    has been tried (finished trials never change, so a closed node stays closed).
    """

    __slots__ = ("name", "values", "dist_json", "children", "ended", "closed")

    def __init__(self) -> None:
        self.name: str | None = None
        self.values: tuple[float, ...] = ()
        self.dist_json = ""
        self.children: dict[float, _Node] = {}
        self.ended = False
        self.closed = False

    def insert(self, path: list[_Step]) -> None:
        node = self
        for name, key, values, dist_json in path:
            if node.name is None:
                node.name, node.values, node.dist_json = name, values, dist_json
            elif node.name != name:
                return  # a different structure than earlier trials; keep what agrees
            node = node.children.setdefault(key, _Node())
        node.ended = True


def _path(trial: FrozenTrial) -> list[_Step]:
    """The trial's parameters in suggestion order, up to the first continuous one.

    A storage need not keep the order in which parameters were suggested, so the order the
    trial's claim records (every parameter this sampler chose, in order) comes first.
    """
    claim = trial.system_attrs.get(CLAIM_KEY) or ()
    names = [step[0] for step in claim if step[0] in trial.params]
    names += [name for name in trial.params if name not in names]
    path = []
    for name in names:
        value, dist = trial.params[name], trial.distributions[name]
        known = _describe(name, dist)
        if known is None:
            break
        path.append((name, _key(dist.to_internal_repr(value)), *known))
    return path


@functools.lru_cache(maxsize=256)
def _describe(name: str, distribution: BaseDistribution) -> tuple[tuple[float, ...], str] | None:
    """Every value key of a discrete distribution and its JSON; None for a continuous one."""
    try:
        values = tuple(_key(v) for v in _internal_values(name, distribution))
    except ValueError:
        return None
    return values, distribution_to_json(distribution)


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
        name, _, values, _ = running[0][0]
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
    """A running trial's path: its parameters so far, then the rest of the path it claimed."""
    path = _path(trial)
    claim = trial.system_attrs.get(CLAIM_KEY)
    if claim and len(path) == len(trial.params) and len(claim) > len(path):
        steps = _steps(claim)
        if all(a[:2] == b[:2] for a, b in zip(path, steps)):
            path.extend(steps[len(path):])
    return path


def _steps(claim: list[list[Any]]) -> list[_Step]:
    """Steps from their JSON form ``[name, value key, distribution JSON]``."""
    return [(name, key, _value_keys(name, dist_json), dist_json) for name, key, dist_json in claim]


def _to_json(steps: list[_Step]) -> list[list[Any]]:
    return [[name, key, dist_json] for name, key, _, dist_json in steps]


def _choose_slot(node: _Node | None, running: list[list[_Step]], rng: Any) -> list[_Step] | None:
    """A random path from ``node`` to an untried point or an unexplored branch, or None.

    A path that ``running`` (other trials' path suffixes below ``node``, and reservations)
    reaches the end of is taken: an unexplored branch belongs to the one trial that went
    there, until it reveals what follows.
    """
    if node is not None and node.closed:
        return None
    live = [s for s in running if s]
    if node is None or node.name is None:
        if len(live) < len(running) or (node is not None and node.ended):
            return None
        if not live:
            return []
        name, _, values, dist_json = live[0][0]
    else:
        name, values, dist_json = node.name, node.values, node.dist_json
    for value in [values[i] for i in rng.permutation(len(values))]:
        child = node.children.get(value) if node is not None and node.name == name else None
        below = [s[1:] for s in live if s[0][0] == name and s[0][1] == value]
        rest = _choose_slot(child, below, rng)
        if rest is not None:
            return [(name, value, values, dist_json), *rest]
    if node is not None and node.name is not None and not live:
        node.closed = True  # every path below was tried by finished trials
    return None


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


class BruteForceSampler(Unpickled, BaseSampler):
    """Tries every combination of a discrete search space once; then ``optimize`` ends.

    Define-by-run spaces are supported: the sampler keeps a tree of the parameter paths
    seen so far (a parameter suggested only when another has a given value is a branch).
    Before ``optimize`` creates a trial, :meth:`can_start_trial` picks, at random, a path to
    an untried point or to a branch no trial has explored (a slot); the trial claims the
    slot with a compare-and-set on the study (system attribute
    ``"brute_force:slot:<digest>"`` holding its number), records its path (trial system
    attribute ``"brute_force:claim"``) and, in an unexplored branch, goes on choosing values
    no other trial can take, since the branch is its own until it reveals what follows. So
    every point is evaluated once even with many threads or processes sharing a storage,
    and ``optimize`` ends by itself when nothing is left. Failed trials are ignored (their
    points are tried again).

    When nothing is left to start but trials are running, ``optimize`` waits for its own
    running trials (they may reveal branches) and then ends; trials of other ``optimize``
    calls (other machines) go on with what they reveal, so the space is still exhausted,
    by fewer workers. Only a trial asked by hand (``study.ask``) when every point is taken,
    or one that lost its slot to another machine, re-evaluates one.

    Every parameter must be discrete: categorical, int, or float with ``step``.

    Args:
        seed: Seed of the random order of the search.
        avoid_premature_stop: Instead of ending while other workers' trials are running,
            ``optimize`` waits for them (:meth:`can_start_trial` answers WAIT: the loop polls
            the storage and fails the trials of dead workers when the storage has heartbeats),
            so as to help with the branches they reveal or take over the points of those that
            fail. Without heartbeats, a worker that died with a running trial keeps the others
            waiting.

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

    _lock: threading.Lock
    # This process's choices are made one at a time (under _claim_lock), so its threads never
    # collide. A thread that can_start_trial let through holds its chosen slot in _hooked
    # (thread id -> slot, digest, pending claim; None when an enqueued trial was waiting)
    # until its trial starts.
    _claim_lock: threading.Lock
    _hooked: dict[int, tuple[list[_Step], str, dict[str, Any]] | None]
    _unpickled = {"_lock": threading.Lock, "_claim_lock": threading.Lock, "_hooked": dict}

    def __init__(self, seed: int | None = None, avoid_premature_stop: bool = False) -> None:
        self._rng = SeededRNG(seed)
        self._avoid_premature_stop = bool(avoid_premature_stop)
        # Per study (or view): the tree of the finished trials seen, and their numbers.
        self._trees: StudyCache[tuple[_Node, set[int]]] = StudyCache(_new_tree)
        self._slot_claims = Claims(SLOT_KEY_PREFIX)
        # A started trial's path is kept per study and trial number until it finishes (its
        # snapshot does not show the claim written for it): the planned slot, and the claim
        # last written. Shared by views: before_trial is given the pruner's view, after_trial
        # the study.
        self._plans: StudyCache[dict[int, list[_Step] | None]] = StudyCache(new_dict, shared_by_views=True)
        self._claims: StudyCache[dict[int, list[list[Any]]]] = StudyCache(new_dict, shared_by_views=True)
        self._init_unpickled()

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
            root, seen = self._trees.get(study)
            for trial in (*trials, *([extra] if extra is not None else [])):
                if trial.state in _FINISHED and trial.number not in seen:
                    seen.add(trial.number)
                    root.insert(_path(trial))
        return root

    def _snapshot(self, study: Study, number: int | None) -> tuple[_Node, list[list[_Step]]]:
        """The finished tree and the paths held by running trials other than ``number``."""
        trials = study.get_trials(deepcopy=False, states=(*_FINISHED, TrialState.RUNNING))
        held = [_running_path(t) for t in trials if t.state == TrialState.RUNNING and t.number != number]
        return self._finished_tree(study, trials), held

    # --- starting a trial ----------------------------------------------------------------------
    def can_start_trial(self, study: Study) -> StartDecision:
        """PROPOSE when something is left for a new trial (reserving the slot it will take).

        Args:
            study: The study.

        Returns:
            PROPOSE when a slot is reserved for the next trial this thread asks, or an
            enqueued trial is waiting; with nothing left, WAIT while other workers' trials
            may still reveal branches and ``avoid_premature_stop`` is set, or while other
            workers are starting the last slots; DONE otherwise (see the class docstring).
        """
        me = threading.get_ident()
        with self._claim_lock:
            self._release_hook(study, self._hooked.pop(me, None))
            if study.get_trials(deepcopy=False, states=(TrialState.WAITING,)):
                self._hooked[me] = None  # ask will pick the enqueued trial up
                return StartDecision.PROPOSE
            claims = self._slot_claims.read(study)  # before the trials: a slot started in between is seen
            root, held = self._snapshot(study, None)
            failed, running = trial_numbers(study)
            pending = False
            for value in claims.values():
                state = self._slot_claims.state(value, failed, running)
                if state in ("pending", "held"):
                    held.append(_steps(value["slot"]))
                    pending = pending or state == "pending"
            for _ in range(_MAX_CLAIM_ROUNDS):
                slot = _choose_slot(root, held, self._rng.rng)
                if slot is None:
                    break
                digest = _digest(slot)
                reserved = self._slot_claims.reserve(study, digest, claims.get(digest), slot=_to_json(slot))
                if reserved is not None:
                    self._hooked[me] = (slot, digest, reserved)
                    return StartDecision.PROPOSE
                held.append(slot)  # another worker reserved it first
        if pending or (held and self._avoid_premature_stop):
            return StartDecision.WAIT
        return StartDecision.DONE

    def _release_hook(self, study: Study, hook: tuple[list[_Step], str, dict[str, Any]] | None) -> None:
        if hook is not None:  # reserved by an earlier call whose trial was never asked
            self._slot_claims.release(study, hook[1], hook[2])

    def before_trial(self, study: Study, trial: FrozenTrial) -> None:
        me = threading.get_ident()
        with self._claim_lock:
            if me not in self._hooked:
                return  # asked by hand: values are chosen as the objective suggests them
            hook = self._hooked.pop(me)
            plan = None
            if hook is not None and self._slot_claims.confirm(study, hook[1], hook[2], trial.number):
                plan = hook[0]  # (else taken over as an orphan: choose as the trial goes)
            self._plans.get(study)[trial.number] = plan
            if plan is not None:
                study.set_trial_system_attr(trial, CLAIM_KEY, _to_json(plan))
                self._claims.get(study)[trial.number] = _to_json(plan)

    # --- values --------------------------------------------------------------------------------
    def sample_independent(
        self, study: Study, trial: FrozenTrial, param_name: str, param_distribution: BaseDistribution
    ) -> Any:
        values = _internal_values(param_name, param_distribution)
        key = trial.number
        plans, claims = self._plans.get(study), self._claims.get(study)
        with self._claim_lock:
            if key not in plans and trial.system_attrs.get(CLAIM_KEY):
                # Asked in another process (optimize's loop), which claimed this path for it.
                plans[key] = _steps(trial.system_attrs[CLAIM_KEY])
                claims[key] = trial.system_attrs[CLAIM_KEY]
            plan = plans.get(key)
            path = _path(trial)
            if plan is not None and len(path) < len(plan):
                name, value, _, _ = plan[len(path)]
                if name == param_name and value in {_key(v) for v in values}:
                    return param_distribution.to_external_repr(next(v for v in values if _key(v) == value))
                plans[key] = None  # the objective went another way than the tree says
            internal = self._choose_value(study, trial, param_name, param_distribution, values)
            # The claim records the path in order (a storage may not keep the order of params).
            claim = _to_json(path) + [[param_name, _key(internal), distribution_to_json(param_distribution)]]
            if claims.get(key) != claim:
                study.set_trial_system_attr(trial, CLAIM_KEY, claim)
                claims[key] = claim
        return param_distribution.to_external_repr(internal)

    def _choose_value(
        self, study: Study, trial: FrozenTrial, name: str, distribution: BaseDistribution, values: list[float]
    ) -> float:
        """A value of ``name`` whose subtree holds untried points, claimed for ``trial`` (``_claim_lock`` held).

        With nothing untried left (a trial asked by hand at the end), any value: a point is re-evaluated.
        """
        rng = self._rng.rng
        excluded: set[float] = set()
        internal = values[0]
        for _ in range(_MAX_CLAIM_ROUNDS):
            agrees, node, running = self._position(study, trial)
            if not agrees or (node is not None and node.name not in (None, name)):
                return values[int(rng.integers(len(values)))]  # a structure the tree does not know
            children = node.children if node is not None and node.name == name else {}
            candidates, untried = _open_values(values, children, name, running, excluded)
            internal = candidates[int(rng.integers(len(candidates)))]
            child = children.get(_key(internal))
            if not untried or len(candidates) == 1 or (child is not None and child.name is not None):
                break  # nothing better to try, or the choice branches further: sharing it is fine
            # Claim the value, then check that no other worker took the same point meanwhile
            # (claimed it, or even finished it); whoever sees a rival after writing picks again.
            claim = _to_json(_path(trial)) + [[name, _key(internal), distribution_to_json(distribution)]]
            study.set_trial_system_attr(trial, CLAIM_KEY, claim)
            self._claims.get(study)[trial.number] = claim
            _, node, running = self._position(study, trial)
            children = node.children if node is not None and node.name == name else {}
            _, untried = _open_values([internal], children, name, running, set())
            if untried:
                break
            excluded.add(_key(internal))
        return internal

    def _position(
        self, study: Study, trial: FrozenTrial
    ) -> tuple[bool, _Node | None, list[list[_Step]]]:
        """Walk the finished tree and the paths other trials hold along ``trial``'s parameters.

        Returns:
            Whether the walk agreed with the tree's structure, the node reached (None when no
            finished trial got there), and the other trials' path suffixes below it.
        """
        node: _Node | None
        node, running = self._snapshot(study, trial.number)
        for name, key, _, _ in _path(trial):
            if node is not None and node.name not in (None, name):
                return False, None, []  # a different structure than earlier trials: no guidance
            node = node.children.get(key) if node is not None else None
            running = [s[1:] for s in running if s and s[0][0] == name and s[0][1] == key]
        return True, node, running

    def after_trial(self, study: Study, trial: FrozenTrial, state: TrialState, values: Any) -> None:
        with self._claim_lock:
            self._claims.get(study).pop(trial.number, None)
            self._plans.get(study).pop(trial.number, None)


def _new_tree(study: Study) -> tuple[_Node, set[int]]:
    """A ``StudyCache`` factory: an empty tree of finished trials, none seen."""
    return _Node(), set()


def _digest(slot: list[_Step]) -> str:
    """The name of a slot's claim: a digest of its path."""
    return hashlib.sha256(json.dumps(_to_json(slot), separators=(",", ":")).encode()).hexdigest()[:24]
