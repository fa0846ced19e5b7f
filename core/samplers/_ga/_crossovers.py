"""Crossover operators of the genetic samplers.

A crossover turns ``n_parents`` parent vectors into one child vector. Numerical parameters
are given in the sampler's continuous encoding (log scale for log parameters, ints as
reals); categorical parameters never reach a crossover, they are inherited from a parent.
"""

from __future__ import annotations

import abc
import math
from typing import TYPE_CHECKING

import numpy as np

from albacore._validation import check_interval

if TYPE_CHECKING:
    from albacore.trial._study_protocol import StudyLike as Study


class BaseCrossover(abc.ABC):
    """A crossover operator for :class:`~albacore.samplers.NSGAIISampler` and NSGA-III.

    Subclasses say how many parents they need and build one child from them. The sampler
    retries a child outside the bounds a few times, then clips it.

    Example:
        .. code-block:: python

            class MidpointCrossover(BaseCrossover):
                n_parents = 2

                def crossover(self, parents_params, rng, study, search_space_bounds):
                    return parents_params.mean(axis=0)
    """

    def __str__(self) -> str:
        return type(self).__name__

    @property
    @abc.abstractmethod
    def n_parents(self) -> int:
        """How many parents one child needs."""

    @abc.abstractmethod
    def crossover(
        self,
        parents_params: np.ndarray,
        rng: np.random.Generator,
        study: Study,
        search_space_bounds: np.ndarray,
    ) -> np.ndarray:
        """Build a child.

        Args:
            parents_params: ``(n_parents, n_params)`` parent values in continuous encoding.
            rng: The random generator to draw from.
            study: The study (e.g. to read its number of objectives).
            search_space_bounds: ``(n_params, 2)`` lower and upper bounds.

        Returns:
            The child, shape ``(n_params,)``.
        """


class UniformCrossover(BaseCrossover):
    """Each gene comes from the first or (with ``swapping_prob``) the second parent.

    Args:
        swapping_prob: Probability of taking a gene from the second parent.

    Raises:
        ValueError: If ``swapping_prob`` is outside [0, 1].
    """

    n_parents = 2

    def __init__(self, swapping_prob: float = 0.5) -> None:
        self._swapping_prob = check_interval("UniformCrossover", "swapping_prob", swapping_prob, 0.0, 1.0)

    def crossover(
        self, parents_params: np.ndarray, rng: np.random.Generator, study: Study, search_space_bounds: np.ndarray
    ) -> np.ndarray:
        swap = rng.random(parents_params.shape[1]) < self._swapping_prob
        child: np.ndarray = np.where(swap, parents_params[1], parents_params[0])
        return child


class BLXAlphaCrossover(BaseCrossover):
    """Blend crossover: each gene uniform on the parents' interval widened by ``alpha`` on both sides.

    Args:
        alpha: Relative widening of the interval between the parents.

    Raises:
        ValueError: If ``alpha`` is negative.
    """

    n_parents = 2

    def __init__(self, alpha: float = 0.5) -> None:
        self._alpha = check_interval("BLXAlphaCrossover", "alpha", alpha, 0.0, math.inf)

    def crossover(
        self, parents_params: np.ndarray, rng: np.random.Generator, study: Study, search_space_bounds: np.ndarray
    ) -> np.ndarray:
        low = parents_params.min(axis=0)
        high = parents_params.max(axis=0)
        spread = self._alpha * (high - low)
        child: np.ndarray = rng.uniform(low - spread, high + spread)
        return child


