"""Mutation operators of the genetic samplers.

A mutation moves one numerical parameter of a child, given in the sampler's continuous
encoding (log scale for log parameters, ints as reals), within its bounds. Without a
mutation operator a mutated parameter is drawn afresh, uniformly; categorical parameters are
always drawn afresh.
"""

from __future__ import annotations

import abc
from typing import TYPE_CHECKING

import numpy as np

from albacore._validation import check_number

if TYPE_CHECKING:
    from albacore.trial._study_protocol import StudyLike as Study


class BaseMutation(abc.ABC):
    """A mutation operator for :class:`~albacore.samplers.NSGAIISampler` and NSGA-III.

    The sampler calls :meth:`mutation` for each numerical parameter it chose to mutate (each
    with probability ``mutation_prob``) and clips the result to the bounds.

    Example:
        .. code-block:: python

            class GaussianMutation(BaseMutation):
                def mutation(self, param, rng, study, search_space_bounds):
                    low, high = search_space_bounds
                    return param + rng.normal(0.0, 0.1 * (high - low))
    """

    def __str__(self) -> str:
        return type(self).__name__

    @abc.abstractmethod
    def mutation(self, param: float, rng: np.random.Generator, study: Study, search_space_bounds: np.ndarray) -> float:
        """Return the mutated value of one parameter.

        Args:
            param: The parameter's value in the continuous encoding.
            rng: The sampler's random generator (a ``numpy.random.Generator``).
            study: The study being optimized.
            search_space_bounds: ``(2,)`` array: the parameter's low and high in the encoding.

        Returns:
            The new value in the continuous encoding.
        """


class PolynomialMutation(BaseMutation):
    """Deb's bounded polynomial mutation.

    The step is drawn from a polynomial distribution whose spread shrinks as ``eta`` grows
    and which never leaves the bounds: near a bound, steps towards it shrink in proportion
    to the room left (K. Deb and M. Goyal, "A combined genetic adaptive search (GeneAS) for
    engineering design", 1996; the variant of Deb et al.'s NSGA-II code).

    Args:
        eta: Distribution index, >= 0; larger values keep the child closer to its value.

    Raises:
        ValueError: If ``eta`` is negative or not a finite number.

    Example:
        .. code-block:: python

            sampler = NSGAIISampler(mutation=PolynomialMutation(eta=20.0), mutation_prob=0.2)
    """

    def __init__(self, eta: float = 20.0) -> None:
        self._eta = check_number("PolynomialMutation", "eta", eta, 0)

    def mutation(self, param: float, rng: np.random.Generator, study: Study, search_space_bounds: np.ndarray) -> float:
        low, high = (float(b) for b in search_space_bounds)
        width = high - low
        if width <= 0.0:
            return param
        exponent = self._eta + 1.0
        u = rng.random()
        if u < 0.5:  # move down; the room below is (param - low) / width
            room = 1.0 - (param - low) / width
            step = (2.0 * u + (1.0 - 2.0 * u) * room**exponent) ** (1.0 / exponent) - 1.0
        else:  # move up; the room above is (high - param) / width
            room = 1.0 - (high - param) / width
            step = 1.0 - (2.0 * (1.0 - u) + 2.0 * (u - 0.5) * room**exponent) ** (1.0 / exponent)
        mutated: float = param + step * width
        return mutated
