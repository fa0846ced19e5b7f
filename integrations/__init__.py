"""Adapters between albacore and ML frameworks.

Each framework has its own module, ``albacore.integrations.<framework>``, which imports the
framework only when used; a missing framework gives an ImportError naming the pip extra
that installs it.

The classes are also reachable flat, as ``optuna.integration`` offers them
(``albacore.integrations.LightGBMPruningCallback``); the first access to such a name imports
its module (and so its framework), ``import albacore.integrations`` imports none.
"""

from __future__ import annotations

from albacore._lazy import lazy_exports

_MODULES = {
    "catboost": ("CatBoostPruningCallback",),
    "dask": ("DaskStorage",),
    "fastai": ("FastAIPruningCallback", "FastAIV2PruningCallback"),
    "keras": ("KerasPruningCallback",),
    "lightgbm": ("LightGBMPruningCallback", "LightGBMTuner", "LightGBMTunerCV"),
    "mlflow": ("MLflowCallback",),
    "pytorch_distributed": ("TorchDistributedTrial",),
    "pytorch_ignite": ("PyTorchIgnitePruningHandler",),
    "pytorch_lightning": ("PyTorchLightningPruningCallback",),
    "ray": ("RayExecutor", "RayStorage"),
    "shap": ("ShapleyImportanceEvaluator",),
    "sklearn": ("AlbacoreSearchCV",),
    "skorch": ("SkorchPruningCallback",),
    "tensorboard": ("TensorBoardCallback",),
    "wandb": ("WeightsAndBiasesCallback",),
    "xgboost": ("XGBoostPruningCallback",),
}
_EXPORTS = {name: f"{__name__}.{module}" for module, names in _MODULES.items() for name in names}

# Empty on purpose: every flat name imports a framework, and ``from albacore.integrations
# import *`` (or a tool listing __all__) must not import them all.
__all__: list[str] = []

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
