"""Machinery shared by NSGA-II and NSGA-III: generations kept in the storage, parent
selection, crossover and mutation.

**Generations across workers.** Every trial records the generation it belongs to (trial
system attribute ``"nsga:generation"``). Once ``population_size`` trials of generation
``g`` have completed, the survivors among them and generation ``g - 1``'s survivors are
selected and their trial numbers stored in the study (``"nsga:population:<g>"``); the
first worker to get there writes them and every other worker reads them, so all workers
breed generation ``g + 1`` from the same parents. A trial's crossover parents are recorded
in ``"nsga:parents"``.

**Strategy hooks.** The three steps of a generation can each be replaced by a callable, with
the signatures of Optuna's NSGA-II samplers: ``elite_population_selection_strategy(study,
pool)`` returns the survivors of a completed generation (``pool`` is the generation followed
by its parents); ``child_generation_strategy(study, search_space, parents)`` returns the
parameters of a new trial bred from the parent population (parameters it leaves out are drawn
uniformly); ``after_trial_strategy(study, trial, state, values)`` runs when a trial finishes,
instead of the evaluation of ``constraints_func``.
"""

from __future__ import annotations

import abc
import copy
import functools
import threading
from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Callable, Optional

import numpy as np

from albacore._moo import to_minimization
from albacore._rng import SeededRNG
from albacore._validation import check_callable, check_int, check_probability, check_type
from albacore._warnings import ExperimentalWarning, warn
from albacore.distributions import BaseDistribution, check_distribution_compatibility
from albacore.samplers._base import BaseSampler
from albacore.samplers._cache import StudyCache, Unpickled, new_dict, new_intersection
from albacore.samplers._finite import Config, config_of, covers_trials, random_unseen, seen_configs, space_size
from albacore.samplers._ga import _space
from albacore.samplers._ga._crossovers import BaseCrossover, UniformCrossover
from albacore.samplers._ga._mutations import BaseMutation
from albacore.samplers._ga._selection import constrained_ranks, crowding_distance, violations
from albacore.samplers._random import sample_uniform
from albacore.trial._constraints import CONSTRAINTS_KEY, constraints_dict, constraints_from_sequence
from albacore.trial._frozen import FrozenTrial
from albacore.trial._state import TrialState

if TYPE_CHECKING:
    from albacore.trial._study_protocol import StudyLike as Study

    EliteSelection = Callable[[Study, list[FrozenTrial]], list[FrozenTrial]]
    ChildGeneration = Callable[[Study, dict[str, BaseDistribution], list[FrozenTrial]], dict[str, Any]]
    AfterTrial = Callable[[Study, FrozenTrial, TrialState, Optional[Sequence[float]]], None]

GENERATION_KEY = "nsga:generation"
PARENTS_KEY = "nsga:parents"
POPULATION_KEY = "nsga:population:{}"
_MAX_CROSSOVER_TRIES = 32
_MAX_UNSEEN_TRIES = 10  # children bred before an unseen configuration is drawn at random


class _Pending:
    """What ``before_trial`` decided for a trial, used while its parameters are suggested.

    ``parents`` are the crossover parents, or the whole parent population when a
    ``child_generation_strategy`` breeds the trial (``custom``).
    """

    __slots__ = ("parents", "mutation_prob", "mutated", "custom")

    def __init__(self, parents: list[FrozenTrial], mutation_prob: float | None, custom: bool = False) -> None:
        self.parents = parents
        self.mutation_prob = mutation_prob
        self.mutated: set[str] = set()
        self.custom = custom


class _StudyCache:
    """What a sampler derived from one study's completed trials (they never change)."""

    def __init__(self) -> None:
        self.by_number: dict[int, FrozenTrial] = {}
        self.by_generation: dict[int, list[FrozenTrial]] = defaultdict(list)
        self.survivors: dict[int, list[int]] = {}
        self.fitness: dict[int, tuple[np.ndarray, np.ndarray]] = {}


def _new_study_cache(study: Study) -> _StudyCache:
    return _StudyCache()


