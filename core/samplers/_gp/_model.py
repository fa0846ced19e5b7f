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

    Shapes: ``a (..., n, d)``, ``b (m, d)`` -> ``(..., n, m)``. Numeric dimensions use the
    Gram-matrix identity (one matrix product); categorical ones a broadcast comparison.
    """
    th = torch()
    numeric = ~categorical
    w = th.where(numeric, inv_ls2, th.zeros_like(inv_ls2)).sqrt()
    sa, sb = a * w, b * w
    r2 = (sa * sa).sum(-1).unsqueeze(-1) + (sb * sb).sum(-1) - 2.0 * sa @ sb.T
    r2 = r2.clamp_min(0.0)
    if bool(categorical.any()):
        idx = th.nonzero(categorical).squeeze(-1)
        differ = (a[..., idx].unsqueeze(-2) != b[:, idx]).to(r2.dtype)
        r2 = r2 + (differ * inv_ls2[idx]).sum(-1)
    return r2


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
        k = k + (noise + MIN_NOISE) * th.eye(len(x), dtype=th.float64)
        self._chol = _robust_cholesky(k)
        y_t = th.as_tensor(y, dtype=th.float64).unsqueeze(-1)
        self._alpha = th.cholesky_solve(y_t, self._chol).squeeze(-1)
        self._k_inv = th.cholesky_inverse(self._chol)

    def posterior(self, x: Any) -> tuple[Any, Any]:
        """Mean and variance at ``x`` (a float64 tensor ``(..., d)``), differentiable."""
        kx = self._signal * _matern52(scaled_sq_dist(x, self._x, self._inv_ls2, self._cat))
        mean = kx @ self._alpha
        var = self._signal - ((kx @ self._k_inv) * kx).sum(-1)
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


def _log_prior_and_grad(theta: np.ndarray, d: int, deterministic: bool) -> tuple[float, np.ndarray]:
    """Log prior of the hyperparameters and its gradient.

    Log-normal lengthscales whose median grows with sqrt(d) (robust in high dimension), a
    log-normal signal variance around 1 and a log-normal noise variance favouring small noise.
    """
    mu_ls = math.sqrt(2.0) * 0.5 + 0.5 * math.log(d)
    log_ls, log_signal, log_noise = theta[:d], theta[d], theta[d + 1]
    value = -0.5 * float(np.sum((log_ls - mu_ls) ** 2)) / 3.0 - 0.5 * log_signal**2
    grad = np.zeros_like(theta)
    grad[:d] = -(log_ls - mu_ls) / 3.0
    grad[d] = -log_signal
    if not deterministic:
        value -= 0.5 * ((log_noise + 6.0) / 2.0) ** 2
        grad[d + 1] = -(log_noise + 6.0) / 4.0
    return value, grad


def _neg_log_posterior(
    theta: np.ndarray, x: np.ndarray, y: np.ndarray, onehots: list[np.ndarray], categorical: np.ndarray,
    deterministic: bool,
) -> tuple[float, np.ndarray]:
    """Negative (log marginal likelihood + log prior) and its analytic gradient (numpy).

    With ``A = alpha alpha^T - K^-1``, ``d(-log ML)/d theta = -tr(A dK/d theta) / 2``; the
    lengthscale terms reduce to matrix products, so no ``(n, n, d)`` tensor is formed.
    """
    scipy_linalg = require("scipy.linalg", extra="gp", feature="GPSampler")
    n, d = x.shape
    w = np.exp(-2.0 * theta[:d])
    signal = math.exp(theta[d])
    noise = (_DETERMINISTIC_NOISE if deterministic else math.exp(theta[d + 1])) + MIN_NOISE
    numeric = ~categorical
    xs = x[:, numeric] * np.sqrt(w[numeric])
    sq = np.sum(xs * xs, axis=1)
    r2 = np.maximum(sq[:, None] + sq[None, :] - 2.0 * xs @ xs.T, 0.0)
    for j, onehot in zip(np.flatnonzero(categorical), onehots):
        r2 += w[j] * (1.0 - onehot @ onehot.T)
    r = np.sqrt(r2)
    e = np.exp(-_SQRT5 * r)
    m = (1.0 + _SQRT5 * r + (5.0 / 3.0) * r2) * e
    k = signal * m
    k[np.diag_indices(n)] += noise
    try:
        chol = scipy_linalg.cholesky(k, lower=True, check_finite=False)
    except np.linalg.LinAlgError:
        k[np.diag_indices(n)] += 1e-6
        chol = scipy_linalg.cholesky(k, lower=True, check_finite=False)
    alpha = scipy_linalg.cho_solve((chol, True), y, check_finite=False)
    k_inv, info = scipy_linalg.lapack.dpotri(chol, lower=1)
    if info != 0:
        k_inv = scipy_linalg.cho_solve((chol, True), np.eye(n), check_finite=False)
    else:
        k_inv = np.tril(k_inv) + np.tril(k_inv, -1).T
    nll = 0.5 * float(y @ alpha) + float(np.sum(np.log(np.diag(chol)))) + 0.5 * n * math.log(2 * math.pi)
    a = np.outer(alpha, alpha) - k_inv
    grad = np.zeros(d + 2)
    grad[d] = -0.5 * signal * float(np.sum(a * m))
    if not deterministic:
        grad[d + 1] = -0.5 * (noise - MIN_NOISE) * float(np.trace(a))
    # dK/dlog l_j = signal * m'(r2) * (-2 w_j D_j), m'(r2) = -5/6 (1 + sqrt5 r) e^{-sqrt5 r}
    b = a * (signal * (-5.0 / 6.0) * (1.0 + _SQRT5 * r) * e)
    row = b.sum(axis=1)
    xn = x[:, numeric]
    grad_num = 2.0 * (xn * xn).T @ row - 2.0 * np.sum(xn * (b @ xn), axis=0)
    grad[np.flatnonzero(numeric)] = w[numeric] * grad_num
    for j, onehot in zip(np.flatnonzero(categorical), onehots):
        grad[j] = w[j] * (float(row.sum()) - float(np.sum(onehot * (b @ onehot))))
    log_prior, prior_grad = _log_prior_and_grad(theta, d, deterministic)
    return nll - log_prior, grad - prior_grad


def fit_theta(
    x: np.ndarray, y: np.ndarray, categorical: np.ndarray, theta0: np.ndarray, deterministic: bool, maxiter: int
) -> np.ndarray:
    """MAP hyperparameters by L-BFGS-B from ``theta0``; falls back to ``theta0`` on failure."""
    scipy_optimize = require("scipy.optimize", extra="gp", feature="GPSampler")
    d = x.shape[1]
    categorical = np.asarray(categorical, dtype=bool)
    onehots = [
        (x[:, j][:, None] == np.unique(x[:, j])[None, :]).astype(float) for j in np.flatnonzero(categorical)
    ]

    def fun(theta: np.ndarray) -> tuple[float, np.ndarray]:
        return _neg_log_posterior(theta, x, y, onehots, categorical, deterministic)

    bounds = [(math.log(1e-3), math.log(1e3))] * d + [(math.log(1e-2), math.log(1e2)), (math.log(1e-8), math.log(1.0))]
    theta0 = np.clip(theta0, [b[0] for b in bounds], [b[1] for b in bounds])
    try:
        result = scipy_optimize.minimize(
            fun, theta0, jac=True, method="L-BFGS-B", bounds=bounds, options={"maxiter": maxiter, "ftol": 1e-7}
        )
    except (RuntimeError, ValueError, FloatingPointError, np.linalg.LinAlgError):
        return theta0
    theta = result.x if np.all(np.isfinite(result.x)) else theta0
    if deterministic:
        theta = theta.copy()
        theta[d + 1] = math.log(_DETERMINISTIC_NOISE)
    return theta
