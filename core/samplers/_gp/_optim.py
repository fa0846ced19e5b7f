"""Maximization of an acquisition function over an encoded (possibly conditional) search space.

1. Score, in one batched call, quasi-random points of every branch of the space (every set
   of parameters the trials had) and perturbations of the best trials.
2. From the best few distinct points, alternate until nothing improves:
   a. one L-BFGS-B run over the continuous coordinates of all starts at once (their
      objectives are independent, so the gradient of the sum is each start's gradient);
   b. a discrete coordinate search: for every start, every int/stepped/categorical
      coordinate is set to each of its values (a subset for long grids), all in one batch,
      and the best single change is kept, repeated while it improves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import numpy as np
from scipy import optimize

from albacore.samplers._gp._acquisition import Acquisition
from albacore.samplers._gp._space import EncodedSpace

_MAX_GRID = 48  # values tried per discrete coordinate and round (long grids are subsampled)
# Relative improvement of the summed log acquisition below which L-BFGS-B stops polishing:
# the next point does not need the acquisition's maximizer to nine digits (scipy's default
# ftol), and stopping at six saves about a third of the GP's time per trial.
_POLISH_FTOL = 1e-6


@dataclass
class Branch:
    """One set of parameters the trials had: its absent coordinates and allowed choices.

    Attributes:
        template: Encoded row whose absent coordinates every point of the branch shares.
        choices: Per dimension, the categorical indices seen in the branch (None: all, or
            not categorical).
    """

    template: np.ndarray
    choices: list[np.ndarray | None]


def _free_mask(space: EncodedSpace, x: np.ndarray) -> np.ndarray:
    """Continuous, present coordinates of each row of ``x``."""
    return cast(np.ndarray, (space.kinds == 0) & ~space.absent(x))


def _polish(acq: Acquisition, space: EncodedSpace, x: np.ndarray, values: np.ndarray,
            maxiter: int) -> tuple[np.ndarray, np.ndarray]:
    """L-BFGS-B over the continuous coordinates of every row of ``x``; keep what improves."""
    free = _free_mask(space, x)
    rows, cols = np.nonzero(free)
    if rows.size == 0:
        return x, values
    work = x.copy()

    def fun(v: np.ndarray) -> tuple[float, np.ndarray]:
        work[rows, cols] = v
        val, grad = acq.value_and_grad(work)
        return -float(val.sum()), -grad[rows, cols]

    with np.errstate(all="ignore"):
        try:
            result = optimize.minimize(
                fun,
                x[rows, cols],
                jac=True,
                method="L-BFGS-B",
                bounds=[(0.0, 1.0)] * rows.size,
                options={"maxiter": maxiter, "ftol": _POLISH_FTOL},
            )
        except (ValueError, FloatingPointError, np.linalg.LinAlgError):
            return x, values
    polished = x.copy()
    polished[rows, cols] = np.clip(result.x, 0.0, 1.0)
    new_values = acq(polished)
    better = new_values > values
    return np.where(better[:, None], polished, x), np.where(better, new_values, values)


def _grid_moves(
    space: EncodedSpace, x: np.ndarray, branches: list[Branch], owner: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Every single-coordinate change of the discrete coordinates -> points ``(k, d)``, their rows."""
    points, origin = [], []
    for i in np.flatnonzero(space.kinds != 0).tolist():
        for r in range(len(x)):
            if space.absent(x[r])[i]:
                continue
            if space.is_categorical[i]:
                allowed = branches[owner[r]].choices[i]
                values = np.arange(space.n_grid[i], dtype=float) if allowed is None else allowed.astype(float)
            else:
                grid = space.grid(i)
                if grid.size > _MAX_GRID:
                    k = int(space.grid_index(i, x[r, i]))
                    near = np.clip(k + np.array([-4, -2, -1, 1, 2, 4]), 0, grid.size - 1)
                    spread = rng.choice(grid.size, _MAX_GRID - near.size, replace=False)
                    grid = grid[np.unique(np.concatenate([near, spread]))]
                values = grid
            values = values[values != x[r, i]]
            if values.size == 0:
                continue
            block = np.repeat(x[r][None, :], values.size, axis=0)
            block[:, i] = values
            points.append(block)
            origin.append(np.full(values.size, r))
    if not points:
        return np.zeros((0, space.dim)), np.zeros(0, dtype=int)
    return np.concatenate(points), np.concatenate(origin)


