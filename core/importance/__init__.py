"""Parameter importances: which parameters mattered for the objective.

:func:`get_param_importances` evaluates a study's completed trials with an evaluator:
:class:`PedAnovaImportanceEvaluator` (default, model-free), :class:`FanovaImportanceEvaluator`
(functional ANOVA of a random forest) or :class:`MeanDecreaseImpurityImportanceEvaluator`;
the forest-based ones need scikit-learn (``pip install 'albacore[importance]'``). New
algorithms subclass :class:`BaseImportanceEvaluator`.

Example:
    .. code-block:: python

        importances = albacore.importance.get_param_importances(study)
"""

from albacore.importance._api import get_param_importances
from albacore.importance._base import BaseImportanceEvaluator
from albacore.importance._fanova import FanovaImportanceEvaluator
from albacore.importance._mean_decrease_impurity import MeanDecreaseImpurityImportanceEvaluator
from albacore.importance._ped_anova import PedAnovaImportanceEvaluator

__all__ = [
    "BaseImportanceEvaluator",
    "FanovaImportanceEvaluator",
    "MeanDecreaseImpurityImportanceEvaluator",
    "PedAnovaImportanceEvaluator",
    "get_param_importances",
]
