"""PartialFixedSampler: fix some parameters, let another sampler choose the rest."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from albacore._validation import check_type
from albacore._warnings import warn
from albacore.distributions import BaseDistribution
from albacore.samplers._base import BaseSampler, StartDecision
from albacore.trial._frozen import FrozenTrial
from albacore.trial._state import TrialState
from albacore.trial._trial import unusable_reason

if TYPE_CHECKING:
    from albacore.trial._study_protocol import StudyLike as Study


class PartialFixedSampler(BaseSampler):
    """Wraps a sampler and pins some parameters to given values.

    Fixed parameters are removed from the base sampler's joint search space and always
    take their fixed value; every other parameter is sampled by ``base_sampler``.

    Args:
        fixed_params: Parameter name to the value it always takes. A value outside the
            bounds the objective suggests is used as given, with a warning; one that the
            distribution cannot hold (not a choice, not finite, <= 0 on a log scale) raises
            ValueError when suggested, so it never reaches the base sampler's model.
        base_sampler: The sampler for the other parameters.

    Raises:
        TypeError: If ``fixed_params`` is not a dict or ``base_sampler`` not a sampler.

    Example:
        .. code-block:: python

            base = albacore.samplers.RandomSampler(seed=0)
            sampler = albacore.samplers.PartialFixedSampler({"y": 0}, base)
            study = albacore.create_study(sampler=sampler)
    """

    def __init__(self, fixed_params: Mapping[str, Any], base_sampler: BaseSampler) -> None:
        check_type("PartialFixedSampler", "fixed_params", fixed_params, Mapping, "a dict")
        check_type("PartialFixedSampler", "base_sampler", base_sampler, BaseSampler, "a BaseSampler")
        self._fixed_params = dict(fixed_params)
        self._base_sampler = base_sampler

    @property
    def fixed_params(self) -> dict[str, Any]:
        """The fixed parameters."""
        return dict(self._fixed_params)

    @property
    def base_sampler(self) -> BaseSampler:
        """The sampler of the other parameters."""
        return self._base_sampler

    @property
    def n_startup_trials(self) -> int:
        """The base sampler's ``n_startup_trials``."""
        return self._base_sampler.n_startup_trials

    def reseed_rng(self) -> None:
        self._base_sampler.reseed_rng()

    def infer_relative_search_space(self, study: Study, trial: FrozenTrial) -> dict[str, BaseDistribution]:
        space = self._base_sampler.infer_relative_search_space(study, trial)
        return {name: dist for name, dist in space.items() if name not in self._fixed_params}

    def sample_relative(
        self, study: Study, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        return self._base_sampler.sample_relative(study, trial, search_space)

    def sample_independent(
        self, study: Study, trial: FrozenTrial, param_name: str, param_distribution: BaseDistribution
    ) -> Any:
        if param_name not in self._fixed_params:
            return self._base_sampler.sample_independent(study, trial, param_name, param_distribution)
        value = self._fixed_params[param_name]
        reason = unusable_reason(param_distribution, value)
        if reason is not None:
            raise ValueError(
                f"PartialFixedSampler: fixed value {value!r} of parameter {param_name!r} cannot be used "
                f"with {param_distribution!r}: {reason}"
            )
        try:
            inside = param_distribution.contains(param_distribution.to_internal_repr(value))
        except ValueError:
            inside = False
        if not inside:
            warn(
                f"PartialFixedSampler: fixed value {value!r} of parameter {param_name!r} is outside "
                f"{param_distribution!r}; it is used as given"
            )
        return value

    def can_start_trial(self, study: Study) -> StartDecision:
        return self._base_sampler.can_start_trial(study)

    def before_trial(self, study: Study, trial: FrozenTrial) -> None:
        self._base_sampler.before_trial(study, trial)

    def after_trial(
        self, study: Study, trial: FrozenTrial, state: TrialState, values: Sequence[float] | None
    ) -> None:
        self._base_sampler.after_trial(study, trial, state, values)
