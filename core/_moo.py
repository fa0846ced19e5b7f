"""Multi-objective helpers: dominance and non-dominated sorting.

All functions take objective values already oriented for minimization (multiply
maximized objectives by -1 with :func:`to_minimization`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, TypeVar

import numpy as np

from albacore._study_types import StudyDirection


class _Valued(Protocol):
    # A finished trial as far as the Pareto front goes (FrozenTrial sits in a higher layer).
    @property
    def values(self) -> Sequence[float] | None: ...


_T = TypeVar("_T", bound=_Valued)


def to_minimization(values: np.ndarray, directions: Sequence[StudyDirection]) -> np.ndarray:
    """Return ``values`` (n_points x n_objectives) with maximized columns negated."""
    signs = np.array([-1.0 if d == StudyDirection.MAXIMIZE else 1.0 for d in directions])
    minimized: np.ndarray = np.asarray(values, dtype=float) * signs
    return minimized


def dominates(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether point ``a`` Pareto-dominates ``b`` (no worse everywhere, better somewhere)."""
    return bool(np.all(a <= b) and np.any(a < b))


def non_domination_ranks(points: np.ndarray, n_below: int | None = None) -> np.ndarray:
    """Rank points by successive Pareto fronts: 0 for the first front, 1 for the next...

    Args:
        points: ``(n_points, n_objectives)`` array, minimization.
        n_below: Stop once at least this many points are ranked; the rest get rank
            ``len(points)`` (enough for samplers that need only the best points).

    Returns:
        Integer rank per point.
    """
    n = len(points)
    ranks = np.full(n, n, dtype=int)
    if n == 0:
        return ranks
    # Duplicate points share a rank: work on unique rows.
    unique, inverse = np.unique(points, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    le = np.all(unique[:, None, :] <= unique[None, :, :], axis=2)
    lt = np.any(unique[:, None, :] < unique[None, :, :], axis=2)
    dominated_by = (le & lt).T  # dominated_by[i, j]: j dominates i
    n_dominators = dominated_by.sum(axis=1)
    unique_ranks = np.full(len(unique), n, dtype=int)
    remaining = np.ones(len(unique), dtype=bool)
    rank, n_ranked, limit = 0, 0, n if n_below is None else n_below
    while remaining.any() and n_ranked < limit:
        front = remaining & (n_dominators == 0)
        unique_ranks[front] = rank
        remaining &= ~front
        n_dominators -= dominated_by[:, front].sum(axis=1)
        n_ranked += int(np.isin(inverse, np.flatnonzero(front)).sum())
        rank += 1
    ranks[:] = unique_ranks[inverse]
    return ranks


def pareto_front_mask(points: np.ndarray) -> np.ndarray:
    """Boolean mask of the points not dominated by any other point (minimization).

    Two objectives take an O(n log n) sweep; more are compared in chunks to bound memory.
    """
    points = np.asarray(points, dtype=float)
    n = len(points)
    if n == 0:
        return np.zeros(0, dtype=bool)
    if points.shape[1] == 2:
        # Unique rows come sorted lexicographically; an earlier unique row has a smaller
        # first objective, or an equal one and a smaller second, so a row is dominated iff
        # some earlier row's second objective is <= its own.
        unique, inverse = np.unique(points, axis=0, return_inverse=True)
        prev_best = np.concatenate(([np.inf], np.minimum.accumulate(unique[:-1, 1])))
        return ~(prev_best <= unique[:, 1])[inverse.reshape(-1)]
    mask = np.ones(n, dtype=bool)
    for start in range(0, n, 256):
        block = points[start : start + 256]
        le = np.all(points[:, None, :] <= block[None, :, :], axis=2)
        lt = np.any(points[:, None, :] < block[None, :, :], axis=2)
        mask[start : start + 256] = ~np.any(le & lt, axis=0)
    return mask


def pareto_front_trials(trials: Sequence[_T], directions: Sequence[StudyDirection]) -> list[_T]:
    """The trials on the Pareto front of ``trials`` (all must have values)."""
    if not trials:
        return []
    points = to_minimization(np.array([t.values for t in trials]), directions)
    mask = pareto_front_mask(points)
    return [t for t, keep in zip(trials, mask) if keep]
