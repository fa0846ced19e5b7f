"""Data of the intermediate values plot: the learning curve each trial reported."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from albacore.trial._constraints import is_feasible
from albacore.trial._state import TrialState
from albacore.visualization._data._trials import check_study

if TYPE_CHECKING:
    from albacore.trial._study_protocol import StudyReader

WHERE = "plot_intermediate_values"
_STATES = (TrialState.COMPLETE, TrialState.PRUNED, TrialState.RUNNING)


@dataclass
class Curve:
    number: int
    state: str  # "COMPLETE", "PRUNED", "RUNNING" or "INFEASIBLE" (a COMPLETE infeasible trial)
    steps: np.ndarray
    values: np.ndarray


@dataclass
class IntermediateValuesData:
    """Curves of the COMPLETE, PRUNED and RUNNING trials that reported a value, by number."""

    curves: list[Curve]

    def grouped(self) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """Per state: steps, values and trial numbers with a NaN row between curves, so one
        line object draws every curve of that state."""
        out: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        for state in ("COMPLETE", "PRUNED", "RUNNING", "INFEASIBLE"):
            curves = [c for c in self.curves if c.state == state]
            if not curves:
                continue
            gap = np.array([np.nan])
            steps = np.concatenate([np.concatenate((c.steps, gap)) for c in curves])
            values = np.concatenate([np.concatenate((c.values, gap)) for c in curves])
            numbers = np.concatenate([np.full(len(c.steps) + 1, c.number) for c in curves])
            out[state] = (steps, values, numbers)
        return out


def intermediate_values_data(study: StudyReader) -> IntermediateValuesData:
    """Every reported curve, or a ValueError when no trial reported an intermediate value."""
    check_study(WHERE, study)
    trials = study.get_trials(deepcopy=False, states=_STATES)
    curves = []
    for t in trials:
        if not t.intermediate_values:
            continue
        steps = np.fromiter(t.intermediate_values.keys(), dtype=float, count=len(t.intermediate_values))
        values = np.fromiter(t.intermediate_values.values(), dtype=float, count=len(t.intermediate_values))
        order = np.argsort(steps, kind="stable")
        state = t.state.name
        if t.state == TrialState.COMPLETE and not is_feasible(t.system_attrs):
            state = "INFEASIBLE"
        curves.append(Curve(t.number, state, steps[order], values[order]))
    if not curves:
        if not study.get_trials(deepcopy=False):
            raise ValueError(f"{WHERE}: study {study.study_name!r} has no trials to plot")
        raise ValueError(
            f"{WHERE}: no trial of study {study.study_name!r} reported an intermediate value "
            f"(trial.report(value, step))"
        )
    return IntermediateValuesData(curves)
