"""GPSampler: Bayesian optimization with a Gaussian process, on torch and scipy."""

from __future__ import annotations

import threading
import weakref
from typing import TYPE_CHECKING, Any, Callable, Sequence

import numpy as np

from albacore._moo import pareto_front_mask, to_minimization
from albacore._rng import SeededRNG
from albacore._warnings import warn
from albacore.distributions import BaseDistribution
from albacore.samplers._base import BaseSampler
from albacore.samplers._gp._acquisition import Acquisition
from albacore.samplers._gp._model import GaussianProcess, default_theta, few_threads, fit_theta
from albacore.samplers._gp._optim import maximize
from albacore.samplers._gp._space import EncodedSpace
from albacore.samplers._random import RandomSampler
from albacore.search_space import IntersectionSearchSpace
from albacore.trial._constraints import CONSTRAINTS_KEY, constraint_values, constraints_from_sequence
from albacore.trial._frozen import FrozenTrial
from albacore.trial._state import TrialState

if TYPE_CHECKING:
    from albacore.study.study import Study


def _default_independent_sampler(seed: int | None) -> BaseSampler:
    """Univariate TPE for the parameters outside the GP's space (random if TPE is absent)."""
    try:
        from albacore.samplers import TPESampler  # type: ignore[attr-defined]
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