def _discrete_search(
    acq: Acquisition,
    space: EncodedSpace,
    x: np.ndarray,
    values: np.ndarray,
    branches: list[Branch],
    owner: np.ndarray,
    rng: np.random.Generator,
    max_rounds: int = 8,
) -> tuple[np.ndarray, np.ndarray, bool]:
    """Best-improvement coordinate search over the discrete coordinates, all rows batched."""
    changed = False
    for _ in range(max_rounds):
        moves, origin = _grid_moves(space, x, branches, owner, rng)
        if not len(moves):
            break
        scores = acq(moves)
        best = np.full(len(x), -np.inf)
        np.maximum.at(best, origin, scores)
        improved = best > values + 1e-12 * np.maximum(np.abs(values), 1.0)
        if not improved.any():
            break
        for r in np.flatnonzero(improved):
            idx = np.flatnonzero((origin == r) & (scores == best[r]))[0]
            x[r], values[r] = moves[idx], scores[idx]
        changed = True
    return x, values, changed


def _candidates(
    space: EncodedSpace,
    branches: list[Branch],
    incumbents: np.ndarray,
    incumbent_branch: np.ndarray,
    rng: np.random.Generator,
    n_random: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Quasi-random points of every branch plus perturbations of the incumbents, and their branch."""
    per_branch = max(64, n_random // len(branches))
    parts, owner = [], []
    for b, branch in enumerate(branches):
        parts.append(space.sample(rng, per_branch, branch.template, branch.choices))
        owner.append(np.full(per_branch, b))
    if len(incumbents):
        reps = max(1, n_random // (2 * len(incumbents)))
        around = np.repeat(incumbents, reps, axis=0)
        scale = rng.choice([0.003, 0.02, 0.1], size=(len(around), 1))
        moved = np.clip(around + rng.normal(size=around.shape) * scale, 0.0, 1.0)
        around = np.where(space.is_numeric & ~np.isnan(around), moved, around)
        around_owner = np.repeat(incumbent_branch, reps)
        flip = rng.uniform(size=around.shape) < 1.0 / max(space.dim, 1)
        for i in np.flatnonzero(space.is_categorical):
            for r in np.flatnonzero(flip[:, i] & (around[:, i] < space.n_grid[i])):
                allowed = branches[around_owner[r]].choices[i]
                pool = np.arange(space.n_grid[i]) if allowed is None else allowed
                around[r, i] = rng.choice(pool)
        parts.append(space.round(around))
        owner.append(around_owner)
    return np.concatenate(parts), np.concatenate(owner)


def _top_distinct(x: np.ndarray, scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` best-scoring distinct rows of ``x``."""
    order = np.argsort(-scores, kind="stable")
    _, first = np.unique(np.round(x[order], 12), axis=0, return_index=True)
    return order[np.sort(first)[:k]]


def maximize(
    acq: Acquisition,
    space: EncodedSpace,
    rng: np.random.Generator,
    branches: list[Branch],
    incumbents: np.ndarray,
    incumbent_branch: np.ndarray,
    n_random: int = 1024,
    n_starts: int = 8,
    maxiter: int = 200,
) -> np.ndarray:
    """Return the encoded point with the highest acquisition value found.

    Args:
        acq: Batched acquisition function.
        space: The encoded search space.
        rng: Random generator for the candidate points.
        branches: The branches of the space to search (one for a space without conditions).
        incumbents: Encoded good trials ``(k, d)`` to search around.
        incumbent_branch: Index in ``branches`` of each incumbent.
        n_random: Number of quasi-random candidates (shared by the branches).
        n_starts: Number of candidates optimized locally.
        maxiter: L-BFGS-B iteration limit.
    """
    x, owner = _candidates(space, branches, incumbents, incumbent_branch, rng, n_random)
    scores = acq(x)
    scores = np.where(np.isfinite(scores), scores, -np.inf)
    picked = _top_distinct(x, scores, n_starts)
    x, values, owner = x[picked].copy(), scores[picked].copy(), owner[picked]
    for _ in range(3):
        x, values = _polish(acq, space, x, values, maxiter)
        x, values, changed = _discrete_search(acq, space, x, values, branches, owner, rng)
        if not changed:
            break
    return cast(np.ndarray, x[int(np.argmax(values))])