class SPXCrossover(BaseCrossover):
    """Simplex crossover: a child uniform in the parents' simplex expanded by ``epsilon`` around its centroid.

    Args:
        epsilon: Expansion rate; defaults to ``sqrt(n_params + 2)``, which keeps the
            children's covariance close to the parents'.

    Raises:
        ValueError: If ``epsilon`` is not positive.
    """

    n_parents = 3

    def __init__(self, epsilon: float | None = None) -> None:
        self._epsilon = None if epsilon is None else check_interval(
            "SPXCrossover", "epsilon", epsilon, 0.0, math.inf, low_open=True
        )

    def crossover(
        self, parents_params: np.ndarray, rng: np.random.Generator, study: Study, search_space_bounds: np.ndarray
    ) -> np.ndarray:
        n_parents, n_params = parents_params.shape
        epsilon = self._epsilon if self._epsilon is not None else math.sqrt(n_params + 2)
        centroid = parents_params.mean(axis=0)
        vertices = centroid + epsilon * (parents_params - centroid)
        # Sample the expanded simplex uniformly: r_k = u^(1/(k+1)) accumulates offsets along its edges.
        offset = np.zeros(n_params)
        for k in range(1, n_parents):
            r = rng.random() ** (1.0 / k)
            offset = r * (vertices[k - 1] - vertices[k] + offset)
        child: np.ndarray = vertices[-1] + offset
        return child


