"""AutoSampler: picks the sampler that suits the study's search space, objectives and phase."""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Callable, cast

import numpy as np

from albacore._validation import check_callable, check_seed
from albacore.distributions import BaseDistribution, CategoricalDistribution, FloatDistribution, IntDistribution
from albacore.logging import get_logger
from albacore.samplers._base import BaseSampler
from albacore.samplers._cache import StudyCache, Unpickled
from albacore.samplers._partial_fixed import PartialFixedSampler
from albacore.trial._frozen import FrozenTrial
from albacore.trial._state import TrialState

if TYPE_CHECKING:
    from albacore.trial._study_protocol import StudyLike as Study

_logger = get_logger(__name__)

CHOICE_KEY = "auto:sampler"
CMAES_X0_KEY = "auto:cmaes_x0"
#: System attribute of the trial that repeats the parameters of trial N (its value: N).
REPEAT_KEY = "auto:repeat_of"

#: Largest number of parameters the GP is used for.
GP_MAX_PARAMS = 12
#: Number of finished trials after which a single-objective continuous study moves from the
#: GP to CMA-ES (the GP's cost grows with the history; CMA-ES's does not).
GP_MAX_TRIALS = 200
#: Number of finished trials after which a multi-objective study moves from the GP to NSGA-II.
GP_MAX_TRIALS_MULTI = 200
#: Completed trials from which the GP's fit is checked for a rugged landscape.
RUGGED_MIN_TRIALS = 30
#: Share of the (standardized) objective's variance that the GP explains as noise above which
#: a deterministic objective's landscape is too rugged for the GP.
RUGGED_NOISE = 5e-3


class _SpaceSummary:
    """Incrementally maintained union and intersection of the finished trials' parameters."""

    def __init__(self) -> None:
        self.seen: set[int] = set()
        self.union: dict[str, BaseDistribution] = {}
        self.intersection: dict[str, BaseDistribution] | None = None
        self.n_complete = 0

    def update(self, trials: list[FrozenTrial]) -> None:
        for t in trials:
            if t.number in self.seen:
                continue
            self.seen.add(t.number)
            self.n_complete += 1
            self.union.update(t.distributions)
            if self.intersection is None:
                self.intersection = dict(t.distributions)
            else:
                self.intersection = {
                    n: d for n, d in self.intersection.items() if t.distributions.get(n) == d
                }

    @property
    def conditional(self) -> bool:
        return self.intersection is not None and set(self.intersection) != set(self.union)


def _new_state(study: Study) -> dict[str, Any]:
    return {"summary": _SpaceSummary(), "cmaes": None, "choices": {}}


