"""Maximization of an acquisition function over an encoded search space.

1. Score a batch of random points and of perturbations of the best trials (one batched call).
2. Polish the best few with one L-BFGS-B run over all of them at once (their objectives are
   independent, so the sum's gradient is each start's gradient), numeric coordinates relaxed
   to ``[0, 1]`` and categorical ones fixed; then snap discrete coordinates to their grids.
3. Discrete local search: move to the best neighbour (one grid step up or down for each
   int/stepped coordinate, every other choice of each categorical) while it improves,
   scoring all neighbours of all points in one batch per round.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from albacore._imports import require
from albacore.samplers._gp._model import torch
from albacore.samplers._gp._space import EncodedSpace


def _score(acq: Callable[[Any], Any], x: np.ndarray) -> np.ndarray:
    th = torch()
    with th.no_grad():
        return acq(th.as_tensor(x, dtype=th.float64)).numpy()


def _polish(acq: Callable[[Any], Any], space: EncodedSpace, starts: np.ndarray, maxiter: int) -> np.ndarray:
    th = torch()
    scipy_optimize = require("scipy.optimize", extra="gp", feature="GPSampler")
    free = np.flatnonzero(space.is_numeric)
    if free.size == 0:
        return starts
    fixed = th.as_tensor(starts, dtype=th.float64)
    n = len(starts)

    def fun(flat: np.ndarray) -> tuple[float, np.ndarray]:
        z = th.tensor(flat.reshape(n, free.size), dtype=th.float64, requires_grad=True)
        x = fixed.clone()
        x[:, free] = z
        loss = -acq(x).sum()
        (grad,) = th.autograd.grad(loss, z)
        return float(loss.detach()), grad.numpy().ravel().copy()

    x0 = starts[:, free].ravel()
    try:
        result = scipy_optimize.minimize(
            fun, x0, jac=True, method="L-BFGS-B", bounds=[(0.0, 1.0)] * x0.size,
            options={"maxiter": maxiter},
        )
        polished = starts.copy()
        polished[:, free] = np.clip(result.x.reshape(n, free.size), 0.0, 1.0)
    except (RuntimeError, ValueError, FloatingPointError):
        return starts
    return space.round(polished)


def _neighbours(space: EncodedSpace, x: np.ndarray) -> np.ndarray:
    """All one-move neighbours of each row of ``x`` -> ``(n, k, d)``."""
    moves = []
    for i in np.flatnonzero(space.is_discrete):
        for direction in (-1, 1):
            y = x.copy()
            y[:, i] = space.grid_step(i, x[:, i], direction)
            moves.append(y)
    for i in np.flatnonzero(space.is_categorical):
        for c in range(space.n_grid[i]):
            y = x.copy()
            y[:, i] = c
            moves.append(y)
    return np.stack(moves, 1) if moves else x[:, None, :]


def _local_search(acq: Callable[[Any], Any], space: EncodedSpace, x: np.ndarray, values: np.ndarray,
                  max_rounds: int) -> tuple[np.ndarray, np.ndarray]:
    if not (space.is_discrete.any() or space.is_categorical.any()):
        return x, values
    for _ in range(max_rounds):
        cand = _neighbours(space, x)
        n, k, d = cand.shape
        scores = _score(acq, cand.reshape(n * k, d)).reshape(n, k)
        best = scores.argmax(1)
        improved = scores[np.arange(n), best] > values + 1e-12
        if not improved.any():
            break
        x = np.where(improved[:, None], cand[np.arange(n), best], x)
        values = np.where(improved, scores[np.arange(n), best], values)
    return x, values


def maximize(
    acq: Callable[[Any], Any],
    space: EncodedSpace,
    rng: np.random.Generator,
    incumbents: np.ndarray,
    n_random: int = 1024,
    n_starts: int = 6,
    maxiter: int = 30,
) -> np.ndarray:
    """Return the encoded point with the highest acquisition value found.

    Args:
        acq: Batched acquisition function.
        space: The encoded search space.
        rng: Random generator for the candidate points.
        incumbents: Encoded good trials ``(k, d)`` to search around.
        n_random: Number of random candidates.
        n_starts: Number of candidates polished by L-BFGS-B.
        maxiter: L-BFGS-B iteration limit.
    """
    candidates = [space.sample(rng, n_random)]
    if len(incumbents):
        reps = max(1, n_random // (4 * len(incumbents)))
        around = np.repeat(incumbents, reps, axis=0)
        noise = rng.normal(0.0, 0.05, around.shape) * space.is_numeric
        around = np.where(space.is_numeric, np.clip(around + noise, 0.0, 1.0), around)
        flip = rng.uniform(size=around.shape) < 1.0 / max(space.dim, 1)
        random_cat = space.sample(rng, len(around))
        around = np.where(space.is_categorical & flip, random_cat, around)
        candidates.append(space.round(around))
    x = np.concatenate(candidates)
    scores = _score(acq, x)
    order = np.argsort(-scores, kind="stable")[:n_starts]
    starts, start_scores = x[order], scores[order]
    polished = _polish(acq, space, starts, maxiter)
    polished_scores = _score(acq, polished)
    better = polished_scores > start_scores
    x = np.where(better[:, None], polished, starts)
    values = np.where(better, polished_scores, start_scores)
    x, values = _local_search(acq, space, x, values, max_rounds=20)
    return x[int(np.argmax(values))]
