"""NSGAIISampler and NSGAIIISampler."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Callable, Optional

import numpy as np

from albacore._validation import check_int
from albacore.samplers._ga._base import GeneticSampler
from albacore.samplers._ga._crossovers import BaseCrossover
from albacore.samplers._ga._mutations import BaseMutation
from albacore.samplers._ga._selection import das_dennis_points, select_nsga2, select_nsga3
from albacore.trial._frozen import FrozenTrial

if TYPE_CHECKING:
    from albacore.distributions import BaseDistribution
    from albacore.trial._state import TrialState
    from albacore.trial._study_protocol import StudyLike as Study

    EliteSelection = Callable[[Study, list[FrozenTrial]], list[FrozenTrial]]
    ChildGeneration = Callable[[Study, dict[str, BaseDistribution], list[FrozenTrial]], dict[str, Any]]
    AfterTrial = Callable[[Study, FrozenTrial, TrialState, Optional[Sequence[float]]], None]


class NSGAIISampler(GeneticSampler):
    """Multi-objective genetic algorithm NSGA-II (Deb et al., 2002).

    Each generation of ``population_size`` trials is bred from the survivors of the
    previous ones: survivors are chosen by non-domination rank, then crowding distance;
    parents by binary tournament; children by ``crossover`` (with probability
    ``crossover_prob``) and per-parameter mutation (a fresh uniform value). Constraints
    use constrained domination: feasible trials beat infeasible ones, and infeasible ones
    compare by total violation. Generations are kept in the storage, so any number of
    workers can share a study.

    Args:
        population_size: Trials per generation.
        mutation: A mutation from :mod:`albacore.samplers.nsgaii` (``PolynomialMutation``)
            that moves a mutated numerical parameter from its crossed value; None draws it
            afresh, uniformly (categorical parameters always are).
        mutation_prob: Probability of mutating a parameter (see ``mutation``) instead of
            taking the crossed value; defaults to ``1 / number of parameters``.
        crossover: A crossover from :mod:`albacore.samplers.nsgaii`; defaults to
            ``UniformCrossover(swapping_prob)``.
        crossover_prob: Probability that a child is crossed (otherwise it copies its
            first parent before mutation).
        swapping_prob: Probability of taking a categorical gene (and, with the default
            crossover, any gene) from the second parent.
        seed: Seed of the random generator.
        constraints_func: Called with each completed trial; returns its constraint values
            (feasible iff all <= 0). Constraints set with ``trial.set_constraint`` are
            honoured as well.
        elite_population_selection_strategy: Experimental. Replaces survivor selection:
            called once per completed generation as ``strategy(study, pool)``, where ``pool``
            holds the generation's completed trials followed by its parent population; returns
            the trials of ``pool`` that survive and breed the next generation. None selects
            by constrained non-domination rank and crowding distance.
        child_generation_strategy: Experimental. Replaces parent selection, crossover and
            mutation: called for each new trial (after the first generation) as
            ``strategy(study, search_space, parent_population)`` and returns a dict of the
            trial's parameter values; parameters it leaves out, or outside ``search_space``,
            are drawn uniformly at random.
        after_trial_strategy: Experimental. Called as ``strategy(study, trial, state,
            values)`` when each trial finishes (complete, pruned or failed), instead of the
            default, which stores the values of ``constraints_func`` of a completed trial.
        avoid_duplicates: In a finite space (categorical, int and stepped float parameters
            only) that holds every parameter of the trials, prefer a configuration no
            finished or running trial has had: the first generation draws among the unseen
            points, and a child that repeats one is bred again (up to 10 times) before an
            unseen point of a space of at most 4096 points is drawn at random. ``False``
            breeds as textbook NSGA does.

    Raises:
        ValueError: On a probability outside [0, 1] or a population smaller than 2 or than
            the crossover's number of parents.
        TypeError: If ``crossover``, ``constraints_func`` or a strategy has the wrong type,
            or a strategy returns a value of the wrong type.

    Warns:
        ExperimentalWarning: When a strategy argument is given.

    Example:
        .. code-block:: python

            from albacore.samplers.nsgaii import SBXCrossover

            sampler = albacore.samplers.NSGAIISampler(population_size=20, crossover=SBXCrossover(), seed=0)
            study = albacore.create_study(directions=["minimize", "minimize"], sampler=sampler)
    """

    _name = "NSGAIISampler"

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
        super().__init__(
            population_size=population_size, mutation=mutation, mutation_prob=mutation_prob, crossover=crossover,
            crossover_prob=crossover_prob, swapping_prob=swapping_prob, seed=seed,
            constraints_func=constraints_func,
            elite_population_selection_strategy=elite_population_selection_strategy,
            child_generation_strategy=child_generation_strategy, after_trial_strategy=after_trial_strategy,
            avoid_duplicates=avoid_duplicates,
        )

    def _select_survivors(
        self, study: Study, points: np.ndarray, violation: np.ndarray, size: int, rng: np.random.Generator
    ) -> np.ndarray:
        return select_nsga2(points, violation, size, rng)


class NSGAIIISampler(GeneticSampler):
    """Many-objective genetic algorithm NSGA-III (Deb and Jain, 2014).

    Like :class:`NSGAIISampler`, but the last front that only partly survives is thinned by
    niching on reference points instead of crowding distance: objectives are normalized
    by the ideal point and the extreme points' hyperplane, each trial is attached to its
    nearest reference direction, and the least crowded directions are served first. This
    keeps the population spread with four objectives and more, where crowding distance
    loses its meaning.

    Args:
        reference_points: ``(n_points, n_objectives)`` array of reference points on the
            unit simplex; defaults to the Das-Dennis points with ``dividing_parameter``
            divisions per objective.
        dividing_parameter: Divisions of the default reference points.
        population_size: Trials per generation.
        mutation, mutation_prob: See :class:`NSGAIISampler`.
        crossover: See :class:`NSGAIISampler`.
        crossover_prob: See :class:`NSGAIISampler`.
        swapping_prob: See :class:`NSGAIISampler`.
        seed: Seed of the random generator.
        constraints_func: See :class:`NSGAIISampler`.
        elite_population_selection_strategy: Experimental; see :class:`NSGAIISampler`.
            None selects by constrained non-domination rank, then reference-point niching.
        child_generation_strategy: Experimental; see :class:`NSGAIISampler`.
        after_trial_strategy: Experimental; see :class:`NSGAIISampler`.
        avoid_duplicates: See :class:`NSGAIISampler`.

    Raises:
        ValueError: On invalid reference points, ``dividing_parameter < 1``, or as
            :class:`NSGAIISampler`.
        TypeError: As :class:`NSGAIISampler`.

    Example:
        .. code-block:: python

            sampler = albacore.samplers.NSGAIIISampler(population_size=30, seed=0)
            study = albacore.create_study(directions=["minimize"] * 4, sampler=sampler)
    """

    _name = "NSGAIIISampler"

    def __init__(
        self,
        *,
        reference_points: np.ndarray | None = None,
        dividing_parameter: int = 3,
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
        super().__init__(
            population_size=population_size, mutation=mutation, mutation_prob=mutation_prob, crossover=crossover,
            crossover_prob=crossover_prob, swapping_prob=swapping_prob, seed=seed,
            constraints_func=constraints_func,
            elite_population_selection_strategy=elite_population_selection_strategy,
            child_generation_strategy=child_generation_strategy, after_trial_strategy=after_trial_strategy,
            avoid_duplicates=avoid_duplicates,
        )
        check_int("NSGAIIISampler", "dividing_parameter", dividing_parameter, 1)
        if reference_points is not None:
            points = np.asarray(reference_points, dtype=float)
            if points.ndim != 2 or len(points) == 0 or not np.all(np.isfinite(points)) or np.any(points < 0):
                raise ValueError(
                    f"NSGAIIISampler: reference_points must be a non-empty 2-D array of non-negative numbers, "
                    f"got reference_points={reference_points!r}"
                )
            reference_points = points
        self._reference_points = reference_points
        self._dividing_parameter = dividing_parameter

    def _select_survivors(
        self, study: Study, points: np.ndarray, violation: np.ndarray, size: int, rng: np.random.Generator
    ) -> np.ndarray:
        n_objectives = points.shape[1]
        reference = self._reference_points
        if reference is None:
            reference = das_dennis_points(n_objectives, self._dividing_parameter)
        elif reference.shape[1] != n_objectives:
            raise ValueError(
                f"NSGAIIISampler: reference_points have {reference.shape[1]} coordinates but study "
                f"{study.study_name!r} has {n_objectives} objectives"
            )
        return select_nsga3(points, violation, size, reference, rng)
