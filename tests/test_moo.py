"""Multi-objective helpers: dominance, non-dominated ranks, Pareto fronts."""

from __future__ import annotations

import numpy as np
import pytest

from albacore import StudyDirection
from albacore._moo import (
    dominates,
    non_domination_ranks,
    pareto_front_mask,
    pareto_front_trials,
    to_minimization,
)
from albacore.trial import create_trial

MIN, MAX = StudyDirection.MINIMIZE, StudyDirection.MAXIMIZE


def _brute_front(points: np.ndarray) -> np.ndarray:
    return np.array([not any(dominates(q, p) for q in points) for p in points], dtype=bool)


def _brute_ranks(points: np.ndarray) -> np.ndarray:
    ranks = np.full(len(points), -1)
    remaining = set(range(len(points)))
    rank = 0
    while remaining:
        front = {i for i in remaining if not any(dominates(points[j], points[i]) for j in remaining)}
        for i in front:
            ranks[i] = rank
        remaining -= front
        rank += 1
    return ranks


def test_dominates() -> None:
    assert dominates(np.array([1.0, 1.0]), np.array([1.0, 2.0]))
    assert not dominates(np.array([1.0, 2.0]), np.array([1.0, 2.0]))
    assert not dominates(np.array([0.0, 3.0]), np.array([1.0, 2.0]))


def test_to_minimization_negates_maximized_columns() -> None:
    out = to_minimization(np.array([[1.0, 2.0, 3.0]]), [MIN, MAX, MIN])
    assert out.tolist() == [[1.0, -2.0, 3.0]]


@pytest.mark.parametrize("n_objectives", [2, 3, 4])
def test_pareto_front_mask_matches_brute_force(n_objectives: int) -> None:
    rng = np.random.default_rng(n_objectives)
    for _ in range(5):
        points = rng.integers(0, 6, size=(60, n_objectives)).astype(float)  # many ties and duplicates
        assert pareto_front_mask(points).tolist() == _brute_front(points).tolist()
    assert pareto_front_mask(np.zeros((0, n_objectives))).tolist() == []


@pytest.mark.parametrize("extra_columns", [0, 1])
def test_pareto_front_mask_handles_infinities(extra_columns: int) -> None:
    points = np.array([[np.inf, 0.0], [0.0, np.inf], [1.0, 1.0], [-np.inf, 5.0]])
    points = np.hstack([points, np.zeros((4, extra_columns))])
    # (0, inf) is dominated by (-inf, 5); (inf, 0) has the best second objective.
    assert pareto_front_mask(points).tolist() == [True, False, True, True]


@pytest.mark.parametrize("n_objectives", [2, 3])
def test_non_domination_ranks_match_brute_force(n_objectives: int) -> None:
    rng = np.random.default_rng(10 + n_objectives)
    points = rng.integers(0, 5, size=(50, n_objectives)).astype(float)
    assert non_domination_ranks(points).tolist() == _brute_ranks(points).tolist()
    assert non_domination_ranks(np.zeros((0, n_objectives))).tolist() == []


def test_non_domination_ranks_can_stop_early() -> None:
    points = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0], [3.0, 3.0]])
    ranks = non_domination_ranks(points, n_below=2)
    assert ranks[:2].tolist() == [0, 1]
    assert ranks[2:].tolist() == [4, 4]  # unranked points get len(points)


def test_pareto_front_trials_respects_directions() -> None:
    trials = [create_trial(values=v) for v in ([1.0, 1.0], [2.0, 2.0], [0.0, 0.5])]
    assert [t.values for t in pareto_front_trials(trials, [MIN, MIN])] == [[0.0, 0.5]]
    assert [t.values for t in pareto_front_trials(trials, [MAX, MAX])] == [[2.0, 2.0]]
    assert len(pareto_front_trials(trials, [MIN, MAX])) == 3  # each is best at some trade-off
    assert pareto_front_trials([], [MIN, MIN]) == []
