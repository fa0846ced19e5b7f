"""Hypervolume of a set of points (minimization) and each point's exclusive contribution."""

from albacore.hypervolume._compute import compute_hypervolume, hypervolume_contributions

__all__ = ["compute_hypervolume", "hypervolume_contributions"]
