"""Samplers: how parameter values are chosen."""

from albacore.samplers._auto import AutoSampler
from albacore.samplers._base import BaseSampler
from albacore.samplers._brute_force import BruteForceSampler
from albacore.samplers._cmaes import CmaEsSampler
from albacore.samplers._ga import NSGAIIISampler, NSGAIISampler
from albacore.samplers._gp import GPSampler
from albacore.samplers._grid import GridSampler
from albacore.samplers._partial_fixed import PartialFixedSampler
from albacore.samplers._qmc import QMCSampler
from albacore.samplers._random import RandomSampler
from albacore.samplers._tpe import TPESampler
from albacore.samplers import nsgaii

__all__ = [
    "AutoSampler",
    "BaseSampler",
    "BruteForceSampler",
    "CmaEsSampler",
    "GPSampler",
    "GridSampler",
    "NSGAIIISampler",
    "NSGAIISampler",
    "PartialFixedSampler",
    "QMCSampler",
    "RandomSampler",
    "TPESampler",
    "nsgaii",
]
