"""Gaussian-process Bayesian optimization."""

from albacore.samplers._gp._sampler import GPSampler

__all__ = ["GPSampler"]
