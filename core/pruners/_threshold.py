"""ThresholdPruner: stop a trial whose value leaves a fixed range."""

from __future__ import annotations

import math
from numbers import Real
from typing import TYPE_CHECKING

from albacore._validation import check_int_at_least
from albacore.pruners._base import BasePruner
from albacore.pruners._checks import due_step
from albacore.trial._frozen import FrozenTrial

if TYPE_CHECKING:
    from albacore.trial._study_protocol import StudyLike as Study


class ThresholdPruner(BasePruner):
    """Prune a trial whose latest intermediate value is below ``lower``, above ``upper`` or NaN.

    The bounds are absolute, so the study direction does not matter (e.g. stop a training
    whose loss diverges above 10).

    Args:
        lower: Values below it are pruned; None for no lower bound.
        upper: Values above it are pruned; None for no upper bound.
        n_warmup_steps: Never prune at steps below this one.
        interval_steps: Check every this many steps after the warmup.

    Raises:
        ValueError: If both bounds are None, ``lower > upper``, or another argument is out
            of range.

    Example:
        .. code-block:: python

            study = albacore.create_study(pruner=albacore.pruners.ThresholdPruner(upper=10.0))
    """

    def __init__(
        self,
        lower: float | None = None,
        upper: float | None = None,
        n_warmup_steps: int = 0,
        interval_steps: int = 1,
    ) -> None:
        owner = "ThresholdPruner"
        if lower is None and upper is None:
            raise ValueError(f"{owner}: give lower, upper or both, got lower=None and upper=None")
        self._lower = -math.inf if lower is None else _check_bound(owner, "lower", lower)
        self._upper = math.inf if upper is None else _check_bound(owner, "upper", upper)
        if self._lower > self._upper:
            raise ValueError(f"{owner}: lower must be <= upper, got lower={lower!r} and upper={upper!r}")
        self._n_warmup_steps = check_int_at_least(owner, "n_warmup_steps", n_warmup_steps, 0)
        self._interval_steps = check_int_at_least(owner, "interval_steps", interval_steps, 1)

    def prune(self, study: Study, trial: FrozenTrial) -> bool:
        step = due_step(trial, self._n_warmup_steps, self._interval_steps)
        if step is None:
            return False
        value = trial.intermediate_values[step]
        return math.isnan(value) or not self._lower <= value <= self._upper


def _check_bound(owner: str, name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, Real) or math.isnan(float(value)):
        raise ValueError(f"{owner}: {name} must be a number or None, got {name}={value!r}")
    return float(value)
