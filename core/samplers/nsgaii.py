"""Crossover and mutation operators of :class:`~albacore.samplers.NSGAIISampler` and NSGA-III.

Example:
    .. code-block:: python

        from albacore.samplers import NSGAIISampler
        from albacore.samplers.nsgaii import BLXAlphaCrossover, PolynomialMutation

        sampler = NSGAIISampler(crossover=BLXAlphaCrossover(alpha=0.3), mutation=PolynomialMutation())
"""

from albacore.samplers._ga._crossovers import (
    BaseCrossover,
    BLXAlphaCrossover,
    SBXCrossover,
    SPXCrossover,
    UNDXCrossover,
    UniformCrossover,
    VSBXCrossover,
)
from albacore.samplers._ga._mutations import BaseMutation, PolynomialMutation

__all__ = [
    "BLXAlphaCrossover",
    "BaseCrossover",
    "BaseMutation",
    "PolynomialMutation",
    "SBXCrossover",
    "SPXCrossover",
    "UNDXCrossover",
    "UniformCrossover",
    "VSBXCrossover",
]
