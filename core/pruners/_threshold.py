"""ThresholdPruner: stop a trial whose value leaves a fixed range."""

from __future__ import annotations

import math
from collections.abc import Sequence
from numbers import Real
from typing import TYPE_CHECKING, Optional, Union

from albacore._validation import check_int_at_least
from albacore.pruners._base import BasePruner
from albacore.pruners._checks import due_step
from albacore.trial._frozen import FrozenTrial

if TYPE_CHECKING:
    from albacore.trial._study_protocol import StudyLike as Study

_Bound = Union[float, None, Sequence[Optional[float]]]


class ThresholdPruner(BasePruner):
    """Prune a trial whose latest intermediate value is below ``lower``, above ``upper`` or NaN.

    The bounds are absolute, so the study direction does not matter (e.g. stop a training
    whose loss diverges above 10). In a multi-objective study each objective is checked:
    a number bounds every objective alike, a sequence gives one bound per objective (None
    for none), and the trial is pruned as soon as one of its latest values is out of range
    or NaN.

    Args:
        lower: Values below it are pruned; None for no lower bound; or one such bound per
            objective.
        upper: Values above it are pruned; None for no upper bound; or one such bound per
            objective.
        n_warmup_steps: Never prune at steps below this one.
        interval_steps: Check every this many steps after the warmup.

    Raises:
        TypeError: If no bound is given (as Optuna's), or a bound is not a number, None or
            a sequence of them.
        ValueError: If a bound is NaN, ``lower > upper`` for an objective, the two
            sequences differ in length, or another argument is out of range. ``prune``
            raises a ValueError when a sequence's length differs from the study's number of
            objectives.

    Example:
        .. code-block:: python

            study = albacore.create_study(pruner=albacore.pruners.ThresholdPruner(upper=10.0))
            # Two objectives: error below 0.5, latency below 20 ms.
            pruner = albacore.pruners.ThresholdPruner(upper=[0.5, 20.0])
    """

    supports_multi_objective = True

    def __init__(
        self,
        lower: _Bound = None,
        upper: _Bound = None,
        n_warmup_steps: int = 0,
        interval_steps: int = 1,
    ) -> None:
        owner = "ThresholdPruner"
        lowers = _check_bounds(owner, "lower", lower, -math.inf)
        uppers = _check_bounds(owner, "upper", upper, math.inf)
        if all(v == -math.inf for v in lowers) and all(v == math.inf for v in uppers):
            raise TypeError(f"{owner}: give lower, upper or both, got lower={lower!r} and upper={upper!r}")
        per_objective = isinstance(lower, Sequence) or isinstance(upper, Sequence)
        if per_objective and isinstance(lower, Sequence) and isinstance(upper, Sequence) and len(lowers) != len(uppers):
            raise ValueError(
                f"{owner}: lower and upper must have the same length, got {len(lowers)} and {len(uppers)} "
                f"(lower={lower!r}, upper={upper!r})"
            )
        n = max(len(lowers), len(uppers))
        if len(lowers) == 1:
            lowers = lowers * n
        if len(uppers) == 1:
            uppers = uppers * n
        for lo, hi in zip(lowers, uppers):
            if lo > hi:
                raise ValueError(f"{owner}: lower must be <= upper, got lower={lower!r} and upper={upper!r}")
        self._lowers = lowers
        self._uppers = uppers
        self._per_objective = per_objective
        self._n_warmup_steps = check_int_at_least(owner, "n_warmup_steps", n_warmup_steps, 0)
        self._interval_steps = check_int_at_least(owner, "interval_steps", interval_steps, 1)

    def prune(self, study: Study, trial: FrozenTrial) -> bool:
        step = due_step(trial, self._n_warmup_steps, self._interval_steps)
        if step is None:
            return False
        n_objectives = len(study.directions)
        if n_objectives == 1 and not self._per_objective:
            value = trial.intermediate_values[step]  # the single-objective fast path
            return math.isnan(value) or not self._lowers[0] <= value <= self._uppers[0]
        if self._per_objective and len(self._lowers) != n_objectives:
            raise ValueError(
                f"ThresholdPruner: the bounds hold {len(self._lowers)} values but the study has "
                f"{n_objectives} objectives"
            )
        values = trial._intermediate_vector(step)
        lowers = self._lowers if self._per_objective else self._lowers * n_objectives
        uppers = self._uppers if self._per_objective else self._uppers * n_objectives
        return any(math.isnan(v) or not lo <= v <= hi for v, lo, hi in zip(values, lowers, uppers))


def _check_bounds(owner: str, name: str, value: object, missing: float) -> list[float]:
    """One float per objective (``[bound]`` for a scalar bound; ``missing`` for None)."""
    if isinstance(value, Sequence) and not isinstance(value, str):
        if len(value) == 0:
            raise ValueError(f"{owner}: {name} must not be an empty sequence, got {name}={value!r}")
        return [missing if v is None else _check_bound(owner, name, v) for v in value]
    return [missing if value is None else _check_bound(owner, name, value)]


def _check_bound(owner: str, name: str, value: object) -> float:
    """``value`` as a float: TypeError for a non-number (bools included), ValueError for NaN."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{owner}: {name} must be a number, None or a sequence of them, got {name}={value!r}")
    if math.isnan(float(value)):
        raise ValueError(f"{owner}: {name} must not be NaN, got {name}={value!r}")
    return float(value)
