"""Step bookkeeping and value comparisons shared by the pruners."""

from __future__ import annotations

import math
from typing import Any

from albacore._study_types import StudyDirection
from albacore.trial._frozen import FrozenTrial


def due_step(trial: FrozenTrial, n_warmup_steps: int, interval_steps: int) -> int | None:
    """Return the trial's last step if a pruning check is due there, else None.

    Checks happen at steps ``n_warmup_steps + k * interval_steps``. When the trial skipped
    a check step (it reported steps 4 and 7 with checks at 5 and 6), the check happens at
    the next reported step.
    """
    steps = trial.intermediate_values
    if not steps:
        return None
    step = max(steps)
    if step < n_warmup_steps:
        return None
    previous = max((s for s in steps if s < step), default=-1)
    # The last check step at or before `step`; due if it lies after the previous report.
    last_check = step - (step - n_warmup_steps) % interval_steps
    return step if last_check > previous else None


def is_better(a: float, b: float, direction: StudyDirection) -> bool:
    """True if ``a`` is strictly better than ``b`` in ``direction``."""
    return a > b if direction == StudyDirection.MAXIMIZE else a < b


def best_value(values: Any, direction: StudyDirection) -> float:
    """The best non-NaN value of ``values`` in ``direction``, NaN if there is none."""
    finite: list[float] = [v for v in values if not math.isnan(v)]
    if not finite:
        return math.nan
    return max(finite) if direction == StudyDirection.MAXIMIZE else min(finite)
