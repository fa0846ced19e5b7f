"""Genetic samplers (NSGA-II, NSGA-III) and their crossovers."""

from albacore.samplers._ga._crossovers import (
    BaseCrossover,
    BLXAlphaCrossover,
    SBXCrossover,
    SPXCrossover,
    UNDXCrossover,
    UniformCrossover,
    VSBXCrossover,
)
from albacore.samplers._ga._nsga import NSGAIIISampler, NSGAIISampler

__all__ = [
    "BLXAlphaCrossover",
    "BaseCrossover",
    "NSGAIIISampler",
    "NSGAIISampler",
    "SBXCrossover",
    "SPXCrossover",
    "UNDXCrossover",
    "UniformCrossover",
    "VSBXCrossover",
]