class GeneticSampler(Unpickled, BaseSampler):
    """Base of the NSGA samplers; subclasses choose the survivors of a generation."""

    _name = "GeneticSampler"

    _unpickled = {"_lock": threading.Lock}
    _lock: threading.Lock

    def __init__(
        self,
        *,
        population_size: int = 50,
        mutation: BaseMutation | None = None,
        mutation_prob: float | None = None,
        crossover: BaseCrossover | None = None,
        crossover_prob: float = 0.9,
        swapping_prob: float = 0.5,
        seed: int | None = None,
        constraints_func: Callable[[FrozenTrial], Sequence[float]] | None = None,
        elite_population_selection_strategy: EliteSelection | None = None,
        child_generation_strategy: ChildGeneration | None = None,
        after_trial_strategy: AfterTrial | None = None,
        avoid_duplicates: bool = True,
    ) -> None:
        owner = self._name
        check_type(owner, "avoid_duplicates", avoid_duplicates, bool, "a bool")
        self._avoid_duplicates = avoid_duplicates
        check_type(owner, "mutation", mutation, BaseMutation, "a BaseMutation", allow_none=True)
        check_int(owner, "population_size", population_size, 2)
        self._mutation_prob = check_probability(owner, "mutation_prob", mutation_prob, allow_none=True)
        checked_crossover_prob = check_probability(owner, "crossover_prob", crossover_prob)
        checked_swapping_prob = check_probability(owner, "swapping_prob", swapping_prob)
        assert checked_crossover_prob is not None and checked_swapping_prob is not None
        self._crossover_prob: float = checked_crossover_prob
        self._swapping_prob: float = checked_swapping_prob
        if crossover is None:
            crossover = UniformCrossover(self._swapping_prob)
        check_type(owner, "crossover", crossover, BaseCrossover, "a BaseCrossover")
        if population_size < crossover.n_parents:
            raise ValueError(
                f"{owner}: population_size must be >= the {crossover.n_parents} parents {crossover} needs, "
                f"got population_size={population_size}"
            )
        if constraints_func is not None:
            check_callable(owner, "constraints_func", constraints_func)
        strategies = {
            "elite_population_selection_strategy": elite_population_selection_strategy,
            "child_generation_strategy": child_generation_strategy,
            "after_trial_strategy": after_trial_strategy,
        }
        for name, strategy in strategies.items():
            if strategy is not None:
                check_callable(owner, name, strategy)
                warn(f"{owner}: the argument {name} is experimental; its interface may change.", ExperimentalWarning)
        self._elite_selection = elite_population_selection_strategy
        self._child_generation = child_generation_strategy
        self._after_trial_strategy = after_trial_strategy
        self._population_size = population_size
        self._crossover = crossover
        self._mutation = mutation
        self._constraints_func = constraints_func
        self._rng = SeededRNG(seed)
        self._search_spaces = StudyCache(functools.partial(new_intersection, False))
        self._caches: StudyCache[_StudyCache] = StudyCache(_new_study_cache)
        self._pending: StudyCache[dict[int, _Pending]] = StudyCache(new_dict)  # trial number -> parents
        self._init_unpickled()

    def reseed_rng(self) -> None:
        self._rng.reseed()

    @property
    def population_size(self) -> int:
        """Number of trials in one generation."""
        return self._population_size

    def get_trial_generation(self, study: Study, trial: FrozenTrial) -> int:
        """The generation ``trial`` belongs to (recorded when it started).

        Args:
            study: The study the trial belongs to (accepted for Optuna's signature).
            trial: A trial sampled by this sampler.

        Raises:
            ValueError: If the trial was not sampled by a genetic sampler.
        """
        generation = trial.system_attrs.get(GENERATION_KEY)
        if generation is None:
            raise ValueError(
                f"{self._name}.get_trial_generation: trial {trial.number} has no generation "
                f"(it was not sampled by a genetic sampler)"
            )
        return int(generation)

    def get_population(self, study: Study, generation: int) -> list[FrozenTrial]:
        """The completed trials of ``generation``, in the order they completed.

        Args:
            study: The study the sampler samples.
            generation: A generation number (0 for the first).
        """
        cache = self._cache(study)
        with self._lock:
            return list(cache.by_generation.get(generation, ()))

    def get_parent_population(self, study: Study, generation: int) -> list[FrozenTrial]:
        """The parents ``generation`` is bred from: the survivors of ``generation - 1``.

        Args:
            study: The study the sampler samples.
            generation: A generation number; generation 0 has no parents.

        Raises:
            ValueError: If generation ``generation - 1`` has not completed yet.
        """
        if generation == 0:
            return []
        latest, _, cache = self._parent_population(study)
        if not 0 < generation <= latest + 1:
            raise ValueError(
                f"{self._name}.get_parent_population: generation {generation - 1} has not completed "
                f"(the latest completed generation is {latest}), got generation={generation!r}"
            )
        with self._lock:
            numbers = list(cache.survivors[generation - 1])
        return [cache.by_number[n] for n in numbers if n in cache.by_number]

    def select_parent(self, study: Study, generation: int) -> list[FrozenTrial]:
        """The parents ``generation`` is bred from, as Optuna's: the survivors of
        ``generation - 1`` (with its own parents); the same as :meth:`get_parent_population`.

        Survivors are chosen once, by the first worker to see the generation complete, and
        kept in the storage; this returns them (choosing them if nobody has yet).

        Args:
            study: The study the sampler samples.
            generation: A generation number; generation 0 has no parents.

        Raises:
            ValueError: If generation ``generation - 1`` has not completed yet.
        """
        return self.get_parent_population(study, generation)

    @abc.abstractmethod
    def _select_survivors(
        self, study: Study, points: np.ndarray, violation: np.ndarray, size: int, rng: np.random.Generator
    ) -> np.ndarray:
        """Indices of the ``size`` trials (rows of ``points``) that survive into the parent population."""

    # --- generations ----------------------------------------------------------------------------
    def _objectives(self, study: Study, trials: list[FrozenTrial]) -> tuple[np.ndarray, np.ndarray]:
        points = to_minimization(np.array([t.values for t in trials], dtype=float), study.directions)
        constrained = self._constraints_func is not None
        violation = violations([list(t.constraints.values()) or None for t in trials], constrained)
        return points.reshape(len(trials), -1), violation

    def _cache(self, study: Study) -> _StudyCache:
        """This study's cache, updated with trials completed since the last call."""
        completed = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
        cache = self._caches.get(study)
        with self._lock:
            if len(cache.by_number) < len(completed):
                for t in completed:
                    if t.number not in cache.by_number:
                        cache.by_number[t.number] = t
                        generation = t.system_attrs.get(GENERATION_KEY)
                        if generation is not None:
                            cache.by_generation[generation].append(t)
        return cache

    def _parent_population(self, study: Study) -> tuple[int, list[FrozenTrial], _StudyCache]:
        """The latest generation whose survivors are known, those survivors (parents), and the cache."""
        cache = self._cache(study)
        generation, parents = -1, list[FrozenTrial]()
        study_attrs: dict[str, Any] | None = None
        while len(cache.by_generation.get(generation + 1, ())) >= self._population_size:
            generation += 1
            with self._lock:
                numbers = cache.survivors.get(generation)
            if numbers is None:
                if study_attrs is None:
                    study_attrs = study.system_attrs
                numbers = study_attrs.get(POPULATION_KEY.format(generation))
                if numbers is None:
                    numbers = self._choose_survivors(study, parents, list(cache.by_generation[generation]))
                    study.set_system_attr(POPULATION_KEY.format(generation), numbers)
                with self._lock:
                    cache.survivors[generation] = list(numbers)
            parents = [cache.by_number[n] for n in numbers if n in cache.by_number]
        return generation, parents, cache

    def _choose_survivors(self, study: Study, parents: list[FrozenTrial], members: list[FrozenTrial]) -> list[int]:
        """Trial numbers of the survivors among a completed generation's ``members`` and their ``parents``."""
        if self._elite_selection is None:
            parent_numbers = {p.number for p in parents}
            pool = parents + [t for t in members if t.number not in parent_numbers]
            points, violation = self._objectives(study, pool)
            chosen = self._select_survivors(study, points, violation, self._population_size, self._rng.rng)
            return [pool[i].number for i in chosen]
        member_numbers = {t.number for t in members}
        pool = members + [p for p in parents if p.number not in member_numbers]
        survivors = self._elite_selection(study, list(pool))
        name = f"{self._name}: elite_population_selection_strategy"
        if isinstance(survivors, (str, bytes)) or not isinstance(survivors, Sequence):
            raise TypeError(f"{name} must return a list of FrozenTrial, got {survivors!r}")
        pool_numbers = {t.number for t in pool}
        for survivor in survivors:
            if not isinstance(survivor, FrozenTrial):
                raise TypeError(f"{name} must return a list of FrozenTrial, got an element {survivor!r}")
            if survivor.number not in pool_numbers:
                raise ValueError(
                    f"{name} must return trials of the population it was given "
                    f"(trials {sorted(pool_numbers)}), got trial {survivor.number}"
                )
        return [t.number for t in survivors]

    def _fitness(self, study: Study, population: list[FrozenTrial]) -> tuple[np.ndarray, np.ndarray]:
        """Constrained rank and crowding distance of each member of a parent population."""
        points, violation = self._objectives(study, population)
        ranks = constrained_ranks(points, violation)
        crowding = np.zeros(len(population))
        for rank in np.unique(ranks):
            front = np.flatnonzero(ranks == rank)
            crowding[front] = crowding_distance(points[front])
        return ranks, crowding

    def _tournament(
        self, population: list[FrozenTrial], fitness: tuple[np.ndarray, np.ndarray], rng: np.random.Generator
    ) -> list[FrozenTrial]:
        """Pick the crossover parents by binary tournaments (rank, then crowding distance)."""
        ranks, crowding = fitness
        chosen: list[int] = []
        while len(chosen) < self._crossover.n_parents:
            candidates = [i for i in range(len(population)) if i not in chosen]
            a, b = rng.choice(candidates, size=2, replace=False) if len(candidates) > 1 else (candidates[0],) * 2
            better = a if (ranks[a], -crowding[a]) <= (ranks[b], -crowding[b]) else b
            chosen.append(int(better))
        return [population[i] for i in chosen]

    # --- the sampler hooks -------------------------------------------------------------------------
    def before_trial(self, study: Study, trial: FrozenTrial) -> None:
        generation, population, cache = self._parent_population(study)
        study.set_trial_system_attr(trial, GENERATION_KEY, generation + 1)
        if not population:
            return
        if self._child_generation is not None:
            with self._lock:
                self._pending.get(study)[trial.number] = _Pending(list(population), None, custom=True)
            return
        with self._lock:
            fitness = cache.fitness.get(generation)
        if fitness is None:
            fitness = self._fitness(study, population)
            with self._lock:
                cache.fitness[generation] = fitness
        parents = self._tournament(population, fitness, self._rng.rng)
        study.set_trial_system_attr(trial, PARENTS_KEY, [p.number for p in parents])
        with self._lock:
            self._pending.get(study)[trial.number] = _Pending(parents, self._mutation_prob)

    def infer_relative_search_space(self, study: Study, trial: FrozenTrial) -> dict[str, BaseDistribution]:
        with self._lock:
            if trial.number not in self._pending.get(study) and not self._avoid_duplicates:
                return {}
        return {n: d for n, d in self._search_spaces.get(study).calculate(study).items() if not d.single()}

    def sample_relative(
        self, study: Study, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        with self._lock:
            pending = self._pending.get(study).get(trial.number)
        if not search_space:
            return {}
        unseen = self._unseen_space(study, search_space) if self._avoid_duplicates else None
        if pending is None:  # the first generation: random, without repeats where avoidable
            return {} if unseen is None else random_unseen(search_space, unseen, self._rng.rng) or {}
        if pending.custom:
            return self._generate_child(study, search_space, pending.parents)
        if pending.mutation_prob is None:
            pending.mutation_prob = 1.0 / max(1, len(search_space))
        if unseen is None:
            return self._breed(study, pending, search_space)
        for _ in range(_MAX_UNSEEN_TRIES):
            child = self._breed(study, pending, search_space)
            # Mutated genes are drawn here rather than in sample_independent, to see the whole child.
            child.update({n: sample_uniform(self._rng.rng, d) for n, d in search_space.items() if n not in child})
            if config_of(search_space, child) not in unseen:
                return child
        return random_unseen(search_space, unseen, self._rng.rng) or child

    def _unseen_space(self, study: Study, search_space: dict[str, BaseDistribution]) -> set[Config] | None:
        """The configurations trials have had, when ``search_space`` is finite and all of theirs."""
        if space_size(search_space) is None:
            return None
        trials = study.get_trials(deepcopy=False)
        return seen_configs(search_space, trials) if covers_trials(search_space, trials) else None

    def _breed(self, study: Study, pending: _Pending, search_space: dict[str, BaseDistribution]) -> dict[str, Any]:
        """A child of ``pending.parents``: crossover, then mutation (mutated genes left out
        unless ``mutation`` moves them; they are drawn afresh later)."""
        assert pending.mutation_prob is not None
        rng = self._rng.rng
        parents = pending.parents
        if rng.random() < self._crossover_prob:
            child = self._cross(study, parents, search_space, rng)
        else:
            child = {name: parents[0].params[name] for name in search_space}
        pending.mutated = {name for name in child if rng.random() < pending.mutation_prob}
        result = {name: value for name, value in child.items() if name not in pending.mutated}
        if self._mutation is not None:  # numerical genes move from the child's value; the rest redraw
            for name, value in child.items():
                if name in pending.mutated and _space.is_numerical(search_space[name]):
                    result[name] = self._mutate(study, value, search_space[name], rng)
        return result

    def _generate_child(
        self, study: Study, search_space: dict[str, BaseDistribution], parents: list[FrozenTrial]
    ) -> dict[str, Any]:
        """The parameters ``child_generation_strategy`` breeds from the parent population."""
        assert self._child_generation is not None
        child = self._child_generation(study, dict(search_space), list(parents))
        if not isinstance(child, dict):
            raise TypeError(
                f"{self._name}: child_generation_strategy must return a dict of parameter values, got {child!r}"
            )
        return dict(child)

    def _mutate(self, study: Study, value: Any, distribution: BaseDistribution, rng: np.random.Generator) -> Any:
        x = _space.encode(value, distribution)
        moved = float(self._mutation.mutation(x, rng, study, np.array(_space.bounds(distribution))))  # type: ignore[union-attr]
        return _space.decode(moved if np.isfinite(moved) else x, distribution)

    def _cross(
        self, study: Study, parents: list[FrozenTrial], space: dict[str, BaseDistribution], rng: np.random.Generator
    ) -> dict[str, Any]:
        numerical = [n for n, d in space.items() if _space.is_numerical(d)]
        child: dict[str, Any] = {}
        for name in space:  # categorical genes: uniform crossover of the first two parents
            if name not in numerical:
                source = parents[1] if len(parents) > 1 and rng.random() < self._swapping_prob else parents[0]
                child[name] = source.params[name]
        if not numerical:
            return child
        dists = [space[n] for n in numerical]
        parent_matrix = np.array(
            [[_space.encode(p.params[n], d) for n, d in zip(numerical, dists)] for p in parents], dtype=float
        )
        bounds = _space.bounds_array(dists)
        for _ in range(_MAX_CROSSOVER_TRIES):
            genes = np.asarray(self._crossover.crossover(parent_matrix, rng, study, bounds), dtype=float)
            if np.all(np.isfinite(genes)) and np.all((bounds[:, 0] <= genes) & (genes <= bounds[:, 1])):
                break
        genes = np.clip(np.nan_to_num(genes, nan=0.0), bounds[:, 0], bounds[:, 1])
        for name, dist, x in zip(numerical, dists, genes):
            child[name] = _space.decode(x, dist)
        return child

    def sample_independent(
        self, study: Study, trial: FrozenTrial, param_name: str, param_distribution: BaseDistribution
    ) -> Any:
        with self._lock:
            pending = self._pending.get(study).get(trial.number)
        rng = self._rng.rng
        if pending is not None and not pending.custom and param_name not in pending.mutated:
            # A parameter outside the joint space (e.g. conditional): inherit it from the first
            # parent that has it, unless mutated.
            mutation_prob = pending.mutation_prob if pending.mutation_prob is not None else 0.1
            for parent in pending.parents:
                if param_name in parent.params and rng.random() >= mutation_prob:
                    inherited = _inheritable(parent, param_name, param_distribution)
                    if inherited is not None:
                        return inherited[0]
                    break
        return sample_uniform(rng, param_distribution)

    def after_trial(self, study: Study, trial: FrozenTrial, state: TrialState, values: Sequence[float] | None) -> None:
        with self._lock:
            self._pending.get(study).pop(trial.number, None)
        if self._after_trial_strategy is not None:
            self._after_trial_strategy(study, trial, state, values)
            return
        if self._constraints_func is None or state not in (TrialState.COMPLETE, TrialState.PRUNED):
            return
        finished = copy.copy(trial)
        finished.state, finished.values = state, None if values is None else list(values)
        # An error of constraints_func (or a NaN it returns) propagates, as in Optuna; the
        # trial is stored finished all the same. Values set with trial.set_constraint win.
        constraints = constraints_from_sequence(list(self._constraints_func(finished)))
        study.set_trial_system_attr(trial, CONSTRAINTS_KEY, {**constraints, **constraints_dict(trial.system_attrs)})


def _inheritable(parent: FrozenTrial, name: str, distribution: BaseDistribution) -> tuple[Any] | None:
    """The parent's value of ``name`` if it fits ``distribution``, as a 1-tuple; else None."""
    try:
        check_distribution_compatibility(parent.distributions[name], distribution)
        value = parent.params[name]
        if distribution.contains(distribution.to_internal_repr(value)):
            return (value,)
    except ValueError:
        pass
    return None
