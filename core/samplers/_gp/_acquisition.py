"""Acquisition functions on GP posteriors, batched over candidates, with analytic gradients.

All objectives are minimized in standardized units. The acquisition is a log quantity:
``log EI`` (one objective) or ``log EHVI`` (several objectives), plus ``log P(feasible)``
per constraint. Every log is computed without underflow, so candidates far from any
improvement still have a finite value and a useful gradient.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy import special

from albacore.samplers._gp._model import GaussianProcess

_LOG_SQRT_2PI = 0.5 * math.log(2 * math.pi)
_SQRT_HALF_PI = math.sqrt(math.pi / 2)
_INV_SQRT2 = 1.0 / math.sqrt(2.0)
_TAIL = -30.0  # below this z, h(z)/phi(z) is taken from its asymptotic series


def log_h(z: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``log h(z)`` with ``h(z) = z Phi(z) + phi(z)``, and the ratios ``Phi/h`` and ``phi/h``.

    ``d log h / dz = Phi/h``. For ``z < 0``, ``h = phi * (1 + z q)`` with
    ``q = Phi/phi = sqrt(pi/2) erfcx(-z/sqrt 2)``, which neither underflows nor cancels
    until far in the tail, where ``1 + z q = z^-2 (1 - 3 z^-2 + 15 z^-4 - 105 z^-6 + ...)``.
    """
    z = np.asarray(z, dtype=float)
    log_phi = -0.5 * z * z - _LOG_SQRT_2PI
    zn = np.minimum(z, 0.0)
    q = _SQRT_HALF_PI * special.erfcx(-zn * _INV_SQRT2)
    inv2 = 1.0 / np.maximum(zn * zn, 1.0)
    series = inv2 * (1.0 + inv2 * (-3.0 + inv2 * (15.0 + inv2 * (-105.0 + inv2 * 945.0))))
    bracket = np.where(zn < _TAIL, series, 1.0 + zn * q)  # h / phi for z <= 0
    bracket = np.maximum(bracket, 1e-300)
    zp = np.maximum(z, 0.0)
    cdf_p = special.ndtr(zp)
    h_p = zp * cdf_p + np.exp(-0.5 * zp * zp - _LOG_SQRT_2PI)
    pos = z > 0
    value = np.where(pos, np.log(h_p), log_phi + np.log(bracket))
    r_cdf = np.where(pos, cdf_p / h_p, q / bracket)
    r_pdf = np.where(pos, np.exp(-0.5 * zp * zp - _LOG_SQRT_2PI) / h_p, 1.0 / bracket)
    return value, r_cdf, r_pdf


