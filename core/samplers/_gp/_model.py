"""A Gaussian process with a Matérn-5/2 ARD kernel, MAP hyperparameters and a cached Cholesky.

Inputs are the encoded vectors of :mod:`._space` (numeric coordinates in ``[0, 1]``,
categorical ones compared for equality); outputs are standardized by the caller.
Hyperparameters ``theta = [log lengthscales (d), log signal variance, log noise variance]``
are fitted by maximizing the log marginal likelihood plus log priors with scipy's L-BFGS-B,
gradients by torch autograd, warm-started from the previous fit of the same study.
"""

from __future__ import annotations

import contextlib
import math
from typing import Any, Iterator

import numpy as np

from albacore._imports import require

_SQRT5 = math.sqrt(5.0)
MIN_NOISE = 1e-6
_DETERMINISTIC_NOISE = 1e-6


def torch() -> Any:
    """The torch module, imported on first use."""
    return require("torch", extra="torch", feature="GPSampler")


@contextlib.contextmanager
def few_threads(n: int = 1) -> Iterator[None]:
    """Run torch on ``n`` threads inside the block (small matrices: threads cost more than they gain)."""
    th = torch()
    previous = th.get_num_threads()
    if previous != n:
        th.set_num_threads(n)
    try:
        with _blas_limit(n):
            yield
    finally:
        if previous != n:
            th.set_num_threads(previous)


_CONTROLLER: list[Any] = []


def _blas_limit(n: int) -> contextlib.AbstractContextManager:
    """Limit the BLAS threads scipy's L-BFGS-B uses, when threadpoolctl is installed."""
    if not _CONTROLLER:
        try:
            from threadpoolctl import ThreadpoolController
        except ImportError:
            _CONTROLLER.append(None)
        else:
            _CONTROLLER.append(ThreadpoolController())
    controller = _CONTROLLER[0]
    if controller is None:
        return contextlib.nullcontext()
    return controller.limit(limits=n, user_api="blas")


def _matern52(r2: Any) -> Any:
    """Matérn-5/2 correlation of squared scaled distances, with a gradient finite at 0."""
    th = torch()
    r = th.sqrt(r2.clamp_min(1e-30))
    return (1.0 + _SQRT5 * r + (5.0 / 3.0) * r2) * th.exp(-_SQRT5 * r)


def scaled_sq_dist(a: Any, b: Any, inv_ls2: Any, categorical: Any) -> Any:
    """Squared distances ``sum_k w_k (a_k - b_k)^2`` (equality test for categorical dims).

    Shapes: ``a (..., n, d)``, ``b (m, d)`` -> ``(..., n, m)``.
    """
    diff = a.unsqueeze(-2) - b
    sq = diff * diff
    if bool(categorical.any()):
        sq = torch().where(categorical, (diff != 0).to(sq.dtype), sq)
    return (sq * inv_ls2).sum(-1)


class GaussianProcess:
    """A fitted GP: posterior mean and variance at new points, batched.

    Args:
        x: Encoded training inputs, shape ``(n, d)``.
        y: Standardized training outputs, shape ``(n,)``.
        categorical: Boolean mask of categorical dimensions, shape ``(d,)``.
        theta: Hyperparameters (see the module docstring).
    """

    def __init__(self, x: np.ndarray, y: np.ndarray, categorical: np.ndarray, theta: np.ndarray) -> None:
        th = torch()
        self.theta = np.asarray(theta, dtype=float)
        self._x = th.as_tensor(x, dtype=th.float64)
        self._cat = th.as_tensor(categorical, dtype=th.bool)
        d = x.shape[1]
        self._inv_ls2 = th.exp(-2.0 * th.as_tensor(self.theta[:d], dtype=th.float64))
        self._signal = float(np.exp(self.theta[d]))
        noise = float(np.exp(self.theta[d + 1]))
        k = self._signal * _matern52(scaled_sq_dist(self._x, self._x, self._inv_ls2, self._cat))
        k = k + (noise + 1e-9) * th.eye(len(x), dtype=th.float64)
        self._chol = _robust_cholesky(k)
        y_t = th.as_tensor(y, dtype=th.float64).unsqueeze(-1)
        self._alpha = th.cholesky_solve(y_t, self._chol).squeeze(-1)

    def posterior(self, x: Any) -> tuple[Any, Any]:
        """Mean and variance at ``x`` (a float64 tensor ``(..., d)``), differentiable."""
        th = torch()
        kx = self._signal * _matern52(scaled_sq_dist(x, self._x, self._inv_ls2, self._cat))
        mean = kx @ self._alpha
        flat = kx.reshape(-1, kx.shape[-1]).T
        v = th.linalg.solve_triangular(self._chol, flat, upper=False)
        var = self._signal - (v * v).sum(0).reshape(kx.shape[:-1])
        return mean, var.clamp_min(1e-12)


