"""GPSampler: Bayesian optimization with a Gaussian process, on numpy and scipy."""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Callable, cast

import numpy as np
from scipy import optimize

from albacore._moo import pareto_front_mask, to_minimization
from albacore._rng import SeededRNG
from albacore._validation import check_callable, check_int
from albacore._warnings import warn
from albacore.distributions import BaseDistribution
from albacore.samplers._base import BaseSampler
from albacore.samplers._cache import StudyCache, Unpickled, new_dict
from albacore.samplers._gp._acquisition import Acquisition, box_decomposition
from albacore.samplers._gp._model import GaussianProcess, default_theta, fit_theta, one_blas_thread
from albacore.samplers._gp._optim import Branch, maximize
from albacore.samplers._gp._space import EncodedSpace, UnionSearchSpace
from albacore.samplers._random import RandomSampler
from albacore.trial._constraints import (
    CONSTRAINTS_KEY,
    constraint_values,
    constraints_dict,
    constraints_from_sequence,
)
from albacore.trial._frozen import FrozenTrial
from albacore.trial._state import TrialState

if TYPE_CHECKING:
    from albacore.trial._study_protocol import StudyLike as Study


_REFIT_ALWAYS = 100
_REFIT_GROWTH = 0.03


def _default_independent_sampler(seed: int | None) -> BaseSampler:
    """Univariate TPE for the parameters outside the GP's space (random if TPE is absent)."""
    try:
        from albacore.samplers import TPESampler
    except ImportError:
        return RandomSampler(seed=seed)
    return TPESampler(seed=seed, multivariate=False)


