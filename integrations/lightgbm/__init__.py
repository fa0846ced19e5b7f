"""LightGBM integration: a pruning callback and the stepwise tuner.

``import albacore.integrations.lightgbm as lgb`` stands in for ``import lightgbm as lgb``:
``lgb.train`` runs the stepwise tuner and returns the best booster, and every other public
name of LightGBM (``lgb.Dataset``, ``lgb.cv``, ``lgb.early_stopping``, ``lgb.log_evaluation``,
...) is LightGBM's own, looked up on first use.

``import albacore.integrations.lightgbm`` does not import LightGBM; the classes do when
created (and the forwarded names when first read), and raise an ImportError naming
``pip install 'albacore[lightgbm]'`` if it is missing.
"""

from __future__ import annotations

from typing import Any

from albacore._imports import require
from albacore.integrations.lightgbm._callback import LightGBMPruningCallback
from albacore.integrations.lightgbm._public import LightGBMTuner, LightGBMTunerCV, train

__all__ = ["Dataset", "LightGBMPruningCallback", "LightGBMTuner", "LightGBMTunerCV", "train"]


def _lightgbm_names() -> list[str]:
    return list(require("lightgbm", extra="lightgbm").__all__)


def __getattr__(name: str) -> Any:
    if name.startswith("__"):  # dunder probes (pickle, inspect, copy) must not import LightGBM
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    lightgbm = require("lightgbm", extra="lightgbm")
    if name not in lightgbm.__all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r} (nor does lightgbm)")
    value = getattr(lightgbm, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_lightgbm_names()))
