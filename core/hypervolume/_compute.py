"""Exact hypervolume for minimization problems.

The hypervolume of a point set is the measure of the region dominated by the points and
bounded by a reference point. Two objectives take an O(n log n) sweep, three a sweep over
slices of the third objective, and more the WFG recursion (exclusive volumes of limited
sets, with dominated points pruned at every level).
"""

from __future__ import annotations

import numpy as np

from albacore._moo import pareto_front_mask


def compute_hypervolume(loss_vals: np.ndarray, reference_point: np.ndarray, assume_pareto: bool = False) -> float:
    """Return the hypervolume dominated by ``loss_vals`` and bounded by ``reference_point``.

    All objectives are minimized. Points that do not strictly dominate the reference point
    in every objective add nothing.

    Args:
        loss_vals: ``(n_points, n_objectives)`` array of objective values.
        reference_point: ``(n_objectives,)`` array; the upper corner of the measured region.
        assume_pareto: Skip removing dominated points (pass True only when none are).

    Returns:
        The hypervolume (0.0 for an empty set).

    Raises:
        ValueError: If the shapes do not match or values are NaN.

    Example:
        .. code-block:: python

            import numpy as np
            from albacore.hypervolume import compute_hypervolume

            hv = compute_hypervolume(np.array([[1.0, 2.0], [2.0, 1.0]]), np.array([3.0, 3.0]))
            assert hv == 3.0
    """
    points, ref = _validate("compute_hypervolume", loss_vals, reference_point)
    points = points[np.all(points < ref, axis=1)]
    if len(points) == 0:
        return 0.0
    if not assume_pareto:
        points = points[pareto_front_mask(points)]
    return float(_hv(points, ref))


def hypervolume_contributions(loss_vals: np.ndarray, reference_point: np.ndarray) -> np.ndarray:
    """Return each point's exclusive contribution: the volume lost if it were removed.

    Dominated points, duplicates of another point and points outside the reference box
    contribute 0.

    Args:
        loss_vals: ``(n_points, n_objectives)`` array of objective values (minimization).
        reference_point: ``(n_objectives,)`` array.

    Returns:
        ``(n_points,)`` array of contributions.

    Raises:
        ValueError: If the shapes do not match or values are NaN.

    Example:
        .. code-block:: python

            contrib = hypervolume_contributions(np.array([[1.0, 2.0], [2.0, 1.0]]), np.array([3.0, 3.0]))
            # array([1., 1.])
    """
    points, ref = _validate("hypervolume_contributions", loss_vals, reference_point)
    result = np.zeros(len(points))
    inside = np.all(points < ref, axis=1)
    candidates = np.flatnonzero(inside)
    if len(candidates) == 0:
        return result
    sub = points[candidates]
    unique, index, counts = np.unique(sub, axis=0, return_index=True, return_counts=True)
    front = pareto_front_mask(unique) & (counts == 1)
    owners = candidates[index[front]]
    # Dominated points matter too: they cover part of a front point's box once it is gone.
    for owner, point in zip(owners, unique[front]):
        others = unique[np.any(unique != point, axis=1)]
        result[owner] = exclusive_hypervolume(point, others, ref)
    return result


def exclusive_hypervolume(point: np.ndarray, others: np.ndarray, reference_point: np.ndarray) -> float:
    """Volume dominated by ``point`` but by none of ``others`` (all inside the reference box)."""
    inclusive = float(np.prod(reference_point - point))
    if len(others) == 0:
        return inclusive
    limited = np.maximum(others, point)
    limited = limited[np.all(limited < reference_point, axis=1)]
    if len(limited) == 0:
        return inclusive
    limited = limited[pareto_front_mask(limited)]
    return inclusive - float(_hv(limited, reference_point))


def _validate(where: str, loss_vals: np.ndarray, reference_point: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    points = np.asarray(loss_vals, dtype=float)
    ref = np.asarray(reference_point, dtype=float)
    if points.ndim != 2:
        raise ValueError(f"{where}: loss_vals must be a 2-D array (n_points, n_objectives), got shape {points.shape}")
    if ref.shape != (points.shape[1],):
        raise ValueError(
            f"{where}: reference_point must have shape ({points.shape[1]},) to match loss_vals, got shape {ref.shape}"
        )
    if np.isnan(points).any() or np.isnan(ref).any():
        raise ValueError(f"{where}: loss_vals and reference_point must not contain NaN")
    return points, ref


def _hv(points: np.ndarray, ref: np.ndarray) -> float:
    """Hypervolume of mutually non-dominated points strictly inside the reference box."""
    n_obj = points.shape[1]
    if len(points) == 0:
        return 0.0
    if len(points) == 1:
        return float(np.prod(ref - points[0]))
    if n_obj == 1:
        return float(ref[0] - points[:, 0].min())
    if n_obj == 2:
        return _hv_2d(points, ref)
    if n_obj == 3:
        return _hv_3d(points, ref)
    return _hv_wfg(points, ref)


def _hv_2d(points: np.ndarray, ref: np.ndarray) -> float:
    # Non-dominated points sorted by the first objective have a decreasing second objective.
    pts = points[np.argsort(points[:, 0], kind="stable")]
    best_second = np.minimum.accumulate(pts[:, 1])
    # Width of each point's strip along the first objective, height up to the best second
    # objective seen so far (handles dominated points too).
    widths = np.diff(np.append(pts[:, 0], ref[0]))
    return float(np.sum(widths * (ref[1] - best_second)))


def _hv_3d(points: np.ndarray, ref: np.ndarray) -> float:
    # Sweep the third objective upwards; between consecutive levels the dominated region is
    # a prism over the 2-D hypervolume of the points seen so far.
    pts = points[np.argsort(points[:, 2], kind="stable")]
    levels = np.append(pts[:, 2], ref[2])
    total = 0.0
    for i in range(len(pts)):
        height = levels[i + 1] - levels[i]
        if height > 0:
            total += height * _hv_2d(pts[: i + 1, :2], ref[:2])
    return total


def _hv_wfg(points: np.ndarray, ref: np.ndarray) -> float:
    # WFG: the volume is the sum over points (sorted by the last objective) of each point's
    # volume not dominated by the points after it.
    pts = points[np.argsort(points[:, -1], kind="stable")[::-1]]
    total = 0.0
    for i in range(len(pts)):
        total += exclusive_hypervolume(pts[i], pts[i + 1 :], ref)
    return total
