"""EMMR: the change of the expected minimum model regret between two steps (Ishibashi et al., 2023)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.stats import norm

from albacore._rng import SeededRNG
from albacore._study_types import StudyDirection
from albacore._validation import check_int
from albacore._warnings import warn
from albacore.samplers._gp._model import GaussianProcess
from albacore.terminator import _gp
from albacore.terminator._base import BaseImprovementEvaluator
from albacore.trial._frozen import FrozenTrial
from albacore.trial._state import TrialState

#: Returned while the criterion cannot be computed: large, finite, and safe to add to.
NEVER_STOP = 1e300


@dataclass(frozen=True)
class EMMRTerms:
    """The terms of the EMMR criterion at one step (standardized units), for diagnostics.

    Attributes:
        delta_mu: Old posterior mean at the old best trial minus the new one at the new best.
        gap: ``v * (pdf(g) + g * cdf(g))``, comparing the two best trials under the new GP.
        kappa: Regret bound of the GP before the last trial.
        kl: :func:`update_kl` of the last observation.
    """

    delta_mu: float
    gap: float
    kappa: float
    kl: float

    @property
    def value(self) -> float:
        """The criterion: ``delta_mu + gap + kappa * sqrt(kl / 2)``."""
        return self.delta_mu + self.gap + self.kappa * math.sqrt(max(self.kl, 0.0) / 2.0)


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
    between the posteriors before and after the last observation (:func:`update_kl`). ``KL``
    is computed from the old GP's prediction at the last trial, before its value is seen,
    with that GP's kernel and noise variance for both posteriors (the closed form needs one
    prior for both). Optuna 5.0 takes the prediction from the GP that has already seen the
    last trial, whose variance there is at most the noise, and divides by its minimum noise
    variance (1e-6), which makes its ``KL`` smaller on noise-free objectives (it stops
    earlier) and larger on noisy ones (``benchmarks/terminator_diagnose.py`` compares the
    terms of both on one history). Values are
    standardized (scale-free); pair it with :class:`~albacore.terminator.MedianErrorEvaluator`.

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
        terms = self._terms(trials, study_direction)
        if terms is None:
            return NEVER_STOP
        value = terms.value
        return min(value, NEVER_STOP) if math.isfinite(value) else NEVER_STOP

    def _terms(self, trials: list[FrozenTrial], study_direction: StudyDirection) -> EMMRTerms | None:
        """The criterion's terms at the last COMPLETE trial; None while it cannot be computed."""
        complete = [t for t in trials if t.state == TrialState.COMPLETE]
        if len(complete) < self._min_n_trials:
            return None
        encoded = _gp.encode_trials(complete, study_direction)
        if encoded is None:
            if not self._warned:
                warn("EMMREvaluator: the COMPLETE trials share no varying parameter; the study will not be stopped")
                self._warned = True
            return None
        x = encoded.x
        y, _, _ = _gp.standardize(encoded.y)
        old = _gp.fit(encoded.space, x[:-1], y[:-1], self._deterministic, theta0=self._theta)
        new = _gp.fit(encoded.space, x, y, self._deterministic, theta0=old.theta)
        self._theta = new.theta
        return self._criterion(old, new, x, y)

    def _criterion(self, old: GaussianProcess, new: GaussianProcess, x: np.ndarray, y: np.ndarray) -> EMMRTerms:
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
        kl = update_kl(var_last, old.noise, float(y[-1]) - mean_last)
        return EMMRTerms(delta_mu, gap, kappa, kl)


def update_kl(var: float, noise: float, residual: float) -> float:
    """``KL(after || before)`` of a GP posterior and its update by one more observation.

    ``var`` is the posterior variance of the latent function at the new point before it is
    observed, ``noise`` the observation noise variance and ``residual`` the observed value
    minus the posterior mean there. Both posteriors share the kernel hyperparameters, so they
    differ only through the new point's marginal, which the observation moves from
    ``N(m, var)`` to ``N(m + var * residual / (var + noise), var * noise / (var + noise))``;
    the divergence of the second from the first is Eq. (4) of Ishibashi et al. (2023):

    ``(log(1 + var / noise) - var / (var + noise) + var * residual**2 / (var + noise)**2) / 2``.
    """
    return 0.5 * (math.log1p(var / noise) - var / (var + noise) + var * residual**2 / (var + noise) ** 2)
