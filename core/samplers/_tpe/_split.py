"""Splitting finished trials into the good ("below") and the bad ("above") groups.

Order of preference, best first:

1. feasible COMPLETE trials, by objective value (single objective) or by non-domination
   rank, the last front that only partly fits filled greedily by hypervolume contribution
   (multi-objective);
2. feasible PRUNED trials: those that got further first, then by their last reported value;
3. infeasible trials, by total constraint violation.

In both groups, PRUNED trials weigh by the share of a full run they trained
(:func:`training_share`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

import numpy as np

from albacore._moo import non_domination_ranks, to_minimization
from albacore._study_types import StudyDirection
from albacore.hypervolume._compute import exclusive_hypervolume, hypervolume_contributions
from albacore.samplers._tpe._history import COMPLETE, PRUNED, Snapshot


def rank_below(
    snapshot: Snapshot, directions: Sequence[StudyDirection], n_below: int, rows: np.ndarray
) -> np.ndarray:
    """The snapshot rows of the ``n_below`` best of ``rows``, best first.

    Equal values rank by trial number (the older trial first), never by row: rows follow the
    order in which a cache happened to see trials finish, which differs between processes.
    """
    n_below = min(n_below, len(rows))
    if n_below <= 0:
        return np.zeros(0, dtype=int)
    considered = np.zeros(snapshot.n, dtype=bool)
    considered[rows] = True
    feasible = snapshot.violation <= 0.0
    complete = _by_number(snapshot, (snapshot.states == COMPLETE) & feasible & considered)
    if len(directions) == 1:
        sign = -1.0 if directions[0] == StudyDirection.MAXIMIZE else 1.0
        chosen = complete[np.argsort(sign * snapshot.values[complete, 0], kind="stable")][:n_below]
    else:
        chosen = _best_multi_objective(to_minimization(snapshot.values[complete], directions), n_below)
        chosen = complete[chosen]
    missing = n_below - len(chosen)
    if missing > 0:
        chosen = np.concatenate([chosen, _rest_order(snapshot, directions, feasible, considered)[:missing]])
    return np.asarray(chosen, dtype=int)


def _rest_order(
    snapshot: Snapshot, directions: Sequence[StudyDirection], feasible: np.ndarray, considered: np.ndarray
) -> np.ndarray:
    """Considered rows other than feasible COMPLETE ones, best first."""
    pruned = _by_number(snapshot, (snapshot.states == PRUNED) & feasible & considered)
    sign = -1.0 if directions[0] == StudyDirection.MAXIMIZE else 1.0
    value = np.where(np.isnan(snapshot.values[pruned, 0]), np.inf, sign * snapshot.values[pruned, 0])
    pruned = pruned[np.lexsort((value, -snapshot.last_step[pruned]))]
    infeasible = _by_number(snapshot, ~feasible & considered)
    infeasible = infeasible[np.argsort(snapshot.violation[infeasible], kind="stable")]
    return np.concatenate([pruned, infeasible]).astype(int)


def _by_number(snapshot: Snapshot, mask: np.ndarray) -> np.ndarray:
    """The rows where ``mask`` holds, in trial-number order (stable sorts then break ties by it)."""
    rows = np.flatnonzero(mask)
    return rows[np.argsort(snapshot.numbers[rows], kind="stable")]


def training_share(snapshot: Snapshot, rows: np.ndarray) -> np.ndarray:
    """The share of a full run each of ``rows`` trained: its weight in the good or bad model.

    A COMPLETE trial counts 1. A PRUNED trial counts its number of reported intermediate
    values over the median number the COMPLETE trials reported (the most any trial
    reported when no COMPLETE trial reported), at most 1; one that never reported counts
    as one report. What a pruned trial says about a full run grows with how much of it
    ran. In the bad model this makes the density measure where training was spent without
    reaching the good group: a trial stopped after 1 of 30 epochs is weak evidence against
    its region, cheap to be wrong about, while one pruned near the end, or a mediocre
    finished one, is strong evidence; the good/bad ratio then ranks candidates by expected
    improvement per unit of training rather than per trial, which is what pruning is for.
    In the good model (pruned trials fill it when few trials completed) a trial stopped
    half-way counts half as much as a finished one.
    """
    share = np.ones(len(rows))
    pruned = snapshot.states[rows] == PRUNED
    reports = snapshot.reports
    if not pruned.any() or reports.max(initial=0) == 0:
        return share
    finished = reports[(snapshot.states == COMPLETE) & (reports > 0)]
    full = float(np.median(finished)) if len(finished) else float(reports.max())
    share[pruned] = np.minimum(np.maximum(reports[rows[pruned]], 1) / full, 1.0)
    return share


def _best_multi_objective(points: np.ndarray, n_below: int) -> np.ndarray:
    """Indices of ``n_below`` points: whole non-domination fronts, then a hypervolume pick."""
    if len(points) <= n_below:
        return np.arange(len(points))
    ranks = non_domination_ranks(points, n_below=n_below)
    chosen: list[int] = []
    for rank in range(int(ranks.min()), int(ranks.max()) + 1):
        front = np.flatnonzero(ranks == rank)
        if len(chosen) + len(front) <= n_below:
            chosen.extend(front.tolist())
            if len(chosen) == n_below:
                break
            continue
        picked = greedy_hypervolume_subset(points[front], n_below - len(chosen))
        chosen.extend(front[picked].tolist())
        break
    return np.array(chosen, dtype=int)


def reference_point(points: np.ndarray) -> np.ndarray:
    """A reference point slightly worse than every point (minimization)."""
    worst, best = points.max(axis=0), points.min(axis=0)
    margin = np.maximum(0.1 * (worst - best), 1e-12 * np.maximum(1.0, np.abs(worst)))
    return cast(np.ndarray, worst + margin)


def greedy_hypervolume_subset(points: np.ndarray, k: int) -> np.ndarray:
    """Pick ``k`` of ``points`` one by one, each time the one adding the most hypervolume."""
    ref = reference_point(points)
    unique, inverse = np.unique(points, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    # Lazy greedy: a point's gain only shrinks as the selection grows (hypervolume is
    # submodular), so stale gains are upper bounds and only the top one needs refreshing.
    bounds = np.prod(ref - unique, axis=1)
    fresh_at = np.zeros(len(unique), dtype=int)
    selected: list[int] = []
    while len(selected) < min(k, len(unique)):
        best = int(np.argmax(bounds))
        if fresh_at[best] == len(selected):
            selected.append(best)
            bounds[best] = -np.inf
            continue
        bounds[best] = exclusive_hypervolume(unique[best], unique[selected], ref)
        fresh_at[best] = len(selected)
    # Map unique points back to rows; duplicates fill any remaining slots.
    rows = [int(np.flatnonzero(inverse == u)[0]) for u in selected]
    if len(rows) < k:
        others = [i for i in range(len(points)) if i not in set(rows)]
        rows.extend(others[: k - len(rows)])
    return np.array(rows, dtype=int)


def rank_weights(ranks: np.ndarray, n: int) -> np.ndarray:
    """Weights of good single-objective trials by rank (0 = best of ``n``): 1 for the best,
    falling linearly to about 0.5 for the worst.

    Expected improvement integrates the improvement ``y* - y`` over the good group, so a
    good trial far below the threshold ``y*`` says more about where to sample than one just
    below it; ranks stand in for the improvement so that the objective's scale and outliers
    do not matter.
    """
    return 1.0 - 0.5 * np.asarray(ranks, dtype=float) / n


def hypervolume_weights(points: np.ndarray) -> np.ndarray:
    """Weights of good multi-objective points, larger for bigger hypervolume contributions."""
    if len(points) <= 1:
        return np.ones(len(points))
    contrib = hypervolume_contributions(points, reference_point(points))
    top = contrib.max()
    if top <= 0:
        return np.ones(len(points))
    return cast(np.ndarray, np.clip(contrib / top, 0.1, 1.0))
