"""A Gaussian process with MAP hyperparameters and a cached Cholesky factorization (numpy/scipy).

Inputs are encoded points (:mod:`._space`), compared by the kernel of :mod:`._kernel`;
outputs are standardized by the caller. Hyperparameters
``theta = [log lengthscales (d), log signal variance, log noise variance]`` maximize the
log marginal likelihood plus log priors (scipy's L-BFGS-B, analytic gradients). The
matrices are small (a few hundred trials), so plain numpy on one thread beats a framework
with autograd by a wide margin.
"""

from __future__ import annotations

import contextlib
import math
from typing import Any, cast

import numpy as np
from scipy import linalg, optimize

from albacore.samplers._gp._kernel import Features, cross_r2, matern52, sq_dist_stack
from albacore.samplers._gp._space import EncodedSpace

#: Variance added to the diagonal of every kernel matrix (standardized units).
MIN_NOISE = 1e-8
#: Noise variance of a deterministic objective.
DETERMINISTIC_NOISE = 1e-8
_LS_BOUNDS = (math.log(5e-3), math.log(50.0))
_SIGNAL_BOUNDS = (math.log(5e-2), math.log(20.0))
_NOISE_BOUNDS = (math.log(1e-9), math.log(2.0))


_CONTROLLER: list[Any] = []


def one_blas_thread() -> contextlib.AbstractContextManager[Any]:
    """Limit BLAS to one thread inside the block (threads cost more than they gain on small
    matrices), when threadpoolctl is installed."""
    if not _CONTROLLER:
        try:
            from threadpoolctl import ThreadpoolController
        except ImportError:
            _CONTROLLER.append(None)
        else:
            _CONTROLLER.append(ThreadpoolController())
    if _CONTROLLER[0] is None:
        return contextlib.nullcontext()
    return cast(contextlib.AbstractContextManager[Any], _CONTROLLER[0].limit(limits=1, user_api="blas"))


def _prior_ls_mu(d: int) -> float:
    return math.log(0.5) + 0.25 * math.log(max(d, 1))


_PRIOR_LS_SIGMA = 1.0
_PRIOR_SIGNAL_SIGMA = 1.0
_PRIOR_NOISE_MU, _PRIOR_NOISE_SIGMA = math.log(1e-4), 3.0


def default_theta(d: int) -> np.ndarray:
    """The prior's mode: the starting point of the first hyperparameter fit."""
    return np.concatenate([np.full(d, _prior_ls_mu(d)), [0.0, _PRIOR_NOISE_MU]])


def _log_prior(theta: np.ndarray, d: int, deterministic: bool) -> tuple[float, np.ndarray]:
    """Log density (up to a constant) of the hyperparameter priors and its gradient.

    Log-normal lengthscales whose median grows slowly with ``d`` (more dimensions spread the
    same number of points thinner), a log-normal signal variance around 1 (the outputs are
    standardized) and a broad log-normal noise variance centred on small noise.
    """
    mu = _prior_ls_mu(d)
    grad = np.zeros_like(theta)
    z_ls = (theta[:d] - mu) / _PRIOR_LS_SIGMA
    value = -0.5 * float(z_ls @ z_ls)
    grad[:d] = -z_ls / _PRIOR_LS_SIGMA
    z_s = theta[d] / _PRIOR_SIGNAL_SIGMA
    value -= 0.5 * z_s * z_s
    grad[d] = -z_s / _PRIOR_SIGNAL_SIGMA
    if not deterministic:
        z_n = (theta[d + 1] - _PRIOR_NOISE_MU) / _PRIOR_NOISE_SIGMA
        value -= 0.5 * z_n * z_n
        grad[d + 1] = -z_n / _PRIOR_NOISE_SIGMA
    return value, grad


def _cholesky(k: np.ndarray) -> np.ndarray:
    """Lower Cholesky factor, adding jitter to the diagonal if ``k`` is numerically singular."""
    jitter = 0.0
    scale = float(np.mean(np.diag(k)))
    for _ in range(8):
        try:
            if jitter:
                k = k + jitter * np.eye(len(k))
            return cast(np.ndarray, linalg.cholesky(k, lower=True, check_finite=False))
        except linalg.LinAlgError:
            jitter = 1e-9 * scale if jitter == 0.0 else jitter * 10.0
    return cast(np.ndarray, linalg.cholesky(k + 1e-2 * scale * np.eye(len(k)), lower=True, check_finite=False))


def _inverse_lower(chol: np.ndarray) -> np.ndarray:
    """Lower triangle of ``K^-1`` (zeros above) from the lower Cholesky factor of ``K``."""
    inv, info = linalg.lapack.dpotri(chol, lower=1)
    if info != 0:
        return np.tril(linalg.cho_solve((chol, True), np.eye(len(chol)), check_finite=False))
    return cast(np.ndarray, inv)


