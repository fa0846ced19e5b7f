"""Pruners: when to stop unpromising trials early."""

from albacore.pruners._base import BasePruner
from albacore.pruners._nop import NopPruner

__all__ = ["BasePruner", "NopPruner"]
