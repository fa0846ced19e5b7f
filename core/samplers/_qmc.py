"""QMCSampler: low-discrepancy (Sobol or Halton) sequences over the search space."""

from __future__ import annotations

import threading
import warnings
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from albacore._rng import SeededRNG
from albacore._validation import check_choice, check_seed, check_type
from albacore._warnings import warn
from albacore.distributions import (
    BaseDistribution,
    distribution_to_json,
    json_to_distribution,
)
from albacore.logging import get_logger
from albacore.samplers._base import BaseSampler
from albacore.samplers._cache import Unpickled
from albacore.samplers._random import RandomSampler
from albacore.samplers._transform import unit_to_external
from albacore.trial._frozen import FrozenTrial
from albacore.trial._state import TrialState

if TYPE_CHECKING:
    from albacore.trial._study_protocol import StudyLike as Study

_logger = get_logger(__name__)

SEARCH_SPACE_KEY = "qmc:search_space"
SEED_KEY = "qmc:seed"
INDEX_KEY = "qmc:index"
_QMC_TYPES = ("sobol", "halton")


class QMCSampler(Unpickled, BaseSampler):
    """Quasi-Monte Carlo sampler: covers the search space evenly with a Sobol or Halton sequence.

    The search space is fixed by the first completed trial (stored in the study, so every
    worker uses the same one); trial ``n`` takes point ``n`` of the sequence, so workers
    sharing a storage draw disjoint points of one sequence. Parameters outside that space
    (e.g. conditional ones), and every parameter of trials before the first completes,
    are drawn by ``independent_sampler``.

    Args:
        qmc_type: ``"sobol"`` or ``"halton"``.
        scramble: Randomize the sequence (Owen scrambling for Sobol); the scrambling seed
            is stored in the study so all workers scramble alike.
        seed: Seed of the scrambling (when ``scramble``) and of the default independent
            sampler.
        independent_sampler: Sampler for parameters outside the QMC space; defaults to a
            :class:`RandomSampler` with ``seed``.
        warn_independent_sampling: Warn when a parameter is sampled independently after
            the search space is known.
        warn_asynchronous_seeding: Warn when ``seed`` differs from the scrambling seed
            already stored in the study by another worker (the stored one is used).

    Raises:
        ValueError: On an unknown ``qmc_type``.
        TypeError: If ``independent_sampler`` is not a sampler.

    Example:
        .. code-block:: python

            sampler = albacore.samplers.QMCSampler(qmc_type="sobol", scramble=True, seed=0)
            study = albacore.create_study(sampler=sampler)
            study.optimize(lambda t: t.suggest_float("x", -1, 1) ** 2, n_trials=32)
    """

    _unpickled = {"_lock": threading.Lock, "_engines": dict}
    _lock: threading.Lock
    _engines: dict[tuple[int, int | None], Any]  # (dimension, scramble seed) -> scipy QMC engine

    def __init__(
        self,
        *,
        qmc_type: str = "sobol",
        scramble: bool = False,
        seed: int | None = None,
        independent_sampler: BaseSampler | None = None,
        warn_independent_sampling: bool = True,
        warn_asynchronous_seeding: bool = True,
    ) -> None:
        check_choice("QMCSampler", "qmc_type", qmc_type, _QMC_TYPES)
        check_type(
            "QMCSampler", "independent_sampler", independent_sampler, BaseSampler, "a BaseSampler", allow_none=True
        )
        check_seed("QMCSampler", seed)
        self._qmc_type = qmc_type
        self._scramble = bool(scramble)
        self._seed = None if seed is None else int(seed)
        self._rng = SeededRNG(seed)
        self._independent_sampler = independent_sampler or RandomSampler(seed=seed)
        self._warn_independent_sampling = warn_independent_sampling
        self._warn_asynchronous_seeding = warn_asynchronous_seeding
        self._init_unpickled()  # _lock, and _engines: (dimension, seed) -> scipy QMC engine
        self._warned_seed = False

    def reseed_rng(self) -> None:
        self._rng.reseed()
        self._independent_sampler.reseed_rng()

    # --- the search space, shared through the study -------------------------------------------
    def infer_relative_search_space(self, study: Study, trial: FrozenTrial) -> dict[str, BaseDistribution]:
        stored = study.system_attrs.get(SEARCH_SPACE_KEY)
        if stored is None:
            first = next(iter(study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))), None)
            if first is None:
                return {}
            space = {n: d for n, d in sorted(first.distributions.items()) if not d.single()}
            stored = {n: distribution_to_json(d) for n, d in space.items()}
            study.set_system_attr(SEARCH_SPACE_KEY, stored)
        return {name: json_to_distribution(text) for name, text in stored.items()}

    def sample_relative(
        self, study: Study, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        if not search_space:
            return {}
        point = self._point(study, trial.number, len(search_space))
        study.set_trial_system_attr(trial, INDEX_KEY, trial.number)
        return {name: unit_to_external(u, dist) for u, (name, dist) in zip(point, search_space.items())}

    def sample_independent(
        self, study: Study, trial: FrozenTrial, param_name: str, param_distribution: BaseDistribution
    ) -> Any:
        if self._warn_independent_sampling and SEARCH_SPACE_KEY in study.system_attrs:
            warn(
                f"QMCSampler: parameter {param_name!r} of trial {trial.number} is outside the QMC search "
                f"space fixed by the first completed trial; it is sampled by "
                f"{type(self._independent_sampler).__name__}"
            )
        return self._independent_sampler.sample_independent(study, trial, param_name, param_distribution)

    def before_trial(self, study: Study, trial: FrozenTrial) -> None:
        self._independent_sampler.before_trial(study, trial)

    def after_trial(self, study: Study, trial: FrozenTrial, state: TrialState, values: Any) -> None:
        self._independent_sampler.after_trial(study, trial, state, values)

    # --- the sequence -------------------------------------------------------------------------
    def _scramble_seed(self, study: Study) -> int | None:
        if not self._scramble:
            return None
        stored = study.system_attrs.get(SEED_KEY)
        if stored is None:
            seed = self._seed if self._seed is not None else int(self._rng.rng.integers(2**31 - 1))
            study.set_system_attr(SEED_KEY, seed)
            stored = study.system_attrs.get(SEED_KEY, seed)  # another worker may have won the race
        if (
            self._warn_asynchronous_seeding
            and self._seed is not None
            and stored != self._seed
            and not self._warned_seed
        ):
            self._warned_seed = True
            warn(
                f"QMCSampler: seed={self._seed} differs from the scrambling seed {stored} stored in study "
                f"{study.study_name!r} by another worker; the stored seed is used so all workers share one sequence"
            )
        return int(stored)

    def _point(self, study: Study, index: int, dim: int) -> np.ndarray:
        seed = self._scramble_seed(study)
        key = (dim, seed)
        with self._lock:
            engine = self._engines.get(key)
            if engine is None:
                from scipy.stats import qmc

                cls = qmc.Sobol if self._qmc_type == "sobol" else qmc.Halton
                engine = cls(d=dim, scramble=self._scramble, seed=seed)
                self._engines[key] = engine
            # Trials mostly come in order: move forward from the engine's position when possible.
            if engine.num_generated > index:
                engine.reset()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # Sobol's note on powers of two does not apply one point at a time
                if index > engine.num_generated:
                    engine.fast_forward(index - engine.num_generated)
                return cast(np.ndarray, engine.random(1)[0])