def _neg_log_posterior(theta: np.ndarray, stack: np.ndarray, y: np.ndarray,
                       deterministic: bool) -> tuple[float, np.ndarray]:
    """Negative (log marginal likelihood + log prior) and its gradient.

    With ``A = alpha alpha^T - K^-1``, ``d(log ML)/d theta = tr(A dK/d theta) / 2``; for a
    lengthscale, ``dK/dlog l_j = -2 w_j s k'(r2) D_j``, one contraction with the stack. Every
    ``dK`` is symmetric, so ``K^-1`` enters as its lower triangle with doubled off-diagonal.
    """
    d, n = stack.shape[0], len(y)
    w = np.exp(-2.0 * theta[:d])
    signal = math.exp(theta[d])
    noise = (DETERMINISTIC_NOISE if deterministic else math.exp(theta[d + 1])) + MIN_NOISE
    r2 = np.tensordot(w, stack, axes=1)
    m, slope = matern52(r2)
    k = signal * m
    k[np.diag_indices(n)] += noise
    chol = _cholesky(k)
    alpha = linalg.cho_solve((chol, True), y, check_finite=False)
    inv = _inverse_lower(chol)
    inv *= 2.0
    inv[np.diag_indices(n)] *= 0.5
    a = np.outer(alpha, alpha) - inv
    log_ml = -0.5 * float(y @ alpha) - float(np.sum(np.log(np.diag(chol)))) - 0.5 * n * math.log(2 * math.pi)
    grad = np.zeros(d + 2)
    b = a * slope
    grad[:d] = -w * signal * (stack.reshape(d, -1) @ b.ravel())
    grad[d] = 0.5 * signal * float(np.sum(a * m))
    if not deterministic:
        grad[d + 1] = 0.5 * (noise - MIN_NOISE) * float(np.trace(a))
    log_prior, prior_grad = _log_prior(theta, d, deterministic)
    return -(log_ml + log_prior), -(grad + prior_grad)


def fit_theta(space: EncodedSpace, x: np.ndarray, y: np.ndarray, theta0: np.ndarray, deterministic: bool,
              maxiter: int = 200) -> np.ndarray:
    """MAP hyperparameters by L-BFGS-B from ``theta0`` (``theta0`` itself if the fit fails)."""
    d = space.dim
    stack = sq_dist_stack(Features(space, x))
    bounds = [_LS_BOUNDS] * d + [_SIGNAL_BOUNDS, _NOISE_BOUNDS]
    lo, hi = np.array(bounds).T
    theta0 = np.clip(theta0, lo, hi)
    if deterministic:
        theta0[d + 1] = math.log(DETERMINISTIC_NOISE)
    try:
        with np.errstate(all="ignore"):
            result = optimize.minimize(
                _neg_log_posterior, theta0, args=(stack, y, deterministic), jac=True, method="L-BFGS-B",
                bounds=bounds, options={"maxiter": maxiter},
            )
    except (ValueError, FloatingPointError, linalg.LinAlgError):
        return theta0
    return result.x if np.all(np.isfinite(result.x)) else theta0


class GaussianProcess:
    """A fitted GP: posterior mean and variance of the latent function at new points, batched.

    Args:
        space: The encoded space.
        x: Encoded training inputs ``(n, d)``.
        y: Standardized training outputs ``(n,)``.
        theta: Hyperparameters (see the module docstring).
        deterministic: Use the fixed tiny noise of a deterministic objective.
    """

    def __init__(self, space: EncodedSpace, x: np.ndarray, y: np.ndarray, theta: np.ndarray,
                 deterministic: bool = False) -> None:
        d = space.dim
        self.space = space
        self.theta = np.asarray(theta, dtype=float)
        self.x, self.y = x, y
        self.deterministic = deterministic
        self._train = Features(space, x)
        self._w = np.exp(-2.0 * self.theta[:d])
        self.signal = math.exp(self.theta[d])
        self.noise = (DETERMINISTIC_NOISE if deterministic else math.exp(self.theta[d + 1])) + MIN_NOISE
        r2 = np.tensordot(self._w, sq_dist_stack(self._train), axes=1)
        k = self.signal * matern52(r2)[0]
        k[np.diag_indices(len(x))] += self.noise
        self._chol = _cholesky(k)
        self._alpha = linalg.cho_solve((self._chol, True), y, check_finite=False)

    def believe(self, x: np.ndarray) -> GaussianProcess:
        """This GP with observations at ``x`` equal to its posterior mean there (itself if ``x`` is empty)."""
        if not len(x):
            return self
        mean, _ = self.posterior(x)
        return GaussianProcess(self.space, np.concatenate([self.x, x]), np.concatenate([self.y, mean]), self.theta,
                               self.deterministic)

    def posterior(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Mean and variance ``(m,)`` at encoded points ``x (m, d)``."""
        q = Features(self.space, x)
        k = self.signal * matern52(cross_r2(q, self._train, self._w, exact=False))[0]
        mean = k @ self._alpha
        v = linalg.solve_triangular(self._chol, k.T, lower=True, check_finite=False)
        var = self.signal - np.sum(v * v, axis=0)
        return mean, np.maximum(var, 1e-20)

    def posterior_grad(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Mean, variance and their gradients ``(m, d)`` with respect to the numeric coordinates.

        Gradients of absent and categorical coordinates are zero. The variance goes through
        triangular solves, not ``K^-1``: near the data it is a small difference of large
        numbers, which an explicit inverse of an ill-conditioned ``K`` would swamp.
        """
        q = Features(self.space, x)
        m, slope = matern52(cross_r2(q, self._train, self._w, exact=True))
        k = self.signal * m
        v = linalg.solve_triangular(self._chol, k.T, lower=True, check_finite=False)
        kk = linalg.solve_triangular(self._chol, v, lower=True, trans="T", check_finite=False).T  # K^-1 k
        mean = k @ self._alpha
        var = self.signal - np.sum(v * v, axis=0)
        g = self.signal * slope  # dk/dr2
        wn = self._w[q.numeric_dims]
        coeff = np.stack([g * self._alpha, -2.0 * g * kk])  # (2, m, n): d mean/dk, d var/dk times dk/dr2
        xt = self._train.values
        grads = 2.0 * wn * (coeff.sum(-1)[..., None] * q.values - coeff @ xt)  # (2, m, p)
        grads = np.where(q.absent, 0.0, grads)
        full = np.zeros((2, len(x), self.space.dim))
        full[:, :, q.numeric_dims] = grads
        clamped = var <= 1e-20
        full[1][clamped] = 0.0
        return mean, np.maximum(var, 1e-20), full[0], full[1]
