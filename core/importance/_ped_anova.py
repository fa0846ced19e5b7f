"""PED-ANOVA: importance as the Pearson divergence between the top trials and the region.

Watanabe et al. (2023), "PED-ANOVA: Efficiently Quantifying Hyperparameter Importance in
Arbitrary Subspaces": the local importance of a parameter in the region of the top-``gamma``
trials, for reaching the top-``gamma'``, is ``(gamma'/gamma)^2`` times the Pearson divergence
``sum_g p_region(g) (p_top(g) / p_region(g) - 1)^2`` between the one-dimensional densities of
the parameter in the top trials and in the region. Densities are Parzen estimators on a grid
of the parameter's domain (at most 50 cells) with Scott's bandwidth and a broad prior
kernel; ``evaluate_on_local=False`` replaces the region's density by the uniform one.

Conditional parameters (absent from some trials, or with different domains in different
trials) follow the conditional extension: the trials are split by the parameter's regime
(absent, or one distribution) and each active regime ``i`` contributes
``alpha_i^2 / beta_i`` times its divergence, with ``alpha_i`` and ``beta_i`` its shares of the
top and of the region trials.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Callable, cast

import numpy as np
from scipy.special import ndtr

from albacore._moo import to_minimization
from albacore._study_types import StudyDirection
from albacore._warnings import warn
from albacore.distributions import BaseDistribution, CategoricalDistribution
from albacore.importance._base import (
    BaseImportanceEvaluator,
    check_known_params,
    check_params,
    completed_trials,
    sort_by_importance,
)
from albacore.samplers._tpe._split import _best_multi_objective
from albacore.samplers._transform import value_bounds
from albacore.trial._frozen import FrozenTrial

if TYPE_CHECKING:
    from albacore.trial._study_protocol import StudyReader

_N_STEPS = 50  # grid cells of a continuous domain
_PRIOR_WEIGHT = 1.0
_MIN_REGIME_TRIALS = 2
_MIN_BANDWIDTH = 0.5 / 1.64  # in grid cells: 90% of a kernel's mass within its cell and the neighbours'
_EPS = 1e-12


def grid_indices(dist: BaseDistribution, values: Sequence[Any]) -> tuple[np.ndarray, int]:
    """Grid cell of each value and the number of cells of ``dist``'s domain."""
    if isinstance(dist, CategoricalDistribution):
        return np.array([dist.to_internal_repr(v) for v in values], dtype=int), len(dist.choices)
    low, high, log, step = dist.low, dist.high, dist.log, dist.step  # type: ignore[attr-defined]
    n_steps = _N_STEPS
    if log and step is not None:  # a log int: about one cell per doubling
        n_steps = min(int(math.ceil(math.log2(high - low + 1))) + 1, n_steps)
    elif step is not None:
        n_steps = min(int(round((high - low) / step)) + 1, n_steps)
    x = np.asarray(values, dtype=float)
    if log:
        x = np.log(x)
    low, high = value_bounds(dist)
    width = (high - low) / (n_steps - 1)
    index = np.ceil((x - low) / width - 0.5).astype(int)
    return np.clip(index, 0, n_steps - 1), n_steps


