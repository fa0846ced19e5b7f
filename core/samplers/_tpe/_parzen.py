"""Parzen estimators: weighted mixtures of truncated Gaussians (numeric dimensions) and
smoothed one-hot kernels (categorical dimensions) on the unit cube of a :class:`SpaceCodec`.

One kernel per observation, plus an optional *prior* kernel (centred, as wide as the
space, uniform over categories) that keeps some mass everywhere. Kernels are products over
dimensions, so the same class serves univariate estimators (one dimension) and
multivariate ones (all dimensions, modelling how good values co-occur).

Bandwidths:

* ``"scott"`` (multivariate): every kernel of a dimension shares the width
  ``std * n ** (-1 / (d + 4))`` of the weighted observations, so the model tightens as the
  good points concentrate and stays wide while they disagree.
* ``"neighbor"`` (univariate): each kernel is as wide as the larger gap to its sorted
  neighbours, which adapts to local density.

Both are clipped to ``[1 / min(100, n + 1), 1]`` of the unit interval.
"""

from __future__ import annotations

from typing import Any, cast

import numpy as np
from scipy.special import log_ndtr, ndtr, ndtri

from albacore.samplers._tpe._space import SpaceCodec

_LOG_SQRT_2PI = 0.5 * np.log(2.0 * np.pi)
# Multiplier of Scott's rule for multivariate kernels (tuned with benchmarks/quality.py).
_SCOTT_SCALE = 1.0