class AutoSampler(Unpickled, BaseSampler):
    """Chooses, per study and per phase, the sampler that does best on that kind of problem.

    The rules, applied before every trial from what the storage holds (so every worker
    makes the same choice), with ``d`` the number of parameters seen so far and ``n`` the
    number of completed trials:

    * **Single objective, d <= 12, n < 200:** :class:`GPSampler` (Bayesian optimization
      is the most sample-efficient on small budgets; it models conditional spaces too),
      with one exception for rugged landscapes, below.
    * **Single objective, numerical parameters only, no conditional parameters, d >= 2, no
      constraints, n >= 30, and the GP explains more than 0.5% of the objective's variance
      as noise:** the next trial repeats the best trial's parameters (recorded as
      ``"repeat"``, with the repeated trial's number in the system attribute
      ``"auto:repeat_of"``). A different value means a noisy objective, which the GP models
      well: the GP goes on, and no trial is repeated again. The same value means a
      deterministic objective whose ripples the GP cannot follow: :class:`CmaEsSampler`
      with IPOP restarts takes over for the rest of the study, started from the best trial.
    * **Single objective, numerical parameters only, no conditional parameters, d >= 2,
      n >= 200, no constraints:** :class:`CmaEsSampler` with IPOP restarts, started from
      the best trial so far (long continuous runs; its cost per trial does not grow with
      the history).
    * **Multi-objective, d <= 12, n < 200:** :class:`GPSampler` (expected hypervolume
      improvement).
    * **Multi-objective, n >= 200:** :class:`NSGAIISampler`.
    * **Everything else** (more than 12 parameters, long runs with categorical or
      conditional parameters): :class:`TPESampler` with ``multivariate=True, group=True``
      (its cost per trial stays nearly flat as the history grows).

    While it runs the GP, it proposes exactly what ``GPSampler(seed=seed)`` proposes (the
    GP gets ``seed`` itself, the other samplers seeds derived from it).
    ``benchmarks/results/quality_auto.txt`` compares it with every other sampler.

    The sampler chosen for a trial is recorded in its system attribute ``"auto:sampler"``.
    No sampler it delegates to warns about parameters it samples independently (a new
    branch of a define-by-run space is expected, not a mistake).

    Args:
        seed: Seed of the random generators of the samplers it delegates to.
        constraints_func: Constraint function passed to the samplers that support
            constraints (feasible when every value is ``<= 0``); with constraints, CMA-ES
            is never chosen.

    Example:
        .. code-block:: python

            study = albacore.create_study(sampler=albacore.samplers.AutoSampler(seed=0))
            study.optimize(lambda t: t.suggest_float("x", -3, 3) ** 2, n_trials=30)
    """

    _unpickled = {"_lock": threading.Lock}
    _lock: threading.Lock

    def __init__(
        self, seed: int | None = None, *, constraints_func: Callable[[FrozenTrial], Sequence[float]] | None = None
    ) -> None:
        check_seed("AutoSampler", seed)
        if constraints_func is not None:
            check_callable("AutoSampler", "constraints_func", constraints_func)
        self._seed = seed
        self._constraints_func = constraints_func
        self._seeds = self._child_seeds(seed)
        self._samplers: dict[str, BaseSampler] = {}
        # Per study: its CMA-ES, space summary and the sampler chosen for each running trial.
        self._studies: StudyCache[dict[str, Any]] = StudyCache(_new_state)
        self._init_unpickled()

    @staticmethod
    def _child_seeds(seed: int | None) -> dict[str, int | None]:
        """Seeds of the delegates: the GP gets ``seed`` itself, the others seeds derived from it.

        So ``AutoSampler(seed=s)`` proposes exactly what ``GPSampler(seed=s)`` proposes for as
        long as it runs the GP, and a comparison of the two shows what Auto's rules add.
        """
        names = ("tpe", "cmaes", "nsga2")
        if seed is None:
            return dict.fromkeys(("gp", *names))
        children = np.random.SeedSequence(int(seed)).generate_state(len(names))
        return {"gp": int(seed), **{name: int(s) for name, s in zip(names, children)}}

    def _state(self, study: Study) -> dict[str, Any]:
        """This sampler's bookkeeping for ``study`` (call with the lock held)."""
        return self._studies.get(study)

    @property
    def n_startup_trials(self) -> int:
        """The ``n_startup_trials`` of the GP, the sampler every study starts with."""
        return self._sampler("gp").n_startup_trials

    def reseed_rng(self) -> None:
        cmaes = [state["cmaes"] for state in self._studies.values() if state["cmaes"] is not None]
        for sampler in list(self._samplers.values()) + cmaes:
            sampler.reseed_rng()

    # --- the choice ---------------------------------------------------------------------------
    def _sampler(self, name: str) -> BaseSampler:
        with self._lock:
            sampler = self._samplers.get(name)
            if sampler is None:
                # Each sampler's module (the GP's pulls in scipy.optimize) loads when it is first chosen.
                seed = self._seeds[name]
                if name == "gp":
                    from albacore.samplers._gp._sampler import GPSampler

                    # A parameter new to the GP (a branch seen for the first time) is expected
                    # in define-by-run code; its warning would name an argument Auto lacks.
                    sampler = GPSampler(
                        seed=seed, constraints_func=self._constraints_func, warn_independent_sampling=False
                    )
                elif name == "nsga2":
                    from albacore.samplers._ga._nsga import NSGAIISampler

                    sampler = NSGAIISampler(seed=seed, constraints_func=self._constraints_func)
                else:
                    from albacore.samplers._tpe._sampler import TPESampler

                    sampler = TPESampler(
                        seed=seed, multivariate=True, group=True, constraints_func=self._constraints_func
                    )
                self._samplers[name] = sampler
            return sampler

    def _cmaes_sampler(self, study: Study, summary: _SpaceSummary, trials: list[FrozenTrial]) -> BaseSampler:
        """The CMA-ES of ``study``, started from the best trial when the study switched to it."""
        from albacore.samplers import CmaEsSampler

        with self._lock:
            sampler: BaseSampler | None = self._state(study)["cmaes"]
        if sampler is not None:
            return sampler
        x0 = study.system_attrs.get(CMAES_X0_KEY)
        if x0 is None:
            x0 = {n: v for n, v in _best(study, trials).params.items() if n in (summary.intersection or {})}
            study.set_system_attr(CMAES_X0_KEY, x0)
        discrete = any(
            isinstance(d, IntDistribution) or (isinstance(d, FloatDistribution) and d.step is not None)
            for d in (summary.intersection or {}).values()
        )
        sampler = CmaEsSampler(
            x0=x0, seed=self._seeds["cmaes"], n_startup_trials=0, restart_strategy="ipop",
            with_margin=discrete, warn_independent_sampling=False,
        )
        with self._lock:
            self._state(study)["cmaes"] = sampler
        return sampler

    def _choose(self, study: Study) -> tuple[str, BaseSampler]:
        every_trial = study.get_trials(deepcopy=False)
        trials = [t for t in every_trial if t.state == TrialState.COMPLETE]
        with self._lock:
            summary = self._state(study)["summary"]
            summary.update(trials)
        n, d = summary.n_complete, len(summary.union)
        small_space = d <= GP_MAX_PARAMS
        if len(study.directions) > 1:
            if n >= GP_MAX_TRIALS_MULTI:
                return "nsga2", self._sampler("nsga2")
            return ("gp", self._sampler("gp")) if small_space else ("tpe", self._sampler("tpe"))
        cmaes_fits = self._cmaes_fits(summary)
        if small_space and n < GP_MAX_TRIALS:
            choice = self._gp_or_cmaes(study, trials, every_trial) if cmaes_fits else "gp"
            if choice == "cmaes":
                return "cmaes", self._cmaes_sampler(study, summary, trials)
            if choice == "repeat":
                return "repeat", _Repeat(_best(study, trials), self._sampler("gp"))
            return "gp", self._sampler("gp")
        if n >= GP_MAX_TRIALS and cmaes_fits:
            return "cmaes", self._cmaes_sampler(study, summary, trials)
        return "tpe", self._sampler("tpe")

    def _cmaes_fits(self, summary: _SpaceSummary) -> bool:
        """Whether CMA-ES can take the whole space: numbers only, no branches, no constraints."""
        return (
            len(summary.union) >= 2 and not summary.conditional and self._constraints_func is None
            and not any(isinstance(dist, CategoricalDistribution) for dist in summary.union.values())
        )

    def _gp_or_cmaes(self, study: Study, trials: list[FrozenTrial], every_trial: list[FrozenTrial]) -> str:
        """``"gp"``, ``"cmaes"`` or ``"repeat"``: whether the GP suits the landscape of a small study.

        A GP that explains more than ``RUGGED_NOISE`` of the objective's variance as noise
        after ``RUGGED_MIN_TRIALS`` trials faces either a noisy objective (which it models
        well) or a deterministic but rugged one (whose ripples it cannot follow). One trial
        that repeats the best trial's parameters tells them apart (``"repeat"`` asks for
        it): the same value means deterministic, hence rugged, and CMA-ES takes over. The
        verdict is read back from the storage, so every worker and a resumed study reach the
        same one; a repeat that did not complete leaves the GP in charge.
        """
        repeats = [t for t in every_trial if REPEAT_KEY in t.system_attrs]
        if repeats:
            values = {t.number: t.value for t in trials}
            for t in repeats:
                original = values.get(t.system_attrs[REPEAT_KEY])
                if t.state == TrialState.COMPLETE and original is not None:
                    same = math.isclose(cast(float, t.value), original, rel_tol=1e-9, abs_tol=0.0)
                    return "cmaes" if same else "gp"
            return "gp"
        if len(trials) < RUGGED_MIN_TRIALS:
            return "gp"
        noise = self._sampler("gp")._fitted_noise(study)  # type: ignore[attr-defined]
        return "repeat" if noise is not None and noise > RUGGED_NOISE else "gp"

    def _chosen(self, study: Study, trial: FrozenTrial) -> BaseSampler:
        with self._lock:
            sampler: BaseSampler | None = self._state(study)["choices"].get(trial.number)
        if sampler is None:  # a hook called without before_trial: decide now
            _, sampler = self._choose(study)
        return sampler

    # --- the sampler hooks --------------------------------------------------------------------
    def before_trial(self, study: Study, trial: FrozenTrial) -> None:
        name, sampler = self._choose(study)
        with self._lock:
            self._state(study)["choices"][trial.number] = sampler
        study.set_trial_system_attr(trial, CHOICE_KEY, name)
        if isinstance(sampler, _Repeat):
            study.set_trial_system_attr(trial, REPEAT_KEY, sampler.original)
        sampler.before_trial(study, trial)

    def infer_relative_search_space(self, study: Study, trial: FrozenTrial) -> dict[str, BaseDistribution]:
        return self._chosen(study, trial).infer_relative_search_space(study, trial)

    def sample_relative(
        self, study: Study, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        return self._chosen(study, trial).sample_relative(study, trial, search_space)

    def sample_independent(
        self, study: Study, trial: FrozenTrial, param_name: str, param_distribution: BaseDistribution
    ) -> Any:
        return self._chosen(study, trial).sample_independent(study, trial, param_name, param_distribution)

    def after_trial(
        self, study: Study, trial: FrozenTrial, state: TrialState, values: Sequence[float] | None
    ) -> None:
        sampler = self._chosen(study, trial)
        with self._lock:
            self._state(study)["choices"].pop(trial.number, None)
        # The constraints of a trial are computed whoever sampled it, so later choices see them.
        sampler.after_trial(study, trial, state, values)


class _Repeat(PartialFixedSampler):
    """Samples the parameters of trial number ``original`` again (other parameters: ``base``)."""

    def __init__(self, original: FrozenTrial, base: BaseSampler) -> None:
        super().__init__(original.params, base)
        self.original = original.number


def _best(study: Study, trials: list[FrozenTrial]) -> FrozenTrial:
    """The best of ``trials``, completed trials of a single-objective ``study``."""
    sign = 1.0 if study.direction.name == "MINIMIZE" else -1.0
    return min(trials, key=lambda t: sign * cast(float, t.value))
