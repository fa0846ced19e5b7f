"""One trial's time limit (``study.optimize(..., trial_timeout=...)``), as the trial sees it.

The optimize loop gives a running :class:`~albacore.trial.Trial` a :class:`TimeLimit`; the
trial's ``suggest_*``, ``report`` and ``should_prune`` calls check it and raise
:class:`~albacore.exceptions.TrialTimeoutError` once it has run out. That is the whole of
the limit in threads; worker processes are also stopped from outside (see
:mod:`albacore.study._time_limits`).
"""

from __future__ import annotations

import time

from albacore.exceptions import TrialTimeoutError

#: Trial system attr of a trial ended for running past its limit (value: the limit, seconds).
TIMED_OUT_KEY = "albacore:trial_timeout"


class TimeLimit:
    """The deadline of one running trial, counted from when its objective starts.

    Args:
        seconds: The limit (``optimize``'s ``trial_timeout``).
    """

    __slots__ = ("seconds", "deadline", "expired")

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds
        self.expired = False

    def check(self, trial_number: int) -> None:
        """Raise :class:`TrialTimeoutError` if the limit has run out (and at every call after)."""
        if self.expired or time.monotonic() >= self.deadline:
            self.expired = True
            raise TrialTimeoutError(
                f"trial {trial_number} ran past its time limit of {self.seconds:g} s "
                f"(optimize's trial_timeout={self.seconds!r})"
            )

    def ran_out(self, returned: bool) -> bool:
        """Whether the trial ends as timed out: a check fired, or it ``returned`` after the deadline."""
        return self.expired or (returned and time.monotonic() >= self.deadline)
