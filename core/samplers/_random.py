"""RandomSampler: independent uniform sampling."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from albacore._rng import SeededRNG
from albacore.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from albacore.samplers._base import BaseSampler
from albacore.samplers._transform import distribution_kind, encoded_bounds, grid_size
from albacore.trial._frozen import FrozenTrial

if TYPE_CHECKING:
    from albacore.trial._study_protocol import StudyLike as Study


def sample_uniform(rng: np.random.Generator, distribution: BaseDistribution) -> Any:
    """Draw one external value uniformly from ``distribution`` (log-uniformly when log=True).

    Steps are honoured: a value of a stepped distribution lies on its grid.
    """
    kind = distribution_kind(distribution)
    if kind is CategoricalDistribution:
        choices = cast(CategoricalDistribution, distribution).choices
        return choices[int(rng.integers(len(choices)))]
    if kind is IntDistribution:
        ints = cast(IntDistribution, distribution)
        if ints.log:
            value = int(round(math.exp(rng.uniform(*encoded_bounds(ints)))))
            return min(max(value, ints.low), ints.high)
        return ints.low + int(rng.integers(cast(int, grid_size(ints)))) * ints.step
    floats = cast(FloatDistribution, distribution)
    if floats.log:
        sample = math.exp(rng.uniform(*encoded_bounds(floats)))
    elif floats.step is not None:
        sample = floats.low + int(rng.integers(cast(int, grid_size(floats)))) * floats.step
    else:  # low + width * U[0, 1): a third of the cost of rng.uniform for one scalar
        sample = floats.low + (floats.high - floats.low) * rng.random()
    return float(min(max(sample, floats.low), floats.high))


class RandomSampler(BaseSampler):
    """Samples every parameter independently and uniformly (log-uniformly for log params).

    Args:
        seed: Seed of the random generator; the same seed gives the same sequence of
            parameters with one worker.

    Example:
        .. code-block:: python

            study = albacore.create_study(sampler=albacore.samplers.RandomSampler(seed=0))
    """

    def __init__(self, seed: int | None = None) -> None:
        self._rng = SeededRNG(seed)

    def reseed_rng(self) -> None:
        self._rng.reseed()

    def infer_relative_search_space(self, study: Study, trial: FrozenTrial) -> dict[str, BaseDistribution]:
        return {}

    def sample_relative(
        self, study: Study, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        return {}

    def sample_independent(
        self, study: Study, trial: FrozenTrial, param_name: str, param_distribution: BaseDistribution
    ) -> Any:
        return sample_uniform(self._rng.rng, param_distribution)
