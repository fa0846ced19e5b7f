"""Crossover operators of :class:`~albacore.samplers.NSGAIISampler` and NSGA-III.

Example:
    .. code-block:: python

        from albacore.samplers import NSGAIISampler
        from albacore.samplers.nsgaii import BLXAlphaCrossover

        sampler = NSGAIISampler(crossover=BLXAlphaCrossover(alpha=0.3))
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

__all__ = [
    "BLXAlphaCrossover",
    "BaseCrossover",
    "SBXCrossover",
    "SPXCrossover",
    "UNDXCrossover",
    "UniformCrossover",
    "VSBXCrossover",
]