class GPSampler(BaseSampler):
    """Bayesian optimization with a Gaussian process (Matérn-5/2 ARD kernel).

    The parameters present in every finished trial are modelled jointly by a GP per
    objective (and per constraint) with hyperparameters fitted by MAP; the next point
    maximizes ``log EI`` (one objective) or the exact ``log EHVI`` (several objectives),
    times the probability of satisfying the constraints. Numeric inputs are scaled to
    ``[0, 1]`` (log parameters in log space); int, stepped and categorical parameters are
    optimized by a discrete local search. Conditional parameters, outside the shared space,
    are sampled by ``independent_sampler`` (univariate TPE by default), so conditional
    spaces are still optimized rather than sampled at random.

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
        if isinstance(n_startup_trials, bool) or not isinstance(n_startup_trials, int) or n_startup_trials < 0:
            raise ValueError(f"GPSampler: n_startup_trials must be an int >= 0, got n_startup_trials={n_startup_trials!r}")
        if constraints_func is not None and not callable(constraints_func):
            raise TypeError(f"GPSampler: constraints_func must be callable, got constraints_func={constraints_func!r}")
        self._rng = SeededRNG(seed)
        self._independent_sampler = independent_sampler or _default_independent_sampler(seed)
        self._n_startup_trials = n_startup_trials
        self._deterministic = bool(deterministic_objective)
        self._constraints_func = constraints_func
        self._warn_independent_sampling = warn_independent_sampling
        self._search_space = IntersectionSearchSpace()
        self._lock = threading.Lock()
        # Per study object: fitted hyperparameters and encoded finished trials.
        self._caches: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self._warned: set[str] = set()

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        del state["_lock"], state["_caches"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()
        self._caches = weakref.WeakKeyDictionary()

    def _cache(self, study: Study, key: tuple[Any, ...], default: Any) -> Any:
        with self._lock:
            return self._caches.setdefault(study, {}).setdefault(key, default)

    def reseed_rng(self) -> None:
        self._rng.reseed()
        self._independent_sampler.reseed_rng()

    def infer_relative_search_space(self, study: Study, trial: FrozenTrial) -> dict[str, BaseDistribution]:
        space = self._search_space.calculate(study)
        return {name: dist for name, dist in space.items() if not dist.single()}

    def sample_relative(
        self, study: Study, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        if not search_space:
            return {}
        trials = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
        if len(trials) < max(self._n_startup_trials, 1):
            return {}
        space = EncodedSpace(search_space)
        x = self._encode_trials(study, space, trials)
        y = to_minimization(np.array([t.values for t in trials], dtype=float), study.directions)
        with few_threads(1):
            acq, incumbents = self._build_acquisition(study, space, trials, x, y)
            best = maximize(acq, space, self._rng.rng, incumbents)
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
        """Fit one GP, warm-starting the hyperparameters from the previous fit of ``output``.

        Hyperparameters barely move once the history is long, so they are refitted only
        when it has grown by 2% since the last fit (every trial below 100 trials).
        """
        slot = self._cache(study, ("theta", space.key, output), [])
        n = len(x)
        cached = slot[0] if slot else None
        if cached is None:
            theta = fit_theta(x, y, space.is_categorical, default_theta(space.dim), deterministic, maxiter=200)
        elif n - cached[1] < max(1, n // 50):
            theta, n = cached
        else:
            theta = fit_theta(x, y, space.is_categorical, cached[0], deterministic, maxiter=15)
        slot[:] = [(theta, n)]
        return GaussianProcess(x, y, space.is_categorical, theta)

    def _build_acquisition(
        self, study: Study, space: EncodedSpace, trials: list[FrozenTrial], x: np.ndarray, y: np.ndarray
    ) -> tuple[Acquisition, np.ndarray]:
        """Fit the GPs and return the acquisition and the encoded incumbents to search around."""
        constraints = self._constraint_matrix(trials)
        feasible = np.ones(len(trials), dtype=bool) if constraints is None else np.all(constraints <= 0, axis=1)
        objective_gps, scaled = [], []
        for j in range(y.shape[1]):
            ys, _, _ = _standardize(y[:, j])
            scaled.append(ys)
            objective_gps.append(self._fit(study, space, x, ys, f"objective{j}", self._deterministic))
        y_std = np.stack(scaled, 1)
        constraint_gps = []
        if constraints is not None:
            for k in range(constraints.shape[1]):
                cs, mean, std = _standardize(constraints[:, k])
                gp = self._fit(study, space, x, cs, f"constraint{k}", False)
                constraint_gps.append((gp, (0.0 - mean) / std))
        if not feasible.any():
            order = np.argsort(constraints.max(axis=1))[:5] if constraints is not None else np.arange(0)
            return Acquisition(objective_gps, None, constraints=constraint_gps), x[order]
        if y.shape[1] == 1:
            best_idx = np.flatnonzero(feasible)[np.argsort(y_std[feasible, 0], kind="stable")[:5]]
            return (
                Acquisition(objective_gps, float(y_std[best_idx[0], 0]), constraints=constraint_gps),
                x[best_idx],
            )
        front_idx = np.flatnonzero(feasible)[pareto_front_mask(y_std[feasible])]
        span = y_std.max(axis=0) - y_std.min(axis=0)
        ref = y_std.max(axis=0) + 0.1 * np.where(span > 0, span, 1.0)
        acq = Acquisition(objective_gps, None, pareto=y_std[front_idx], ref_point=ref, constraints=constraint_gps)
        chosen = self._rng.rng.permutation(front_idx)[:5]
        return acq, x[chosen]

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
        if self._warn_independent_sampling and param_name not in self._warned:
            n_finished = len(study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,)))
            if n_finished >= max(self._n_startup_trials, 1):
                self._warned.add(param_name)
                warn(
                    f"GPSampler: parameter {param_name!r} is not in every finished trial, so it is "
                    f"sampled by {type(self._independent_sampler).__name__}. Pass "
                    f"warn_independent_sampling=False to silence this warning."
                )
        return self._independent_sampler.sample_independent(study, trial, param_name, param_distribution)

    def before_trial(self, study: Study, trial: FrozenTrial) -> None:
        self._independent_sampler.before_trial(study, trial)

    def after_trial(
        self, study: Study, trial: FrozenTrial, state: TrialState, values: Sequence[float] | None
    ) -> None:
        if self._constraints_func is not None and state in (TrialState.COMPLETE, TrialState.PRUNED):
            constraints = constraints_from_sequence(self._constraints_func(trial))
            study.set_trial_system_attr(trial, CONSTRAINTS_KEY, constraints)
        self._independent_sampler.after_trial(study, trial, state, values)


__all__ = ["GPSampler"]
