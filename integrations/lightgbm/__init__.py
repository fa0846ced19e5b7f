"""LightGBM integration: a pruning callback and the stepwise tuner.

``import albacore.integrations.lightgbm`` does not import LightGBM; the classes do when
created, and raise an ImportError naming ``pip install 'albacore[lightgbm]'`` if it is
missing.
"""

from albacore.integrations.lightgbm._callback import LightGBMPruningCallback
from albacore.integrations.lightgbm._public import LightGBMTuner, LightGBMTunerCV, train

__all__ = ["LightGBMPruningCallback", "LightGBMTuner", "LightGBMTunerCV", "train"]
