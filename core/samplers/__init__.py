"""Samplers: how parameter values are chosen."""

from albacore.samplers._base import BaseSampler
from albacore.samplers._random import RandomSampler
from albacore.samplers._tpe import TPESampler

__all__ = ["BaseSampler", "RandomSampler", "TPESampler"]
