"""Data of the timeline plot: when each trial ran, coloured by how it ended."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from albacore._validation import check_count
from albacore.trial._constraints import is_feasible
from albacore.trial._state import TrialState
from albacore.visualization._data._trials import check_study

if TYPE_CHECKING:
    from albacore.trial._study_protocol import StudyReader

WHERE = "plot_timeline"
# Legend order; "INFEASIBLE" is a COMPLETE trial that violates its constraints.
STATES = ("COMPLETE", "INFEASIBLE", "PRUNED", "FAIL", "RUNNING", "WAITING")


@dataclass
class TimelineBars:
    numbers: list[int]
    starts: list[datetime.datetime]
    ends: list[datetime.datetime]  # now, for a trial still running


@dataclass
class TimelineData:
    bars: dict[str, TimelineBars]  # by state label, in STATES order, only states present


def timeline_data(study: StudyReader, n_recent_trials: int | None = None) -> TimelineData:
    """Bars of the trials that started (the ``n_recent_trials`` latest ones, if given)."""
    check_study(WHERE, study)
    if n_recent_trials is not None:
        check_count(WHERE, "n_recent_trials", n_recent_trials, positive=True)
    every = study.get_trials(deepcopy=False)
    if not every:
        raise ValueError(f"{WHERE}: study {study.study_name!r} has no trials to plot")
    trials = [t for t in every if t.datetime_start is not None]
    if not trials:
        raise ValueError(f"{WHERE}: study {study.study_name!r} has no started trial to plot")
    if n_recent_trials is not None:
        trials = trials[-n_recent_trials:]
    now = datetime.datetime.now()
    bars: dict[str, TimelineBars] = {}
    for t in trials:
        label = t.state.name
        if t.state == TrialState.COMPLETE and not is_feasible(t.system_attrs):
            label = "INFEASIBLE"
        group = bars.setdefault(label, TimelineBars([], [], []))
        group.numbers.append(t.number)
        group.starts.append(cast(datetime.datetime, t.datetime_start))  # started trials only
        group.ends.append(t.datetime_complete or now)
    return TimelineData({s: bars[s] for s in STATES if s in bars})
