"""NopPruner: never prunes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from albacore.pruners._base import BasePruner
from albacore.trial._frozen import FrozenTrial

if TYPE_CHECKING:
    from albacore.trial._study_protocol import StudyLike as Study


class NopPruner(BasePruner):
    """A pruner that never prunes: every trial runs to the end (in any study).

    Example:
        .. code-block:: python

            study = albacore.create_study(pruner=albacore.pruners.NopPruner())
    """

    supports_multi_objective = True

    def prune(self, study: Study, trial: FrozenTrial) -> bool:
        return False