def parzen_on_grid(counts: np.ndarray, categorical: bool) -> np.ndarray:
    """Probability of each grid cell under a Parzen estimator of the observed ``counts``."""
    n = counts.size
    cells = np.flatnonzero(counts)
    if cells.size == 0:
        return np.full(n, 1.0 / n)
    weights = np.append(counts[cells].astype(float), _PRIOR_WEIGHT)
    weights /= weights.sum()
    if categorical:
        kernels = np.full((cells.size + 1, n), _PRIOR_WEIGHT / (cells.size + 1))
        kernels[np.arange(cells.size), cells] += 1.0
        kernels /= kernels.sum(axis=1, keepdims=True)
        return cast(np.ndarray, weights @ kernels)
    w = counts[cells].astype(float)
    total = w.sum()
    mean = float(cells @ w) / total
    std = math.sqrt(float(((cells - mean) ** 2) @ w) / max(1.0, total - 1.0))
    # Quartiles of the integer counts: the first cell reaching a quarter of them, and the first
    # passing three quarters (the wider of the usual conventions: a smoother estimate).
    cum = np.cumsum(w)
    q1 = cells[min(np.searchsorted(cum, total // 4, side="left"), cells.size - 1)]
    q3 = cells[min(np.searchsorted(cum, 3 * total // 4, side="right"), cells.size - 1)]
    bandwidth = max(1.059 * min((q3 - q1) / 1.34, std) * total ** -0.2, _MIN_BANDWIDTH)
    mu = np.append(cells.astype(float), (n - 1) / 2.0)
    sigma = np.append(np.full(cells.size, bandwidth), float(n))
    edges = np.arange(n + 1) - 0.5
    cdf = ndtr((edges[None, :] - mu[:, None]) / sigma[:, None])
    mass = np.diff(cdf, axis=1)
    mass /= cdf[:, -1:] - cdf[:, :1]
    return cast(np.ndarray, weights @ mass)


def pearson_divergence(top: np.ndarray, region: np.ndarray | None, n_cells: int, categorical: bool) -> float:
    """``sum p_region (p_top / p_region - 1)^2`` from the cells of the top and region trials."""
    p_top = parzen_on_grid(np.bincount(top, minlength=n_cells), categorical) + _EPS
    if region is None:
        p_region = np.full(n_cells, 1.0 / n_cells)
    else:
        p_region = parzen_on_grid(np.bincount(region, minlength=n_cells), categorical) + _EPS
    return float(p_region @ (p_top / p_region - 1.0) ** 2)


class PedAnovaImportanceEvaluator(BaseImportanceEvaluator):
    """PED-ANOVA importance: how much each parameter separates the top trials from the rest.

    For each parameter, Parzen estimators of its density among the trials better than the
    ``target_quantile`` and among those in the ``region_quantile`` (all trials by default)
    are compared by their Pearson divergence (Watanabe et al., 2023, "PED-ANOVA: Efficiently
    Quantifying Hyperparameter Importance in Arbitrary Subspaces"). No model is fitted, so
    it is fast on any number of trials. Conditional parameters are assessed too (each
    regime of a parameter, absent or with one domain, weighs by its share of the trials).
    It is the default evaluator of :func:`get_param_importances`. At least about five
    trials above ``target_quantile`` give a stable result.

    On a multi-objective study without ``target``, the top trials are those of the best
    non-domination ranks (the last one cut by hypervolume contribution): the importance of
    reaching the Pareto front. With ``target``, lower values are better; negate a value
    that is maximized.

    Args:
        target_quantile: Share of the best trials whose density is explained (``gamma'``).
        region_quantile: Share of the best trials forming the region the importance is
            measured in (``gamma``); 1.0 is every trial.
        evaluate_on_local: Compare with the region's trials (True) or with the uniform
            density over the search space (False, where ``region_quantile`` has no effect).

    Raises:
        ValueError: Unless ``0 < target_quantile < region_quantile <= 1``.

    Example:
        .. code-block:: python

            evaluator = albacore.importance.PedAnovaImportanceEvaluator(target_quantile=0.2)
            albacore.importance.get_param_importances(study, evaluator=evaluator)
    """

    def __init__(self, *, target_quantile: float = 0.1, region_quantile: float = 1.0,
                 evaluate_on_local: bool = True) -> None:
        for name, value in (("target_quantile", target_quantile), ("region_quantile", region_quantile)):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise ValueError(f"PedAnovaImportanceEvaluator: {name} must be a float in (0, 1], got {name}={value!r}")
        if not 0.0 < target_quantile < region_quantile <= 1.0:
            raise ValueError(
                "PedAnovaImportanceEvaluator: need 0 < target_quantile < region_quantile <= 1, got "
                f"target_quantile={target_quantile!r}, region_quantile={region_quantile!r}"
            )
        if region_quantile != 1.0 and not evaluate_on_local:
            warn("PedAnovaImportanceEvaluator: region_quantile has no effect when evaluate_on_local=False")
        self._target_quantile = float(target_quantile)
        self._region_quantile = float(region_quantile)
        self._evaluate_on_local = bool(evaluate_on_local)

    def evaluate(
        self,
        study: StudyReader,
        params: list[str] | None = None,
        *,
        target: Callable[[FrozenTrial], float] | None = None,
    ) -> dict[str, float]:
        """Importances of ``params`` (default: every parameter of a completed trial).

        Raises:
            ValueError: If the study has no completed trial or a name in ``params`` is unknown.
            TypeError: If ``params`` is not a list of names or ``target`` is not callable.
        """
        where = "PedAnovaImportanceEvaluator.evaluate"
        check_params(where, params)
        if target is not None and not callable(target):
            raise TypeError(f"{where}: target must be a callable of a FrozenTrial, got target={target!r}")
        trials = completed_trials(where, study)
        if params is None:
            names = sorted({name for t in trials for name in t.distributions})
        else:
            check_known_params(where, trials, params)
            names = list(params)
        trials, losses = _finite_losses(study, trials, target)
        if len(trials) <= 1:
            warn(f"{where}: fewer than two completed trials with finite values; every importance is 0")
            return dict.fromkeys(names, 0.0)
        top = self._top(losses, self._target_quantile)
        region = self._top(losses, self._region_quantile)
        top &= region
        n_top, n_region = int(top.sum()), int(region.sum())
        if n_top == n_region:
            warn(f"{where}: target_quantile and region_quantile select the same trials; every importance is 0")
        region_trials = [t for t, r in zip(trials, region) if r]
        top_in_region = top[region]
        dists = [t.distributions for t in region_trials]
        values = [t.params for t in region_trials]
        scale = (n_top / n_region) ** 2
        result = {
            name: self._importance(name, dists, values, top_in_region, n_top, n_region) * scale for name in names
        }
        return sort_by_importance(result)

    def _top(self, losses: np.ndarray, quantile: float) -> np.ndarray:
        """Mask of the best ``quantile`` of the trials (ties with the cut included)."""
        n = len(losses)
        if quantile >= 1.0:
            return np.ones(n, dtype=bool)
        k = max(int(math.ceil(quantile * n)), 1)
        mask = np.zeros(n, dtype=bool)
        if losses.ndim == 2:
            mask[_best_multi_objective(losses, k)] = True
            return mask
        cutoff = np.partition(losses, k - 1)[k - 1]
        return cast(np.ndarray, losses <= cutoff)

    def _importance(self, name: str, dists: list[dict[str, BaseDistribution]], params: list[dict[str, Any]],
                    top: np.ndarray, n_top: int, n_region: int) -> float:
        """Sum over the parameter's active regimes of ``alpha^2 / beta`` times the divergence."""
        total = 0.0
        for dist, rows in _regimes(name, dists).items():
            if dist is None or dist.single():
                continue
            is_top = top[rows]
            n_top_regime = int(is_top.sum())
            if n_top_regime == 0:
                continue
            cells, n_cells = grid_indices(dist, [params[i][name] for i in rows])
            categorical = isinstance(dist, CategoricalDistribution)
            divergence = pearson_divergence(
                cells[is_top], cells if self._evaluate_on_local else None, n_cells, categorical
            )
            alpha, beta = n_top_regime / n_top, len(rows) / n_region
            total += alpha * alpha / beta * divergence
        return total


def _regime_key(dist: BaseDistribution | None) -> Any:
    """A cheap hashable stand-in for a distribution (a distribution's own hash formats JSON)."""
    if dist is None:
        return None
    cls = type(dist)
    if cls is CategoricalDistribution:
        return (cls, dist.choices)  # type: ignore[attr-defined]
    return (cls, dist.low, dist.high, dist.log, dist.step)  # type: ignore[attr-defined]


def _regimes(name: str, dists: list[dict[str, BaseDistribution]]) -> dict[BaseDistribution | None, np.ndarray]:
    """Rows of each regime of parameter ``name`` (None: absent) with enough trials to assess."""
    keys = [_regime_key(d.get(name)) for d in dists]
    first = keys[0]
    if keys.count(first) == len(keys):
        return {dists[0].get(name): np.arange(len(keys))}
    rows: dict[Any, list[int]] = {}
    for i, key in enumerate(keys):
        rows.setdefault(key, []).append(i)
    if any(len(r) < _MIN_REGIME_TRIALS for r in rows.values()):
        warn(f"PedAnovaImportanceEvaluator: some regimes of parameter {name!r} have fewer than "
             f"{_MIN_REGIME_TRIALS} trials and are left out; its importance may be inaccurate")
    return {dists[r[0]].get(name): np.asarray(r) for r in rows.values() if len(r) >= _MIN_REGIME_TRIALS}


def _finite_losses(
    study: StudyReader, trials: list[FrozenTrial], target: Callable[[FrozenTrial], float] | None
) -> tuple[list[FrozenTrial], np.ndarray]:
    """Trials with finite values and their losses (lower is better): ``(n,)`` or ``(n, m)``."""
    directions = study.directions
    if target is not None:
        losses = np.array([float(target(t)) for t in trials], dtype=float)
    elif len(directions) == 1:
        sign = -1.0 if directions[0] == StudyDirection.MAXIMIZE else 1.0
        losses = sign * np.array([t.value for t in trials], dtype=float)
    else:
        losses = to_minimization(np.array([t.values for t in trials], dtype=float), directions)
    keep = np.isfinite(losses) if losses.ndim == 1 else np.isfinite(losses).all(axis=1)
    if keep.all():
        return trials, losses
    return [t for t, k in zip(trials, keep) if k], losses[keep]
