"""Albacore's GP (:mod:`albacore.samplers._gp`) fitted to a list of trials, and confidence bounds.

Values are turned into a maximization problem (negated when minimizing) and standardized,
as the regret bound and EMMR are written for maximization.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import linalg

from albacore._study_types import StudyDirection
from albacore.samplers._gp._kernel import Features, cross_r2, matern52
from albacore.samplers._gp._model import GaussianProcess, default_theta, fit_theta, one_blas_thread
from albacore.samplers._gp._space import EncodedSpace
from albacore.search_space import intersection_search_space
from albacore.trial._frozen import FrozenTrial

#: Random points at which the upper confidence bound is maximized over the search space.
N_UCB_SAMPLES = 2048


@dataclass
class Encoded:
    """Trials encoded for the GP: the space, inputs ``(n, d)`` and maximized values ``(n,)``."""

    space: EncodedSpace
    x: np.ndarray
    y: np.ndarray


def encode_trials(complete: Sequence[FrozenTrial], direction: StudyDirection) -> Encoded | None:
    """Encode the parameters every trial has (constants left out); None if there are none."""
    dists = {n: d for n, d in intersection_search_space(complete).items() if not d.single()}
    if not dists:
        return None
    space = EncodedSpace(dists)
    x = np.array([space.encode(t.params) for t in complete])
    sign = 1.0 if direction == StudyDirection.MAXIMIZE else -1.0
    y = sign * np.array([t.value for t in complete], dtype=float)
    finite = y[np.isfinite(y)]
    if finite.size:  # infinities become the finite extremes
        y = np.clip(np.nan_to_num(y, nan=finite.min()), finite.min(), finite.max())
    else:
        y = np.zeros_like(y)
    return Encoded(space, x, y)


def standardize(y: np.ndarray) -> tuple[np.ndarray, float, float]:
    mean, std = float(y.mean()), float(y.std())
    std = max(std, 1e-10)
    return (y - mean) / std, mean, std


def fit(space: EncodedSpace, x: np.ndarray, y: np.ndarray, deterministic: bool,
        theta0: np.ndarray | None = None) -> GaussianProcess:
    """A GP with MAP hyperparameters on standardized ``y`` (warm-started from ``theta0``)."""
    start = default_theta(space.dim) if theta0 is None or len(theta0) != space.dim + 2 else theta0
    with one_blas_thread():
        theta = fit_theta(space, x, y, start, deterministic, maxiter=200 if theta0 is None else 50)
        return GaussianProcess(space, x, y, theta, deterministic)


def beta(n_params: int, n_trials: int, delta: float) -> float:
    """Confidence parameter of GP-UCB (Srinivas et al., 2010, Theorem 1), scaled down by 5 as
    in their experiments."""
    return 2.0 * math.log(n_params * n_trials**2 * math.pi**2 / (6.0 * delta)) / 5.0


def regret_bound(gp: GaussianProcess, x: np.ndarray, delta: float, rng: np.random.Generator) -> float:
    """Standardized bound on the simple regret of the best of ``x`` (Makarova et al., 2022):
    the largest UCB over the search space minus the largest LCB over ``x``."""
    n, d = x.shape
    root = math.sqrt(beta(d, n, delta))
    with one_blas_thread():
        mean, var = gp.posterior(x)
        samples = gp.space.sample(rng, N_UCB_SAMPLES)
        s_mean, s_var = gp.posterior(samples)
    sd, s_sd = np.sqrt(var), np.sqrt(s_var)
    ucb = max(float(np.max(mean + root * sd)), float(np.max(s_mean + root * s_sd)))
    lcb = float(np.max(mean - root * sd))
    return ucb - lcb


def posterior_cov(gp: GaussianProcess, a: np.ndarray, b: np.ndarray) -> float:
    """Posterior covariance of the latent function at encoded points ``a`` and ``b``.

    Uses the GP's kernel weights and Cholesky factor; ``GaussianProcess.posterior`` gives
    variances only.
    """
    q = Features(gp.space, np.stack([a, b]))
    k_train = gp.signal * matern52(cross_r2(q, gp._train, gp._w, exact=True))[0]  # (2, n)
    k_ab = gp.signal * matern52(cross_r2(Features(gp.space, a[None]), Features(gp.space, b[None]), gp._w,
                                         exact=True))[0][0, 0]
    v = linalg.solve_triangular(gp._chol, k_train.T, lower=True, check_finite=False)
    return float(k_ab - v[:, 0] @ v[:, 1])
