"""EMMR: the change of the expected minimum model regret between two steps (Ishibashi et al., 2023)."""

from __future__ import annotations

import math

import numpy as np
from scipy.stats import norm

from albacore._rng import SeededRNG
from albacore._study_types import StudyDirection
from albacore._validation import check_int
from albacore._warnings import warn
from albacore.terminator import _gp
from albacore.terminator._base import BaseImprovementEvaluator
from albacore.trial._frozen import FrozenTrial
from albacore.trial._state import TrialState

#: Returned while the criterion cannot be computed: large, finite, and safe to add to.
NEVER_STOP = 1e300


class EMMREvaluator(BaseImprovementEvaluator):
    """An upper bound on the change of the expected minimum simple regret at the last trial.

    With GPs fitted to the COMPLETE trials before and after the last one, the criterion
    bounds how much the expected regret of the model's best point moved when the last trial
    was observed (Ishibashi et al., 2023, "A stopping criterion for Bayesian optimization by
    the gap of expected minimum simple regrets", Theorem 1 and Algorithm 1):

    ``delta_mu + v * (pdf(g) + g * cdf(g)) + kappa * sqrt(KL / 2)``

    where ``delta_mu`` is the drop of the posterior mean at the best point, ``v`` and ``g``
    compare the old and new best points under the new posterior, ``kappa`` is the regret
    bound of the old GP (as in :class:`RegretBoundEvaluator`) and ``KL`` the divergence
    between the old and new posteriors. Values are standardized (scale-free); pair it with
    :class:`~albacore.terminator.MedianErrorEvaluator`.

    Args:
        deterministic_objective: Model the objective as noise-free.
        delta: Confidence level of the regret bound ``kappa`` (smaller: wider bound).
        min_n_trials: COMPLETE trials needed before the criterion is computed (until then
            it is huge, so the study never stops).
        seed: Seed of the random points where the upper bound is maximized.

    Raises:
        ValueError: If ``delta`` is not in ``(0, 1)`` or ``min_n_trials < 2``.

    Example:
        .. code-block:: python

            emmr = albacore.terminator.EMMREvaluator(seed=0)
            terminator = albacore.terminator.Terminator(
                improvement_evaluator=emmr,
                error_evaluator=albacore.terminator.MedianErrorEvaluator(emmr))
    """

    def __init__(self, deterministic_objective: bool = False, delta: float = 0.1, min_n_trials: int = 2,
                 seed: int | None = None) -> None:
        if isinstance(delta, bool) or not isinstance(delta, (int, float)) or not 0.0 < delta < 1.0:
            raise ValueError(f"EMMREvaluator: delta must be in (0, 1), got delta={delta!r}")
        check_int("EMMREvaluator", "min_n_trials", min_n_trials, 2)
        self._deterministic = bool(deterministic_objective)
        self._delta = float(delta)
        self._min_n_trials = min_n_trials
        self._rng = SeededRNG(seed)
        self._theta: np.ndarray | None = None
        self._warned = False

    def evaluate(self, trials: list[FrozenTrial], study_direction: StudyDirection) -> float:
        """The EMMR criterion at the last COMPLETE trial (huge while it cannot be computed)."""
        complete = [t for t in trials if t.state == TrialState.COMPLETE]
        if len(complete) < self._min_n_trials:
            return NEVER_STOP
        encoded = _gp.encode_trials(complete, study_direction)
        if encoded is None:
            if not self._warned:
                warn("EMMREvaluator: the COMPLETE trials share no varying parameter; the study will not be stopped")
                self._warned = True
            return NEVER_STOP
        x = encoded.x
        y, _, _ = _gp.standardize(encoded.y)
        old = _gp.fit(encoded.space, x[:-1], y[:-1], self._deterministic, theta0=self._theta)
        new = _gp.fit(encoded.space, x, y, self._deterministic, theta0=old.theta)
        self._theta = new.theta
        value = self._criterion(old, new, x, y)
        return min(value, NEVER_STOP) if math.isfinite(value) else NEVER_STOP

    def _criterion(self, old: _gp.GaussianProcess, new: _gp.GaussianProcess, x: np.ndarray, y: np.ndarray) -> float:
        best_new, best_old = int(np.argmax(y)), int(np.argmax(y[:-1]))
        a, b = x[best_new], x[best_old]
        (mu_new_a, mu_new_b), (var_new_a, var_new_b) = new.posterior(np.stack([a, b]))
        cov = var_new_a if best_new == best_old else _gp.posterior_cov(new, a, b)
        mu_old_b = float(old.posterior(b[None])[0][0])
        mean_last, var_last = (float(v[0]) for v in old.posterior(x[-1:]))
        kappa = _gp.regret_bound(old, x[:-1], self._delta, self._rng.rng)
        delta_mu = mu_old_b - float(mu_new_a)
        v = math.sqrt(max(1e-10, float(var_new_a) - 2.0 * cov + float(var_new_b)))
        g = (float(mu_new_a) - mu_old_b) / v
        gap = v * (norm.pdf(g) + g * norm.cdf(g))
        noise = old.noise
        kl = 0.5 * (math.log1p(var_last / noise) - var_last / (var_last + noise)
                    + var_last * (y[-1] - mean_last) ** 2 / (var_last + noise) ** 2)
        return delta_mu + gap + kappa * math.sqrt(max(kl, 0.0) / 2.0)
