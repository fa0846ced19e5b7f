"""Tree-structured Parzen Estimator sampler."""

from albacore.samplers._tpe._sampler import TPESampler

__all__ = ["TPESampler"]
