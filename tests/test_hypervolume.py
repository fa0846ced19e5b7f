"""Hypervolume: exact against inclusion-exclusion on small random sets, for 1-5 objectives."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from albacore.hypervolume import compute_hypervolume, hypervolume_contributions


def _brute_force(points: np.ndarray, ref: np.ndarray) -> float:
    """Inclusion-exclusion over every subset: the union of the boxes [p, ref]."""
    total = 0.0
    for size in range(1, len(points) + 1):
        for subset in itertools.combinations(range(len(points)), size):
            corner = points[list(subset)].max(axis=0)
            total += (-1) ** (size + 1) * float(np.prod(np.clip(ref - corner, 0.0, None)))
    return total


@pytest.mark.parametrize("n_objectives", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("seed", range(4))
def test_matches_inclusion_exclusion(n_objectives: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    points = rng.random((8, n_objectives))
    ref = np.full(n_objectives, 1.1)
    assert compute_hypervolume(points, ref) == pytest.approx(_brute_force(points, ref), rel=1e-10, abs=1e-12)


@pytest.mark.parametrize("n_objectives", [2, 3, 4])
def test_contributions_are_the_volume_lost_when_removing_a_point(n_objectives: int) -> None:
    rng = np.random.default_rng(n_objectives)
    points = rng.random((7, n_objectives))
    points = np.vstack([points, points[0]])  # a duplicate contributes nothing, nor does its twin
    ref = np.full(n_objectives, 1.0)
    total = compute_hypervolume(points, ref)
    contributions = hypervolume_contributions(points, ref)
    for i in range(len(points)):
        without = compute_hypervolume(np.delete(points, i, axis=0), ref)
        assert contributions[i] == pytest.approx(total - without, abs=1e-12)
    assert contributions[0] == 0.0 and contributions[-1] == 0.0


def test_simple_cases() -> None:
    ref = np.array([3.0, 3.0])
    assert compute_hypervolume(np.array([[1.0, 2.0], [2.0, 1.0]]), ref) == 3.0
    assert compute_hypervolume(np.array([[1.0, 2.0], [2.0, 2.5]]), ref) == 2.0  # dominated point
    assert compute_hypervolume(np.array([[4.0, 0.0]]), ref) == 0.0  # outside the box
    assert compute_hypervolume(np.empty((0, 2)), ref) == 0.0
    front = np.array([[1.0, 2.0], [2.0, 1.0]])
    assert compute_hypervolume(front, ref, assume_pareto=True) == 3.0


def test_many_points_in_three_objectives_against_monte_carlo() -> None:
    rng = np.random.default_rng(0)
    points = rng.random((60, 3))
    ref = np.ones(3)
    samples = rng.random((200_000, 3))
    covered = np.zeros(len(samples), dtype=bool)
    for p in points:
        covered |= np.all(samples >= p, axis=1)
    assert compute_hypervolume(points, ref) == pytest.approx(covered.mean(), abs=5e-3)


def test_bad_input_names_the_call_and_the_shape() -> None:
    with pytest.raises(ValueError, match=r"compute_hypervolume: loss_vals must be a 2-D array .* shape \(3,\)"):
        compute_hypervolume(np.ones(3), np.ones(3))
    with pytest.raises(ValueError, match=r"compute_hypervolume: reference_point must have shape \(2,\).*\(3,\)"):
        compute_hypervolume(np.ones((2, 2)), np.ones(3))
    with pytest.raises(ValueError, match="hypervolume_contributions: .*NaN"):
        hypervolume_contributions(np.array([[np.nan, 1.0]]), np.ones(2))
