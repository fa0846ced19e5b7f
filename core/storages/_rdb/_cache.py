"""This process's view of a study's trials, refreshed incrementally.

Finished trials never change, so once read they are kept forever. A refresh asks the
database only for trials this process has not seen finished:

.. code-block:: sql

    SELECT trial_id, number, state, datetime_start, datetime_complete FROM albacore_trials
    WHERE study_id = :study AND (number >= :n_known OR number IN (:unfinished_numbers))

``n_known`` is the length of the gapless prefix of numbers already read. Trial numbers are
assigned under the study row's lock and committed in number order, so every trial numbered
below ``n_known`` was visible when the prefix was read. Children (params, values,
intermediate values, attributes) are then read in one UNION ALL query for the returned
trials that are new or unfinished. A refresh therefore costs two queries whose size is the
number of trials that changed, not the size of the study.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from albacore._study_types import StudyDirection
from albacore.storages._rdb._load import TRIAL_COLUMNS, load_trials
from albacore.storages._rdb._models import trials
from albacore.trial._constraints import is_feasible
from albacore.trial._frozen import FrozenTrial
from albacore.trial._state import TrialState

# Above this many unfinished trials (e.g. a long queue of enqueued ones) the refresh reads
# every trial from the oldest unfinished number instead of naming each number.
_MAX_IN_LIST = 500

_NEW = (
    sa.select(*TRIAL_COLUMNS)
    .where(trials.c.study_id == sa.bindparam("study_id"), trials.c.number >= sa.bindparam("n_known"))
    .order_by(trials.c.number)
)
_NEW_OR_LISTED = (
    sa.select(*TRIAL_COLUMNS)
    .where(
        trials.c.study_id == sa.bindparam("study_id"),
        sa.or_(
            trials.c.number >= sa.bindparam("n_known"), trials.c.number.in_(sa.bindparam("numbers", expanding=True))
        ),
    )
    .order_by(trials.c.number)
)


class StudyTrials:
    """The trials of one study as last read, index == number.

    Args:
        directions: The study's directions (used to keep the best trial).
    """

    def __init__(self, directions: list[StudyDirection]) -> None:
        self.directions = directions
        self.trials: list[FrozenTrial] = []
        self.unfinished: set[int] = set()
        self.best: FrozenTrial | None = None

    def refresh(self, conn: Connection, study_id: int, finished_by_id: dict[int, FrozenTrial]) -> None:
        """Read what changed since the last refresh (see the module docstring)."""
        n_known = len(self.trials)
        params: dict[str, Any] = {"study_id": study_id, "n_known": n_known}
        if not self.unfinished:
            query = _NEW
        elif len(self.unfinished) <= _MAX_IN_LIST:
            query, params["numbers"] = _NEW_OR_LISTED, sorted(self.unfinished)
        else:
            query, params["n_known"] = _NEW, min(self.unfinished)
        rows = conn.execute(query, params).all()
        known = [finished_by_id[row[0]] for row in rows if row[0] in finished_by_id]
        to_load = [row for row in rows if row[0] not in finished_by_id]
        for trial in sorted(known + load_trials(conn, to_load), key=lambda t: t.number):
            self._place(trial, finished_by_id)

    def _place(self, trial: FrozenTrial, finished_by_id: dict[int, FrozenTrial]) -> None:
        number = trial.number
        if number > len(self.trials):
            return  # beyond a gap: cannot happen with ordered commits; read again next time
        if number == len(self.trials):
            self.trials.append(trial)
        else:
            self.trials[number] = trial
        if trial.state.is_finished():
            self.unfinished.discard(number)
            finished_by_id[trial._trial_id] = trial
            if trial.state == TrialState.COMPLETE:
                self._update_best(trial)
        else:
            self.unfinished.add(number)

    def _update_best(self, trial: FrozenTrial) -> None:
        if len(self.directions) != 1 or trial.values is None or not is_feasible(trial.system_attrs):
            return
        if self.best is None:
            self.best = trial
            return
        value, best = trial.values[0], self.best.values[0]  # type: ignore[index]
        better = value > best if self.directions[0] == StudyDirection.MAXIMIZE else value < best
        if better or (value == best and trial.number < self.best.number):
            self.best = trial
