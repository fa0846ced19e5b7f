"""Pruners: when to stop unpromising trials early.

Each pruner's module is imported on first use of its name, so ``import albacore`` stays
light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from albacore._lazy import lazy_exports

if TYPE_CHECKING:
    from albacore.pruners._base import BasePruner as BasePruner
    from albacore.pruners._hyperband import HyperbandPruner as HyperbandPruner
    from albacore.pruners._median import MedianPruner as MedianPruner
    from albacore.pruners._nop import NopPruner as NopPruner
    from albacore.pruners._pareto import ParetoPruner as ParetoPruner
    from albacore.pruners._patient import PatientPruner as PatientPruner
    from albacore.pruners._percentile import PercentilePruner as PercentilePruner
    from albacore.pruners._successive_halving import SuccessiveHalvingPruner as SuccessiveHalvingPruner
    from albacore.pruners._threshold import ThresholdPruner as ThresholdPruner
    from albacore.pruners._view import StudyView as StudyView
    from albacore.pruners._wilcoxon import WilcoxonPruner as WilcoxonPruner

_EXPORTS = {
    "BasePruner": "albacore.pruners._base",
    "HyperbandPruner": "albacore.pruners._hyperband",
    "MedianPruner": "albacore.pruners._median",
    "NopPruner": "albacore.pruners._nop",
    "ParetoPruner": "albacore.pruners._pareto",
    "PatientPruner": "albacore.pruners._patient",
    "PercentilePruner": "albacore.pruners._percentile",
    "SuccessiveHalvingPruner": "albacore.pruners._successive_halving",
    "ThresholdPruner": "albacore.pruners._threshold",
    "StudyView": "albacore.pruners._view",
    "WilcoxonPruner": "albacore.pruners._wilcoxon",
}

__all__ = sorted(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