def _robust_cholesky(k: Any) -> Any:
    th = torch()
    jitter = 0.0
    for _ in range(6):
        chol, info = th.linalg.cholesky_ex(k + jitter * th.eye(k.shape[0], dtype=k.dtype))
        if int(info) == 0:
            return chol
        jitter = 1e-8 if jitter == 0.0 else jitter * 10.0
    return th.linalg.cholesky(k + 1e-3 * th.eye(k.shape[0], dtype=k.dtype))


def default_theta(d: int) -> np.ndarray:
    """The prior mode-ish starting point of the hyperparameter fit."""
    return np.concatenate([np.full(d, math.log(0.5) + 0.5 * math.log(max(d, 1)) * 0.5), [0.0, math.log(1e-2)]])


def _neg_log_posterior(theta: Any, x: Any, y: Any, cat: Any, deterministic: bool) -> Any:
    """Negative (log marginal likelihood + log prior) of the hyperparameters."""
    th = torch()
    n, d = x.shape
    log_ls, log_signal, log_noise = theta[:d], theta[d], theta[d + 1]
    if deterministic:
        log_noise = th.tensor(math.log(_DETERMINISTIC_NOISE), dtype=th.float64)
    noise = th.exp(log_noise) + MIN_NOISE
    k = th.exp(log_signal) * _matern52(scaled_sq_dist(x, x, th.exp(-2.0 * log_ls), cat))
    k = k + noise * th.eye(n, dtype=th.float64)
    chol, info = th.linalg.cholesky_ex(k)
    if int(info) != 0:
        chol = th.linalg.cholesky(k + 1e-6 * th.eye(n, dtype=th.float64))
    alpha = th.cholesky_solve(y.unsqueeze(-1), chol).squeeze(-1)
    log_ml = -0.5 * (y * alpha).sum() - th.log(th.diagonal(chol)).sum() - 0.5 * n * math.log(2 * math.pi)
    # Priors: log-normal lengthscales whose median grows with sqrt(d) (robust in high
    # dimension), log-normal signal variance around 1, log-normal noise favouring small noise.
    mu_ls = math.sqrt(2.0) * 0.5 + 0.5 * math.log(d)
    log_prior = -0.5 * (((log_ls - mu_ls) / math.sqrt(3.0)) ** 2).sum()
    log_prior = log_prior - 0.5 * (log_signal / 1.0) ** 2
    if not deterministic:
        log_prior = log_prior - 0.5 * ((log_noise + 6.0) / 2.0) ** 2
    return -(log_ml + log_prior)


def fit_theta(
    x: np.ndarray, y: np.ndarray, categorical: np.ndarray, theta0: np.ndarray, deterministic: bool, maxiter: int
) -> np.ndarray:
    """MAP hyperparameters by L-BFGS-B from ``theta0``; falls back to ``theta0`` on failure."""
    th = torch()
    scipy_optimize = require("scipy.optimize", extra="gp", feature="GPSampler")
    x_t = th.as_tensor(x, dtype=th.float64)
    y_t = th.as_tensor(y, dtype=th.float64)
    cat_t = th.as_tensor(categorical, dtype=th.bool)
    d = x.shape[1]

    def fun(theta: np.ndarray) -> tuple[float, np.ndarray]:
        t = th.tensor(theta, dtype=th.float64, requires_grad=True)
        loss = _neg_log_posterior(t, x_t, y_t, cat_t, deterministic)
        (grad,) = th.autograd.grad(loss, t)
        return float(loss.detach()), grad.numpy().copy()

    bounds = [(math.log(1e-3), math.log(1e3))] * d + [(math.log(1e-2), math.log(1e2)), (math.log(1e-8), math.log(1.0))]
    theta0 = np.clip(theta0, [b[0] for b in bounds], [b[1] for b in bounds])
    try:
        result = scipy_optimize.minimize(
            fun, theta0, jac=True, method="L-BFGS-B", bounds=bounds, options={"maxiter": maxiter}
        )
    except (RuntimeError, ValueError, FloatingPointError):
        return theta0
    theta = result.x if np.all(np.isfinite(result.x)) else theta0
    if deterministic:
        theta = theta.copy()
        theta[d + 1] = math.log(_DETERMINISTIC_NOISE)
    return theta