class _SimulatedBinaryBase(BaseCrossover):
    """Shared parts of SBX and vSBX: parameter checks and mixing child genes with parents'."""

    n_parents = 2
    _name = "SBXCrossover"

    def __init__(
        self, eta: float | None = None, uniform_crossover_prob: float = 0.5, use_child_gene_prob: float = 0.5
    ) -> None:
        self._eta = None if eta is None else check_interval(self._name, "eta", eta, 0.0, math.inf, low_open=True)
        self._uniform_crossover_prob = check_interval(
            self._name, "uniform_crossover_prob", uniform_crossover_prob, 0.0, 1.0
        )
        self._use_child_gene_prob = check_interval(
            self._name, "use_child_gene_prob", use_child_gene_prob, 0.0, 1.0, low_open=True
        )

    def _eta_for(self, study: Study) -> float:
        if self._eta is not None:
            return self._eta
        return 2.0 if len(study.directions) == 1 else 20.0

    def _children(
        self, p1: np.ndarray, p2: np.ndarray, rng: np.random.Generator, eta: float, bounds: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError

    def crossover(
        self, parents_params: np.ndarray, rng: np.random.Generator, study: Study, search_space_bounds: np.ndarray
    ) -> np.ndarray:
        p1, p2 = parents_params[0], parents_params[1]
        c1, c2 = self._children(p1, p2, rng, self._eta_for(study), search_space_bounds)
        use_child = rng.random(len(p1)) < self._use_child_gene_prob
        g1, g2 = np.where(use_child, c1, p1), np.where(use_child, c2, p2)
        swap = rng.random(len(p1)) < self._uniform_crossover_prob
        return np.where(swap, g2, g1)


class SBXCrossover(_SimulatedBinaryBase):
    """Simulated binary crossover, bounded form: children spread around the parents like a
    one-point crossover of binary strings, with a spread distribution truncated at the bounds.

    Args:
        eta: Distribution index; larger keeps children closer to their parents. Defaults to
            2 for one objective and 20 for several.
        uniform_crossover_prob: Probability, per gene, of swapping the two children's genes.
        use_child_gene_prob: Probability, per gene, of using the crossed gene rather than the
            parent's.

    Raises:
        ValueError: On a parameter outside its range.
    """

    _name = "SBXCrossover"

    def _children(
        self, p1: np.ndarray, p2: np.ndarray, rng: np.random.Generator, eta: float, bounds: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        low, high = bounds[:, 0], bounds[:, 1]
        y1, y2 = np.minimum(p1, p2), np.maximum(p1, p2)
        gap = np.maximum(y2 - y1, 1e-14)
        u = rng.random(len(p1))

        def spread(beta: np.ndarray) -> np.ndarray:
            alpha = 2.0 - np.power(beta, -(eta + 1.0))
            small = u <= 1.0 / alpha
            with np.errstate(divide="ignore", invalid="ignore"):
                q: np.ndarray = np.where(
                    small,
                    np.power(u * alpha, 1.0 / (eta + 1.0)),
                    np.power(1.0 / np.maximum(2.0 - u * alpha, 1e-14), 1.0 / (eta + 1.0)),
                )
            return q

        beta_low = 1.0 + 2.0 * np.maximum(y1 - low, 0.0) / gap
        beta_high = 1.0 + 2.0 * np.maximum(high - y2, 0.0) / gap
        c1 = 0.5 * ((y1 + y2) - spread(beta_low) * (y2 - y1))
        c2 = 0.5 * ((y1 + y2) + spread(beta_high) * (y2 - y1))
        same = np.isclose(p1, p2)
        return np.where(same, p1, c1), np.where(same, p2, c2)


class VSBXCrossover(_SimulatedBinaryBase):
    """Simulated binary crossover, unbounded ("vSBX") form: the spread factor follows the
    untruncated SBX distribution, so children may land beyond the parents in either direction;
    the sampler then keeps them inside the bounds.

    Args:
        eta: Distribution index; larger keeps children closer to their parents. Defaults to
            2 for one objective and 20 for several.
        uniform_crossover_prob: Probability, per gene, of swapping the two children's genes.
        use_child_gene_prob: Probability, per gene, of using the crossed gene rather than the
            parent's.

    Raises:
        ValueError: On a parameter outside its range.
    """

    _name = "VSBXCrossover"

    def _children(
        self, p1: np.ndarray, p2: np.ndarray, rng: np.random.Generator, eta: float, bounds: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        u = rng.random(len(p1))
        beta = np.where(
            u <= 0.5,
            np.power(2.0 * u, 1.0 / (eta + 1.0)),
            np.power(1.0 / (2.0 * (1.0 - u) + 1e-14), 1.0 / (eta + 1.0)),
        )
        c1 = 0.5 * ((1.0 + beta) * p1 + (1.0 - beta) * p2)
        c2 = 0.5 * ((1.0 - beta) * p1 + (1.0 + beta) * p2)
        return c1, c2


class UNDXCrossover(BaseCrossover):
    """Unimodal normal distribution crossover: a child normally distributed around the midpoint
    of two parents, along their difference and, across it, scaled by a third parent's distance.

    Args:
        sigma_xi: Standard deviation along the line between the first two parents.
        sigma_eta: Standard deviation across it; defaults to ``0.35 / sqrt(n_params)``.

    Raises:
        ValueError: If a standard deviation is not positive.
    """

    n_parents = 3

    def __init__(self, sigma_xi: float = 0.5, sigma_eta: float | None = None) -> None:
        self._sigma_xi = check_interval("UNDXCrossover", "sigma_xi", sigma_xi, 0.0, math.inf, low_open=True)
        self._sigma_eta = None if sigma_eta is None else check_interval(
            "UNDXCrossover", "sigma_eta", sigma_eta, 0.0, math.inf, low_open=True
        )

    def crossover(
        self, parents_params: np.ndarray, rng: np.random.Generator, study: Study, search_space_bounds: np.ndarray
    ) -> np.ndarray:
        p1, p2, p3 = parents_params[0], parents_params[1], parents_params[2]
        n = len(p1)
        midpoint = 0.5 * (p1 + p2)
        diff = p2 - p1
        length = np.linalg.norm(diff)
        child: np.ndarray = midpoint + rng.normal(0.0, self._sigma_xi) * diff
        if n == 1:
            return child
        sigma_eta = self._sigma_eta if self._sigma_eta is not None else 0.35 / math.sqrt(n)
        if length > 0:
            direction = diff / length
            to_third = p3 - p1
            distance = np.linalg.norm(to_third - np.dot(to_third, direction) * direction)
            # Orthonormal basis of the complement of `direction` (QR of [direction | I]).
            q, _ = np.linalg.qr(np.column_stack([direction, np.eye(n)]))
            basis = q[:, 1:n]
        else:
            distance = np.linalg.norm(p3 - p1)
            basis = np.eye(n)
        etas = rng.normal(0.0, sigma_eta, size=basis.shape[1])
        offspring: np.ndarray = child + distance * basis @ etas
        return offspring
