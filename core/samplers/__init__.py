"""Samplers: how parameter values are chosen."""

from albacore.samplers._base import BaseSampler
from albacore.samplers._random import RandomSampler

__all__ = ["BaseSampler", "RandomSampler"]
