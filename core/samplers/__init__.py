"""Samplers: how parameter values are chosen.

Each sampler's module (and what it needs: the GP code, ``scipy.optimize``, ``cmaes``...) is
imported on first use of its name, so ``import albacore`` stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from albacore._lazy import lazy_exports

if TYPE_CHECKING:
    from albacore.samplers import nsgaii as nsgaii
    from albacore.samplers._auto import AutoSampler as AutoSampler
    from albacore.samplers._base import BaseSampler as BaseSampler
    from albacore.samplers._base import StartDecision as StartDecision
    from albacore.samplers._brute_force import BruteForceSampler as BruteForceSampler
    from albacore.samplers._cmaes import CmaEsSampler as CmaEsSampler
    from albacore.samplers._ga._nsga import NSGAIIISampler as NSGAIIISampler
    from albacore.samplers._ga._nsga import NSGAIISampler as NSGAIISampler
    from albacore.samplers._gp._sampler import GPSampler as GPSampler
    from albacore.samplers._grid import GridSampler as GridSampler
    from albacore.samplers._partial_fixed import PartialFixedSampler as PartialFixedSampler
    from albacore.samplers._qmc import QMCSampler as QMCSampler
    from albacore.samplers._random import RandomSampler as RandomSampler
    from albacore.samplers._tpe._sampler import TPESampler as TPESampler

_EXPORTS = {
    "AutoSampler": "albacore.samplers._auto",
    "BaseSampler": "albacore.samplers._base",
    "BruteForceSampler": "albacore.samplers._brute_force",
    "CmaEsSampler": "albacore.samplers._cmaes",
    "GPSampler": "albacore.samplers._gp._sampler",
    "GridSampler": "albacore.samplers._grid",
    "NSGAIIISampler": "albacore.samplers._ga._nsga",
    "NSGAIISampler": "albacore.samplers._ga._nsga",
    "PartialFixedSampler": "albacore.samplers._partial_fixed",
    "QMCSampler": "albacore.samplers._qmc",
    "RandomSampler": "albacore.samplers._random",
    "StartDecision": "albacore.samplers._base",
    "TPESampler": "albacore.samplers._tpe._sampler",
    "nsgaii": "albacore.samplers.nsgaii",
}

__all__ = sorted(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
