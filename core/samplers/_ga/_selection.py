"""Survivor selection of NSGA-II and NSGA-III: constrained ranks, crowding, reference points."""

from __future__ import annotations

import itertools
import math

import numpy as np

from albacore._moo import non_domination_ranks


def violations(constraints: list[list[float] | None], required: bool) -> np.ndarray:
    """Total constraint violation per trial: the sum of positive constraint values.

    Args:
        constraints: Per trial, its constraint values or None.
        required: Whether every trial should have constraints (a ``constraints_func`` was
            given); a trial without them then counts as infinitely infeasible.

    Returns:
        ``(n,)`` array; 0 means feasible.
    """
    out = np.zeros(len(constraints))
    for i, values in enumerate(constraints):
        if values is None:
            out[i] = math.inf if required else 0.0
        else:
            out[i] = float(np.sum(np.maximum(np.asarray(values, dtype=float), 0.0)))
    return out


def constrained_ranks(points: np.ndarray, violation: np.ndarray) -> np.ndarray:
    """Non-domination ranks under constrained domination.

    Feasible points come first, ranked by Pareto fronts; infeasible ones follow, ranked by
    total violation (equal violations share a rank).

    Args:
        points: ``(n, n_objectives)`` objective values, minimization.
        violation: ``(n,)`` total violations.

    Returns:
        ``(n,)`` integer ranks starting at 0.
    """
    ranks = np.zeros(len(points), dtype=int)
    feasible = violation <= 0.0
    next_rank = 0
    if feasible.any():
        ranks[feasible] = non_domination_ranks(points[feasible])
        next_rank = int(ranks[feasible].max()) + 1
    if (~feasible).any():
        _, order = np.unique(violation[~feasible], return_inverse=True)
        ranks[~feasible] = next_rank + order.reshape(-1)
    return ranks


def crowding_distance(points: np.ndarray) -> np.ndarray:
    """Crowding distance of each point of one front (larger: more isolated).

    Boundary points of each objective get infinity; inner points sum, over objectives, the
    normalized gap between their neighbours.
    """
    n, m = points.shape
    distance = np.zeros(n)
    if n <= 2:
        return np.full(n, math.inf)
    for j in range(m):
        order = np.argsort(points[:, j], kind="stable")
        column = points[order, j]
        span = column[-1] - column[0]
        distance[order[0]] = distance[order[-1]] = math.inf
        if span > 0 and np.isfinite(span):
            distance[order[1:-1]] += (column[2:] - column[:-2]) / span
    return distance


def select_nsga2(
    points: np.ndarray, violation: np.ndarray, size: int, rng: np.random.Generator
) -> np.ndarray:
    """Indices of the ``size`` survivors: whole fronts first, the last front by crowding distance."""
    ranks = constrained_ranks(points, violation)
    chosen: list[int] = []
    for rank in range(int(ranks.max()) + 1):
        front = np.flatnonzero(ranks == rank)
        if len(chosen) + len(front) <= size:
            chosen.extend(front.tolist())
            continue
        distance = crowding_distance(points[front])
        # Random tie-break among equal distances, then the most isolated first.
        shuffled = rng.permutation(len(front))
        order = shuffled[np.argsort(-distance[shuffled], kind="stable")]
        chosen.extend(front[order[: size - len(chosen)]].tolist())
        break
    return np.array(chosen, dtype=int)


def das_dennis_points(n_objectives: int, divisions: int) -> np.ndarray:
    """Reference points evenly spread on the unit simplex (Das and Dennis).

    Every point with coordinates ``k_i / divisions``, ``k_i`` non-negative integers summing
    to ``divisions``.
    """
    points = [
        np.diff(np.concatenate(([0], cuts, [divisions]))) / divisions
        for cuts in itertools.combinations_with_replacement(range(divisions + 1), n_objectives - 1)
    ]
    return np.array(points, dtype=float).reshape(-1, n_objectives)


def _finite(points: np.ndarray) -> np.ndarray:
    """Replace infinite objective values by values just beyond the finite ones of their column."""
    out = np.array(points, dtype=float)
    for j in range(out.shape[1]):
        column = out[:, j]
        ok = np.isfinite(column)
        low, high = (column[ok].min(), column[ok].max()) if ok.any() else (0.0, 0.0)
        column[column == math.inf] = high + 1.0
        column[column == -math.inf] = low - 1.0
    return out


def _normalize(points: np.ndarray) -> np.ndarray:
    """Translate by the ideal point and scale by the intercepts of the extreme points' hyperplane."""
    m = points.shape[1]
    shifted = points - points.min(axis=0)
    weights = np.full((m, m), 1e-6) + np.eye(m) * (1.0 - 1e-6)
    # Extreme point of objective j: the point minimizing the achievement scalarizing function.
    asf = np.max(shifted[None, :, :] / weights[:, None, :], axis=2)
    extremes = shifted[np.argmin(asf, axis=1)]
    worst = shifted.max(axis=0)
    try:
        intercepts = 1.0 / np.linalg.solve(extremes, np.ones(m))
        if not np.all(np.isfinite(intercepts)) or np.any(intercepts <= 1e-10):
            raise np.linalg.LinAlgError
    except np.linalg.LinAlgError:
        intercepts = worst
    intercepts = np.where(intercepts > 1e-10, intercepts, 1.0)
    normalized: np.ndarray = shifted / intercepts
    return normalized


def _associate(normalized: np.ndarray, reference_points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Nearest reference line (through the origin) of each point, and the perpendicular distance."""
    directions = reference_points / np.maximum(np.linalg.norm(reference_points, axis=1, keepdims=True), 1e-12)
    projections = normalized @ directions.T
    squared = np.sum(normalized**2, axis=1, keepdims=True) - projections**2
    distances = np.sqrt(np.maximum(squared, 0.0))
    nearest = np.argmin(distances, axis=1)
    return nearest, distances[np.arange(len(normalized)), nearest]


def select_nsga3(
    points: np.ndarray,
    violation: np.ndarray,
    size: int,
    reference_points: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Indices of the ``size`` survivors: whole fronts first, the last front by niching on
    ``reference_points`` (points of sparsely populated reference directions first)."""
    ranks = constrained_ranks(points, violation)
    chosen: list[int] = []
    last_front = np.zeros(0, dtype=int)
    for rank in range(int(ranks.max()) + 1):
        front = np.flatnonzero(ranks == rank)
        if len(chosen) + len(front) <= size:
            chosen.extend(front.tolist())
            continue
        last_front = front
        break
    if len(last_front) == 0:
        return np.array(chosen, dtype=int)
    considered = np.array(chosen + last_front.tolist(), dtype=int)
    nearest, distance = _associate(_normalize(_finite(points[considered])), reference_points)
    n_chosen = len(chosen)
    niche_count = np.bincount(nearest[:n_chosen], minlength=len(reference_points)).astype(float)
    cand_ref, cand_dist = nearest[n_chosen:], distance[n_chosen:]
    available = np.ones(len(last_front), dtype=bool)
    active = np.ones(len(reference_points), dtype=bool)
    while len(chosen) < size:
        counts = np.where(active, niche_count, np.inf)
        lowest = np.flatnonzero(counts == counts.min())
        ref = int(lowest[rng.integers(len(lowest))])
        members = np.flatnonzero(available & (cand_ref == ref))
        if len(members) == 0:
            active[ref] = False
            continue
        pick = members[np.argmin(cand_dist[members])] if niche_count[ref] == 0 else members[rng.integers(len(members))]
        chosen.append(int(last_front[pick]))
        available[pick] = False
        niche_count[ref] += 1
    return np.array(chosen, dtype=int)