def _log_gauss_mass(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``log(Phi(b) - Phi(a))`` for ``a <= b``, accurate in both tails."""
    flip = a > 0
    lo = np.where(flip, -b, a)
    hi = np.where(flip, -a, b)
    log_hi = log_ndtr(hi)
    with np.errstate(divide="ignore"):
        return cast(np.ndarray, log_hi + np.log1p(-np.exp(np.minimum(log_ndtr(lo) - log_hi, -1e-300))))


class ParzenEstimator:
    """A kernel density over a :class:`SpaceCodec`'s unit cube.

    Args:
        z: ``(n, n_numeric)`` observations' numeric coordinates in [0, 1].
        cats: ``(n, n_categorical)`` observations' choice indices.
        weights: ``(n,)`` positive observation weights.
        codec: The space encoding.
        prior_weight: Weight of the prior kernel relative to an average observation;
            None for no prior (one is used anyway when there are no observations).
        bandwidth: ``"scott"`` or ``"neighbor"`` (see the module docstring).
        consider_endpoints: With ``"neighbor"``, also count the interval ends as neighbours.
    """

    def __init__(
        self,
        z: np.ndarray,
        cats: np.ndarray,
        weights: np.ndarray,
        codec: SpaceCodec,
        *,
        prior_weight: float | None,
        bandwidth: str,
        consider_endpoints: bool = False,
    ) -> None:
        self.codec = codec
        n = len(z)
        w = np.asarray(weights, dtype=float)
        w = w / w.mean() if n else w
        use_prior = prior_weight is not None or n == 0
        pw = (prior_weight if prior_weight is not None else 1.0) if use_prior else 0.0
        all_w = np.append(w, pw) if use_prior else w
        self.log_w = np.log(all_w / all_w.sum())
        self.discrete = np.array([dim.step is not None for dim in codec.numeric], dtype=bool)
        self.mu, self.sigma = self._numeric_kernels(z, w, use_prior, bandwidth, consider_endpoints)
        # Kernel centres lie in [0, 1], so the truncation mass is at least one half: the
        # plain difference of normal CDFs is accurate.
        self.log_norm = np.log(ndtr((1.0 - self.mu) / self.sigma) - ndtr(-self.mu / self.sigma))
        self.cat_log_p, self._counts = self._categorical_kernels(cats, w, pw)

    # --- construction ------------------------------------------------------------------------
    def _numeric_kernels(
        self, z: np.ndarray, w: np.ndarray, use_prior: bool, bandwidth: str, consider_endpoints: bool
    ) -> tuple[np.ndarray, np.ndarray]:
        n, d = z.shape
        floor = 1.0 / min(100.0, n + 1.0)
        if n == 0:
            sigma = np.empty((0, d))
        elif bandwidth == "scott":
            p = w / w.sum()
            mean = p @ z
            std = np.sqrt(p @ (z - mean) ** 2)
            h = n ** (-1.0 / (self.codec.n_dims + 4))
            sigma = np.broadcast_to(np.clip(_SCOTT_SCALE * h * std, floor, 1.0), (n, d)).copy()
        else:
            sigma = _neighbor_bandwidth(z, use_prior, consider_endpoints, floor)
        mu = z
        if use_prior:
            mu = np.vstack([z, np.full((1, d), 0.5)])
            sigma = np.vstack([sigma, np.ones((1, d))])
        return mu, sigma

    def _categorical_kernels(
        self, cats: np.ndarray, w: np.ndarray, prior_weight: float
    ) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Per categorical dimension, the kernels' log probabilities of each choice and the
        weighted number of observations of each choice (prior included; no smoothing, and no
        sharing between choices at a small distance)."""
        n = len(cats)
        h = max(n, 1) ** (-1.0 / (self.codec.n_dims + 4))
        alpha = 0.5 * h * h
        result, counts = [], []
        for j, k in enumerate(self.codec.n_choices):
            dist = self.codec.distances[j]
            if dist is None:
                base = np.eye(k)[cats[:, j]]
            else:
                scale = dist.max() if dist.max() > 0 else 1.0
                logits = -0.5 * (dist[cats[:, j]] / (0.25 * scale)) ** 2
                base = np.exp(logits - logits.max(axis=1, keepdims=True))
                base /= base.sum(axis=1, keepdims=True)
            # Observation weights average one; the prior counts as prior_weight observations.
            counts.append(np.bincount(cats[:, j], weights=w, minlength=k) + prior_weight / k)
            probs = (1.0 - alpha) * base + alpha / k
            if prior_weight > 0:
                probs = np.vstack([probs, np.full((1, k), 1.0 / k)])
            result.append(np.log(probs))
        return result, counts

    # --- evaluation ------------------------------------------------------------------------
    def log_pdf(self, z: np.ndarray, cats: np.ndarray, edges: list[Any]) -> np.ndarray:
        """Log density (log probability mass for discrete dimensions) of candidates.

        Args:
            z: ``(m, n_numeric)`` candidates (on the grid for discrete dimensions).
            cats: ``(m, n_categorical)`` candidates' choice indices.
            edges: From :meth:`SpaceCodec.bin_edges`: bin edges of discrete dimensions.

        Returns:
            ``(m,)`` log densities.
        """
        m = len(z) if len(z) else len(cats)
        total = np.broadcast_to(self.log_w, (m, len(self.log_w))).copy()
        continuous = np.array([e is None for e in edges], dtype=bool)
        if continuous.any():
            # sum_d (z_d - mu_kd)^2 / sigma_kd^2 expanded into matrix products.
            mu, sigma, zc = self.mu[:, continuous], self.sigma[:, continuous], z[:, continuous]
            inv_var = 1.0 / (sigma * sigma)
            squared = (zc * zc) @ inv_var.T - 2.0 * zc @ (mu * inv_var).T + np.sum(mu * mu * inv_var, axis=1)
            const = np.sum(_LOG_SQRT_2PI + np.log(sigma) + self.log_norm[:, continuous], axis=1)
            total -= 0.5 * np.maximum(squared, 0.0) + const[None, :]
        for j in np.flatnonzero(~continuous).tolist():
            lo, hi = edges[j]
            a = (lo[:, None] - self.mu[None, :, j]) / self.sigma[None, :, j]
            b = (hi[:, None] - self.mu[None, :, j]) / self.sigma[None, :, j]
            total += _log_gauss_mass(a, b) - self.log_norm[None, :, j]
        for j, log_p in enumerate(self.cat_log_p):
            total += log_p[:, cats[:, j]].T
        top = total.max(axis=1, keepdims=True)
        top = np.where(np.isfinite(top), top, 0.0)
        return cast(np.ndarray, np.log(np.sum(np.exp(total - top), axis=1)) + top[:, 0])

    def choice_counts(self, j: int) -> np.ndarray:
        """Weighted number of observations of each choice of categorical dimension ``j``
        (weights average one), the prior's weight shared equally among the choices."""
        return self._counts[j]

    def sample(
        self, rng: np.random.Generator, size: int, choices: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Draw ``size`` points: ``(z, cats)`` arrays.

        With ``choices`` (one index per categorical dimension), every point takes those
        choices and its numeric coordinates are drawn from the density conditioned on them:
        kernels are picked in proportion to their weight times their probability of the
        choices.
        """
        log_w = self.log_w
        if choices is not None and len(choices):
            log_w = log_w + sum(log_p[:, c] for log_p, c in zip(self.cat_log_p, choices))
            log_w = log_w - np.logaddexp.reduce(log_w)
        kernels = rng.choice(len(log_w), size=size, p=np.exp(log_w))
        mu, sigma = self.mu[kernels], self.sigma[kernels]
        a, b = -mu / sigma, (1.0 - mu) / sigma
        flip = a > 0  # sample the mirrored tail for accuracy
        lo = ndtr(np.where(flip, -b, a))
        hi = ndtr(np.where(flip, -a, b))
        u = lo + rng.random(mu.shape) * (hi - lo)
        x = ndtri(np.clip(u, 1e-300, 1.0 - 1e-16))
        z = np.clip(mu + np.where(flip, -x, x) * sigma, 0.0, 1.0)
        cats = np.empty((size, len(self.cat_log_p)), dtype=int)
        if choices is not None:
            cats[:] = choices
            return z, cats
        for j, log_p in enumerate(self.cat_log_p):
            cdf = np.cumsum(np.exp(log_p[kernels]), axis=1)
            draws = rng.random((size, 1)) * cdf[:, -1:]
            cats[:, j] = np.minimum((cdf < draws).sum(axis=1), cdf.shape[1] - 1)
        return z, cats


def _neighbor_bandwidth(z: np.ndarray, use_prior: bool, consider_endpoints: bool, floor: float) -> np.ndarray:
    """Per kernel and dimension, the larger distance to the neighbouring observations."""
    n, d = z.shape
    sigma = np.empty((n, d))
    for j in range(d):
        points = z[:, j]
        extra = [0.5] if use_prior else []
        if consider_endpoints:
            extra += [0.0, 1.0]
        pool = np.sort(np.concatenate([points, extra]))
        pos = np.searchsorted(pool, points)
        # With duplicates, searchsorted finds the first copy; neighbours are the distinct
        # values just below and above.
        left = np.where(pos > 0, points - pool[np.maximum(pos - 1, 0)], np.nan)
        upper = np.searchsorted(pool, points, side="right")
        right = np.where(upper < len(pool), pool[np.minimum(upper, len(pool) - 1)] - points, np.nan)
        gap = np.fmax(left, right)
        gap = np.where(np.isnan(gap), 1.0, gap)
        sigma[:, j] = np.clip(gap, floor, 1.0)
    return sigma
