"""The lifecycle states of a trial."""

from __future__ import annotations

import enum


class TrialState(enum.IntEnum):
    """State of a trial.

    Attributes:
        RUNNING: Being evaluated by a worker.
        COMPLETE: Finished with valid objective values.
        PRUNED: Stopped early by a pruner (``TrialPruned``).
        FAIL: The objective raised, returned an invalid value, or its worker died.
        WAITING: Enqueued and not yet picked up by a worker.
    """

    RUNNING = 0
    COMPLETE = 1
    PRUNED = 2
    FAIL = 3
    WAITING = 4

    def is_finished(self) -> bool:
        """Whether the state is final (COMPLETE, PRUNED or FAIL)."""
        return self._value_ in (1, 2, 3)  # COMPLETE, PRUNED, FAIL