def _log_cdf(u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``log Phi(u)`` and its derivative ``phi(u)/Phi(u)``."""
    with np.errstate(over="ignore"):  # erfcx overflows to inf for large u, where the ratio is 0
        ratio = 1.0 / (_SQRT_HALF_PI * special.erfcx(-u * _INV_SQRT2))
    return special.log_ndtr(u), ratio


class Acquisition:
    """``log EI`` or ``log EHVI`` plus ``log P(feasible)`` at a batch of encoded points.

    Args:
        objectives: One fitted GP per objective (standardized, minimized).
        best: Incumbent of the feasible trials (one objective), or None when no trial is
            feasible yet (then only the feasibility terms count).
        boxes: ``(lower, upper)`` bounds ``(k, m)`` of disjoint boxes covering the region a
            new point can add to the hypervolume (several objectives; see
            :func:`box_decomposition`).
        constraints: GPs of the standardized constraint values, with the standardized
            threshold (0 in original units) of each.
    """

    def __init__(
        self,
        objectives: Sequence[GaussianProcess],
        best: float | None,
        boxes: tuple[np.ndarray, np.ndarray] | None = None,
        constraints: Sequence[tuple[GaussianProcess, float]] = (),
    ) -> None:
        self.objectives = list(objectives)
        self.best = best
        self.boxes = boxes
        self.constraints = list(constraints)

    def _uses_objectives(self) -> bool:
        return (len(self.objectives) == 1 and self.best is not None) or (
            len(self.objectives) > 1 and self.boxes is not None
        )

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """Acquisition values at encoded points ``x (n, d)`` -> ``(n,)``."""
        value = np.zeros(len(x))
        if self._uses_objectives():
            stats = [gp.posterior(x) for gp in self.objectives]
            means = np.stack([s[0] for s in stats], -1)
            sds = np.sqrt(np.stack([s[1] for s in stats], -1))
            value += self._objective_terms(means, sds)[0]
        for gp, threshold in self.constraints:
            mean, var = gp.posterior(x)
            value += _log_cdf((threshold - mean) / np.sqrt(var))[0]
        return value

    def value_and_grad(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Values ``(n,)`` and gradients ``(n, d)`` with respect to the numeric coordinates."""
        value = np.zeros(len(x))
        grad = np.zeros(x.shape)
        if self._uses_objectives():
            stats = [gp.posterior_grad(x) for gp in self.objectives]
            means = np.stack([s[0] for s in stats], -1)
            sds = np.sqrt(np.stack([s[1] for s in stats], -1))
            v, d_mean, d_sd = self._objective_terms(means, sds)
            value += v
            for j, (_, _, g_mean, g_var) in enumerate(stats):
                grad += d_mean[:, j, None] * g_mean + (d_sd[:, j] / (2.0 * sds[:, j]))[:, None] * g_var
        for gp, threshold in self.constraints:
            mean, var, g_mean, g_var = gp.posterior_grad(x)
            sd = np.sqrt(var)
            u = (threshold - mean) / sd
            v, ratio = _log_cdf(u)
            value += v
            grad += (-ratio / sd)[:, None] * g_mean + (-ratio * u / sd / (2.0 * sd))[:, None] * g_var
        return value, grad

    def _objective_terms(self, means: np.ndarray, sds: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Log EI / log EHVI and its derivatives with respect to the means and sds ``(n, m)``."""
        if len(self.objectives) == 1:
            mean, sd = means[:, 0], sds[:, 0]
            z = (self.best - mean) / sd
            lh, r_cdf, r_pdf = log_h(z)
            return lh + np.log(sd), (-r_cdf / sd)[:, None], (r_pdf / sd)[:, None]
        assert self.boxes is not None
        return log_ehvi(means, sds, *self.boxes)


def log_ehvi(means: np.ndarray, sds: np.ndarray, lower: np.ndarray,
             upper: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Exact log expected hypervolume improvement for independent Gaussian objectives.

    Inside a box ``[l, u]`` a point ``y`` adds ``prod_j (u_j - max(l_j, y_j))_+``, whose
    expectation factorizes over objectives; each factor is
    ``E[(u - max(l, Y))_+] = sd * (h(b) - h(a))`` with ``a, b = (l - mu)/sd, (u - mu)/sd``,
    computed in log space. Returns values ``(n,)`` and derivatives by mean and sd ``(n, m)``.
    """
    mu, sd = means[:, None, :], sds[:, None, :]  # (n, 1, m) against boxes (k, m)
    b = (upper - mu) / sd
    finite = np.isfinite(lower)
    a = np.where(finite, (np.where(finite, lower, 0.0) - mu) / sd, -np.inf)
    lh_b, rc_b, rp_b = log_h(b)
    a_safe = np.where(finite, a, 0.0)
    lh_a, rc_a, rp_a = log_h(a_safe)
    rho = np.where(finite, np.exp(np.minimum(lh_a - lh_b, 0.0)), 0.0)
    one_minus = np.maximum(1.0 - rho, 1e-300)
    log_factor = np.log(sd) + lh_b + np.log(one_minus)
    d_mu = -(rc_b - np.where(finite, rc_a, 0.0) * rho) / (sd * one_minus)
    d_sd = (rp_b - np.where(finite, rp_a, 0.0) * rho) / (sd * one_minus)
    log_box = log_factor.sum(-1)  # (n, k)
    top = log_box.max(axis=1, keepdims=True)
    weights = np.exp(log_box - top)
    total = weights.sum(axis=1, keepdims=True)
    value = (top + np.log(total))[:, 0]
    weights /= total
    return value, np.einsum("nk,nkm->nm", weights, d_mu), np.einsum("nk,nkm->nm", weights, d_sd)


def box_decomposition(pareto: np.ndarray, ref_point: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Disjoint boxes ``(lower, upper)`` covering the region below ``ref_point`` not dominated by ``pareto``.

    Two objectives: one box per gap of the staircase. Three: a sweep along the third
    objective (:func:`_sweep_boxes_3d`), ``O(k)`` boxes for ``k`` points. More: the grid
    of the front's coordinates (:func:`_grid_boxes`) on at most ``_MAX_GRID_POINTS`` points
    of the front (the others are ignored, which only enlarges the improvement region).
    """
    pareto = pareto[np.all(pareto < ref_point, axis=1)]
    m = len(ref_point)
    if len(pareto) == 0:
        return np.full((1, m), -np.inf), ref_point[None, :].astype(float)
    if m == 3:
        return _sweep_boxes_3d(pareto, ref_point)
    if m > 3 and len(pareto) > _MAX_GRID_POINTS:
        pareto = pareto[np.argsort(pareto.sum(axis=1))[:_MAX_GRID_POINTS]]
    return _grid_boxes(pareto, ref_point)


_MAX_GRID_POINTS = 12


def _staircase_boxes(front: list[tuple[float, float]], ref: np.ndarray) -> set[tuple[float, float, float]]:
    """2-D boxes ``(x_low, x_high, y_high)`` (y from -inf) not dominated by a sorted staircase."""
    boxes, x_low, y_high = set(), -np.inf, float(ref[1])
    for x, y in front:
        boxes.add((x_low, x, y_high))
        x_low, y_high = x, y
    boxes.add((x_low, float(ref[0]), y_high))
    return boxes


def _sweep_boxes_3d(pareto: np.ndarray, ref: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sweep the front by the third objective, keeping the 2-D staircase of the points passed.

    Between consecutive third coordinates, the region not dominated is the 2-D region not
    dominated by the staircase, extruded; a 2-D box that survives an insertion is extended
    instead of split, so each point opens and closes O(1) boxes amortized.
    """
    order = np.argsort(pareto[:, 2], kind="stable")
    stair: list[tuple[float, float]] = []  # x ascending, y descending
    open_boxes = {box: -np.inf for box in _staircase_boxes(stair, ref)}
    lower, upper = [], []
    for i in order:
        x, y, z = (float(v) for v in pareto[i])
        if any(px <= x and py <= y for px, py in stair):
            continue  # dominated in the projection: changes nothing
        stair = sorted([(px, py) for px, py in stair if not (x <= px and y <= py)] + [(x, y)])
        boxes = _staircase_boxes(stair, ref)
        for box in [b for b in open_boxes if b not in boxes]:
            z_low = open_boxes.pop(box)
            if z_low < z:
                lower.append((box[0], -np.inf, z_low))
                upper.append((box[1], box[2], z))
        for box in boxes:
            open_boxes.setdefault(box, z)
    for box, z_low in open_boxes.items():
        lower.append((box[0], -np.inf, z_low))
        upper.append((box[1], box[2], float(ref[2])))
    return np.array(lower, dtype=float), np.array(upper, dtype=float)


def _grid_boxes(pareto: np.ndarray, ref_point: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cells of the grid spanned by the front's coordinates, grouped along the last objective.

    With the other coordinates fixed, the non-dominated cells form one interval from
    ``-inf`` up to the lowest last coordinate of a front point that dominates the cell's
    corner: ``(k+1)^(m-1)`` boxes for ``k`` points and ``m`` objectives.
    """
    m = len(ref_point)
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
