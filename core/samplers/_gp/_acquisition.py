"""Acquisition functions on GP posteriors, batched over candidates (torch, differentiable).

All objectives are minimized in standardized units. The acquisition is a log quantity:
``log EI`` (single objective) or ``log EHVI`` (several objectives), plus ``log P(feasible)``
per constraint.
"""

from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

from albacore.samplers._gp._model import GaussianProcess, torch

_LOG_SQRT_2PI = 0.5 * math.log(2 * math.pi)
_SQRT_HALF_PI = math.sqrt(math.pi / 2)
_INV_SQRT2 = 1.0 / math.sqrt(2.0)


def log_h(z: Any) -> Any:
    """``log(z * Phi(z) + phi(z))``, accurate for very negative ``z`` too."""
    th = torch()
    log_phi = -0.5 * z * z - _LOG_SQRT_2PI
    # For z <= 0: h = phi(z) * (1 + z * sqrt(pi/2) * erfcx(-z / sqrt 2)), no underflow.
    z_neg = z.clamp_max(0.0)
    inner = 1.0 + z_neg * _SQRT_HALF_PI * th.special.erfcx(-z_neg * _INV_SQRT2)
    small = log_phi + th.log(inner.clamp_min(1e-300))
    # Far in the tail the bracket loses precision; its asymptote is 1 / z^2.
    tail = log_phi - 2.0 * th.log((-z).clamp_min(1.0))
    neg = th.where(z < -25.0, tail, small)
    z_pos = z.clamp_min(0.0)
    pos = th.log(z_pos * th.special.ndtr(z_pos) + th.exp(-0.5 * z_pos * z_pos - _LOG_SQRT_2PI))
    return th.where(z > 0, pos, neg)


class Acquisition:
    """``log EI`` or ``log EHVI`` plus ``log P(feasible)`` at a batch of encoded points.

    Args:
        objectives: One fitted GP per objective (standardized, minimized).
        best: Incumbent (single objective) of the feasible trials, or None when no trial is
            feasible yet.
        pareto: Feasible Pareto front ``(k, m)`` in standardized units (several objectives).
        ref_point: Reference point ``(m,)`` of the hypervolume (several objectives).
        constraints: GPs of the standardized constraint values, with the standardized
            threshold (0 in original units) of each.
    """

    def __init__(
        self,
        objectives: Sequence[GaussianProcess],
        best: float | None,
        pareto: np.ndarray | None = None,
        ref_point: np.ndarray | None = None,
        constraints: Sequence[tuple[GaussianProcess, float]] = (),
    ) -> None:
        self._objectives = list(objectives)
        self._best = best
        self._constraints = list(constraints)
        self._boxes: tuple[Any, Any] | None = None
        if len(self._objectives) > 1 and pareto is not None and ref_point is not None:
            lower, upper = box_decomposition(pareto, ref_point)
            th = torch()
            self._boxes = (th.as_tensor(lower, dtype=th.float64), th.as_tensor(upper, dtype=th.float64))

    def __call__(self, x: Any) -> Any:
        """Acquisition values at ``x`` (float64 tensor ``(n, d)``) -> ``(n,)``."""
        th = torch()
        value = th.zeros(x.shape[0], dtype=th.float64)
        if self._best is not None and len(self._objectives) == 1:
            mean, var = self._objectives[0].posterior(x)
            sd = var.sqrt()
            value = value + log_h((self._best - mean) / sd) + th.log(sd)
        elif self._boxes is not None:
            value = value + self._log_ehvi(x)
        for gp, threshold in self._constraints:
            mean, var = gp.posterior(x)
            value = value + th.special.log_ndtr((threshold - mean) / var.sqrt())
        return value

    def _log_ehvi(self, x: Any) -> Any:
        """Exact expected hypervolume improvement for independent Gaussian objectives.

        The region a new point can add is a union of disjoint boxes ``[l, u]``; the volume
        it adds inside a box is ``prod_j (u_j - max(l_j, y_j))_+``, whose expectation
        factorizes over independent objectives, each factor in closed form.
        """
        th = torch()
        assert self._boxes is not None
        lower, upper = self._boxes  # (B, m), lower may be -inf
        means, sds = [], []
        for gp in self._objectives:
            mean, var = gp.posterior(x)
            means.append(mean)
            sds.append(var.sqrt())
        mu = th.stack(means, -1).unsqueeze(-2)  # (n, 1, m)
        sd = th.stack(sds, -1).unsqueeze(-2)
        b = (upper - mu) / sd
        a = (lower - mu) / sd
        cdf_b, pdf_b = th.special.ndtr(b), th.exp(-0.5 * b * b - _LOG_SQRT_2PI)
        finite = th.isfinite(lower)
        a = th.where(finite, a, th.full_like(a, -40.0))
        cdf_a, pdf_a = th.special.ndtr(a), th.exp(-0.5 * a * a - _LOG_SQRT_2PI)
        width = th.where(finite, upper - lower, th.zeros_like(upper))
        # E[(u - max(l, Y))_+] = (u-l) P(Y<=l) + E[(u-Y) 1{l<Y<u}]
        factor = width * cdf_a + (upper - mu) * (cdf_b - cdf_a) + sd * (pdf_b - pdf_a)
        ehvi = factor.clamp_min(0.0).prod(-1).sum(-1)
        return th.log(ehvi.clamp_min(1e-300))


def box_decomposition(pareto: np.ndarray, ref_point: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Disjoint boxes covering the region below ``ref_point`` not dominated by ``pareto``.

    Cells of the grid spanned by the front's coordinates are grouped along the last
    objective: with the other coordinates fixed, the non-dominated cells form one interval
    from ``-inf`` up to the lowest last coordinate of a front point that dominates the
    cell's corner. Gives ``(k+1)^(m-1)`` boxes for ``k`` points and ``m`` objectives.
    """
    pareto = pareto[np.all(pareto < ref_point, axis=1)]
    m = len(ref_point)
    if len(pareto) == 0:
        return np.full((1, m), -np.inf), ref_point[None, :].astype(float)
    edges = [np.concatenate([[-np.inf], np.unique(pareto[:, j]), [ref_point[j]]]) for j in range(m - 1)]
    grids = np.meshgrid(*[np.arange(len(e) - 1) for e in edges], indexing="ij")
    idx = np.stack([g.ravel() for g in grids], -1)  # (cells, m-1)
    low = np.stack([edges[j][idx[:, j]] for j in range(m - 1)], -1)
    high = np.stack([edges[j][idx[:, j] + 1] for j in range(m - 1)], -1)
    # Front points whose first m-1 coordinates are <= the cell's lower corner cap the interval.
    dominates = np.all(pareto[None, :, : m - 1] <= low[:, None, :], axis=-1)  # (cells, k)
    cap = np.where(dominates, pareto[None, :, m - 1], ref_point[m - 1]).min(axis=1)
    keep = cap > -np.inf
    lower = np.concatenate([low, np.full((len(low), 1), -np.inf)], axis=1)[keep]
    upper = np.concatenate([high, cap[:, None]], axis=1)[keep]
    return lower, upper