def _standardize(values: np.ndarray) -> tuple[np.ndarray, float, float]:
    """Standardize a column, replacing infinities by the finite extremes."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return np.zeros_like(values), 0.0, 1.0
    values = np.clip(values, finite.min(), finite.max())
    mean, std = float(values.mean()), float(values.std())
    std = std if std > 1e-12 else 1.0
    return (values - mean) / std, mean, std


def _yeo_johnson(values: np.ndarray, power: float) -> np.ndarray:
    """The Yeo-Johnson transform of ``values`` with exponent ``power`` (monotone increasing)."""
    out = np.empty_like(values)
    pos = values >= 0
    if abs(power) < 1e-8:
        out[pos] = np.log1p(values[pos])
    else:
        out[pos] = np.expm1(power * np.log1p(values[pos])) / power
    if abs(power - 2.0) < 1e-8:
        out[~pos] = -np.log1p(-values[~pos])
    else:
        out[~pos] = -np.expm1((2.0 - power) * np.log1p(-values[~pos])) / (2.0 - power)
    return out


def _warp(values: np.ndarray) -> np.ndarray:
    """Yeo-Johnson transform of a standardized objective, its exponent fitted by maximum likelihood.

    An objective that spans orders of magnitude (an ill-conditioned valley, a few huge values
    far from the optimum) leaves the values near the optimum a tiny fraction of a unit apart
    once standardized, so a GP models the far-off values and barely resolves the region that
    matters. The transform that makes the values closest to normal spreads them out; it is
    monotone, so the order of the trials (and the incumbent) is kept. Returns the transformed
    values standardized, or ``values`` itself when there is nothing to transform.
    """
    if values.size < 3 or not np.ptp(values) > 0:
        return values
    log_terms = float(np.sum(np.sign(values) * np.log1p(np.abs(values))))

    def negative_log_likelihood(power: float) -> float:
        var = float(np.var(_yeo_johnson(values, power)))
        return math.inf if not var > 0 else 0.5 * values.size * math.log(var) - (power - 1.0) * log_terms

    with np.errstate(all="ignore"):
        power = float(optimize.minimize_scalar(negative_log_likelihood, bounds=(-10.0, 10.0), method="bounded").x)
        warped = _yeo_johnson(values, power)
    std = float(warped.std()) if np.all(np.isfinite(warped)) else 0.0
    return (warped - warped.mean()) / std if std > 1e-12 else values


class GPSampler(Unpickled, BaseSampler):
    """Bayesian optimization with a Gaussian process (Matérn-5/2 ARD kernel).

    The parameters of the finished trials are modelled jointly by a GP per objective (and
    per constraint) with hyperparameters fitted by MAP; the next point maximizes ``log EI``
    (one objective) or the exact ``log EHVI`` (several objectives), plus the log probability
    of satisfying the constraints. A single objective is modelled after a Yeo-Johnson power
    transform fitted to its values (monotone: it spreads out values near the optimum that an
    objective spanning orders of magnitude would squeeze together). Numeric inputs are
    scaled to ``[0, 1]`` (log parameters in log space); int, stepped and categorical
    parameters are optimized by a discrete coordinate search. Conditional spaces are
    modelled too: a parameter that some trials lack is "absent" there, a state the kernel
    places at a fitted distance from every value,
    and each branch of the space (each set of parameters the trials had) is searched.
    Parameters whose distribution changed between trials, and new ones, are sampled by
    ``independent_sampler``.

    Args:
        seed: Seed of the random generator.
        independent_sampler: Sampler of the parameters outside the GP's space, and of every
            parameter during the first ``n_startup_trials`` trials; TPE by default.
        n_startup_trials: Number of finished trials sampled by ``independent_sampler``
            before the GP takes over.
        deterministic_objective: Model the objective as noise-free.
        constraints_func: Function of a finished ``FrozenTrial`` returning a sequence of
            constraint values (feasible when all are ``<= 0``), stored with the trial.
        warn_independent_sampling: Warn once per parameter sampled by the independent
            sampler after the startup trials.

    Raises:
        ValueError: If ``n_startup_trials`` is negative.
        TypeError: If ``constraints_func`` is not callable.

    Example:
        .. code-block:: python

            study = albacore.create_study(sampler=albacore.samplers.GPSampler(seed=0))
            study.optimize(lambda t: (t.suggest_float("x", -3, 3) - 1) ** 2, n_trials=20)
    """

    _unpickled = {"_lock": threading.Lock}
    _lock: threading.Lock

    def __init__(
        self,
        *,
        seed: int | None = None,
        independent_sampler: BaseSampler | None = None,
        n_startup_trials: int = 10,
        deterministic_objective: bool = False,
        constraints_func: Callable[[FrozenTrial], Sequence[float]] | None = None,
        warn_independent_sampling: bool = True,
    ) -> None:
        check_int("GPSampler", "n_startup_trials", n_startup_trials, 0)
        if constraints_func is not None:
            check_callable("GPSampler", "constraints_func", constraints_func)
        self._rng = SeededRNG(seed)
        self._independent_sampler = independent_sampler or _default_independent_sampler(seed)
        self._n_startup_trials = n_startup_trials
        self._deterministic = bool(deterministic_objective)
        self._constraints_func = constraints_func
        self._warn_independent_sampling = warn_independent_sampling
        # Per study: its union search space, encoded finished trials, fitted hyperparameters.
        self._caches: StudyCache[dict[tuple[Any, ...], Any]] = StudyCache(new_dict)
        self._warned: set[str] = set()
        self._init_unpickled()

    def _cache(self, study: Study, key: tuple[Any, ...], default: Any) -> Any:
        entries = self._caches.get(study)
        with self._lock:
            return entries.setdefault(key, default)

    @property
    def n_startup_trials(self) -> int:
        """The ``n_startup_trials`` this sampler was created with."""
        return self._n_startup_trials

    def reseed_rng(self) -> None:
        self._rng.reseed()
        self._independent_sampler.reseed_rng()

    def infer_relative_search_space(self, study: Study, trial: FrozenTrial) -> dict[str, BaseDistribution]:
        trials = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
        union = self._cache(study, ("union",), UnionSearchSpace())
        with self._lock:
            space = union.update(trials)
        return {name: dist for name, dist in space.items() if not dist.single()}

    def sample_relative(
        self, study: Study, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        if not search_space:
            return {}
        trials = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
        if len(trials) < max(self._n_startup_trials, 1):
            return {}
        conditional = [n for n in search_space if any(n not in t.params for t in trials)]
        space = EncodedSpace(search_space, conditional)
        x = self._encode_trials(study, space, trials)
        y = to_minimization(np.array([t.values for t in trials], dtype=float), study.directions)
        pending = _pending(study, trial, space, set(search_space) - set(conditional))
        with one_blas_thread():
            acq, incumbents, priority = self._build_acquisition(study, space, trials, x, y, pending)
            branches, owner = _branches(space, x, priority)
            best = maximize(acq, space, self._rng.rng, branches, x[incumbents], owner[incumbents])
        return space.decode(best)

    def _encode_trials(self, study: Study, space: EncodedSpace, trials: list[FrozenTrial]) -> np.ndarray:
        """Encoded params of ``trials`` ``(n, d)``, cached per finished trial."""
        cache = self._cache(study, ("x", space.key), {})
        rows = []
        for t in trials:
            row = cache.get(t.number)
            if row is None:
                row = cache[t.number] = space.encode(t.params)
            rows.append(row)
        return np.array(rows)

    def _fit(self, study: Study, space: EncodedSpace, x: np.ndarray, y: np.ndarray, output: str,
             deterministic: bool) -> GaussianProcess:
        """Fit one GP, warm-starting the hyperparameters from this process's previous fit of ``output``.

        The previous fit only sets the starting point (a fit from the prior's mode is the
        first one's), so workers that do not share it reach the same optimum. Beyond
        ``_REFIT_ALWAYS`` trials the hyperparameters barely move between trials and are
        refitted when the history has grown by ``_REFIT_GROWTH`` since the last fit.
        """
        slot = self._cache(study, ("theta", space.key, output), [])
        n = len(x)
        if not slot:
            theta = fit_theta(space, x, y, default_theta(space.dim), deterministic, maxiter=200)
        elif n <= _REFIT_ALWAYS or n - slot[1] >= _REFIT_GROWTH * slot[1]:
            theta = fit_theta(space, x, y, slot[0], deterministic, maxiter=50)
        else:
            theta, n = slot
        slot[:] = [theta, n]
        gp = GaussianProcess(space, x, y, theta, deterministic)
        if output == "objective0":
            self._cache(study, ("noise",), [None])[0] = gp.noise
        return gp

    def _fitted_noise(self, study: Study) -> float | None:
        """Noise variance of the last GP this process fitted to the first objective of ``study``.

        The objective is standardized before the fit, so this is the share of its variance
        the GP explains as noise; None before the first fit.
        """
        return cast("float | None", self._cache(study, ("noise",), [None])[0])

    def _build_acquisition(
        self, study: Study, space: EncodedSpace, trials: list[FrozenTrial], x: np.ndarray, y: np.ndarray,
        pending: np.ndarray,
    ) -> tuple[Acquisition, np.ndarray, np.ndarray]:
        """Fit the GPs; return the acquisition, the trials to search around and all trials, best first.

        Running trials of other workers (``pending``) enter every GP as observations at its
        own posterior mean ("kriging believer"): the variance there collapses, so parallel
        workers do not all propose the same point.
        """
        constraints = self._constraint_matrix(trials)
        feasible = np.ones(len(trials), dtype=bool) if constraints is None else np.all(constraints <= 0, axis=1)
        objective_gps, scaled = [], []
        for j in range(y.shape[1]):
            ys, _, _ = _standardize(y[:, j])
            if y.shape[1] == 1:
                ys = _warp(ys)
            scaled.append(ys)
            objective_gps.append(self._fit(study, space, x, ys, f"objective{j}", self._deterministic).believe(pending))
        y_std = np.stack(scaled, 1)
        constraint_gps = []
        if constraints is not None:
            for k in range(constraints.shape[1]):
                cs, mean, std = _standardize(constraints[:, k])
                gp = self._fit(study, space, x, cs, f"constraint{k}", False).believe(pending)
                constraint_gps.append((gp, (0.0 - mean) / std))
        if not feasible.any():
            assert constraints is not None
            order = np.argsort(constraints.max(axis=1), kind="stable")
            return Acquisition(objective_gps, None, constraints=constraint_gps), order[:5], order
        if y.shape[1] == 1:
            order = np.lexsort((y_std[:, 0], ~feasible))
            best = float(y_std[order[0], 0])
            return Acquisition(objective_gps, best, constraints=constraint_gps), order[:5], order
        front_idx = np.flatnonzero(feasible)[pareto_front_mask(y_std[feasible])]
        # The reference point lies 10% of the front's extent beyond its worst corner, so the
        # expected improvement rewards filling and widening the front, not far-off points.
        front = y_std[front_idx]
        span = front.max(axis=0) - front.min(axis=0)
        ref = front.max(axis=0) + 0.1 * np.where(span > 0, span, 1.0)
        boxes = box_decomposition(y_std[front_idx], ref)
        acq = Acquisition(objective_gps, None, boxes=boxes, constraints=constraint_gps)
        chosen = self._rng.rng.permutation(front_idx)
        order = np.concatenate([chosen, np.setdiff1d(np.arange(len(trials)), chosen)])
        return acq, chosen[:5], order

    def _constraint_matrix(self, trials: list[FrozenTrial]) -> np.ndarray | None:
        """Constraint values ``(n, c)`` when every trial has the same number of them."""
        if self._constraints_func is None and not any(CONSTRAINTS_KEY in t.system_attrs for t in trials[:1]):
            return None
        rows = [constraint_values(t.system_attrs) for t in trials]
        if any(r is None for r in rows) or len({len(r) for r in rows}) != 1:  # type: ignore[arg-type]
            return None
        return np.array(rows, dtype=float)

    def sample_independent(
        self, study: Study, trial: FrozenTrial, param_name: str, param_distribution: BaseDistribution
    ) -> Any:
        if self._warn_independent_sampling and param_name not in self._warned and param_name not in (
            self.infer_relative_search_space(study, trial)
        ):
            n_finished = len(study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,)))
            if n_finished >= max(self._n_startup_trials, 1):
                self._warned.add(param_name)
                warn(
                    f"GPSampler: parameter {param_name!r} is not in the GP's search space (it is new, or "
                    f"its distribution changed between trials), so it is sampled by "
                    f"{type(self._independent_sampler).__name__}. Pass "
                    f"warn_independent_sampling=False to silence this warning."
                )
        return self._independent_sampler.sample_independent(study, trial, param_name, param_distribution)

    def before_trial(self, study: Study, trial: FrozenTrial) -> None:
        self._independent_sampler.before_trial(study, trial)

    def after_trial(self, study: Study, trial: FrozenTrial, state: TrialState, values: Sequence[float] | None) -> None:
        if self._constraints_func is not None and state in (TrialState.COMPLETE, TrialState.PRUNED):
            constraints = constraints_from_sequence(self._constraints_func(trial))
            # Values set with trial.set_constraint are kept (and win), as in Optuna.
            merged = {**constraints, **constraints_dict(trial.system_attrs)}
            study.set_trial_system_attr(trial, CONSTRAINTS_KEY, merged)
        self._independent_sampler.after_trial(study, trial, state, values)


_MAX_BRANCHES = 16


def _pending(study: Study, trial: FrozenTrial, space: EncodedSpace, required: set[str]) -> np.ndarray:
    """Encoded params of the other running trials that already have every ``required`` parameter."""
    running = study.get_trials(deepcopy=False, states=(TrialState.RUNNING,))
    rows = [space.encode(t.params) for t in running if t.number != trial.number and required <= t.params.keys()]
    return np.array(rows) if rows else np.zeros((0, space.dim))


def _branches(space: EncodedSpace, x: np.ndarray, priority: np.ndarray) -> tuple[list[Branch], np.ndarray]:
    """The branches of the space the trials ``x`` cover, and the branch of each trial (-1: none).

    In a conditional space a branch only takes the categorical choices seen in it (a choice
    that leads elsewhere would be modelled as a combination no trial can have). At most
    ``_MAX_BRANCHES`` branches are searched: those of the trials listed first in ``priority``.
    """
    absent = space.absent(x)
    patterns, owner = np.unique(absent, axis=0, return_inverse=True)
    owner = owner.reshape(-1)
    kept = list(dict.fromkeys(owner[priority].tolist()))[:_MAX_BRANCHES]
    remap = np.full(len(patterns), -1)
    remap[kept] = np.arange(len(kept))
    branches = []
    for b in kept:
        pattern = patterns[b]
        template = np.where(pattern, np.where(space.is_categorical, space.n_grid, np.nan), 0.5)
        choices: list[np.ndarray | None] = [None] * space.dim
        if len(patterns) > 1:
            rows = x[owner == b]
            for i in np.flatnonzero(space.is_categorical & ~pattern):
                choices[i] = np.unique(rows[:, i]).astype(int)
        branches.append(Branch(template, choices))
    return branches, remap[owner]


__all__ = ["GPSampler"]
