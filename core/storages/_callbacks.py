"""Callbacks run on trials failed because their worker stopped beating."""

from __future__ import annotations

from typing import TYPE_CHECKING

from albacore._validation import check_count, check_type
from albacore.trial._frozen import FrozenTrial
from albacore.trial._state import TrialState
from albacore.trial._time_limit import TIMED_OUT_KEY

if TYPE_CHECKING:
    from albacore.trial._study_protocol import StudyHandle as Study

RETRIED_TRIAL_NUMBER_KEY = "retried_trial_number"
RETRY_HISTORY_KEY = "retry_history"


class RetryHeartbeatStaleTrialCallback:
    """Re-enqueue a trial whose worker died, with the same parameters.

    Pass it as a storage's ``heartbeat_stale_trial_callback``. It also runs on a trial that
    ``optimize``'s ``trial_timeout`` ended as FAIL (the retry runs under the same limit). The
    new trial is WAITING, so the next ``ask`` of any worker runs it. Its system attributes
    record the lineage:
    ``retried_trial_number`` is the number of the trial it retries, and ``retry_history``
    lists every trial of the lineage, the first attempt first (read them with
    :meth:`retried_trial_number` and :meth:`retry_history`).

    Args:
        max_retry: How many times one original trial may be retried; None for no limit.
        inherit_intermediate_values: Copy the failed trial's reported values too, so the
            retry can resume from its last step.

    Example:
        .. code-block:: python

            storage = albacore.storages.RDBStorage(
                "postgresql://user@host/db",
                heartbeat_interval=60,
                heartbeat_stale_trial_callback=RetryHeartbeatStaleTrialCallback(max_retry=3),
            )
    """

    def __init__(self, max_retry: int | None = None, inherit_intermediate_values: bool = False) -> None:
        check_count("RetryHeartbeatStaleTrialCallback", "max_retry", max_retry, allow_none=True)
        check_type(
            "RetryHeartbeatStaleTrialCallback",
            "inherit_intermediate_values",
            inherit_intermediate_values,
            bool,
            "a bool",
        )
        self._max_retry = max_retry
        self._inherit_intermediate_values = inherit_intermediate_values

    def __call__(self, study: Study, trial: FrozenTrial) -> None:
        history = self.retry_history(trial)
        if self._max_retry is not None and len(history) >= self._max_retry:
            return
        system_attrs = {
            **{key: value for key, value in trial.system_attrs.items() if key != TIMED_OUT_KEY},
            RETRIED_TRIAL_NUMBER_KEY: trial.number,
            RETRY_HISTORY_KEY: [*history, trial.number],
        }
        study.add_trial(
            FrozenTrial(
                number=-1,
                state=TrialState.WAITING,
                value=None,
                datetime_start=None,
                datetime_complete=None,
                params=dict(trial.params),
                distributions=dict(trial.distributions),
                user_attrs=dict(trial.user_attrs),
                system_attrs=system_attrs,
                intermediate_values=dict(trial.intermediate_values) if self._inherit_intermediate_values else {},
                trial_id=-1,
            )
        )

    @staticmethod
    def retried_trial_number(trial: FrozenTrial) -> int | None:
        """The number of the trial that ``trial`` retries, or None if it is no retry.

        Args:
            trial: A trial of the study.
        """
        return trial.system_attrs.get(RETRIED_TRIAL_NUMBER_KEY)

    @staticmethod
    def retry_history(trial: FrozenTrial) -> list[int]:
        """The numbers of the earlier attempts of ``trial``, the first attempt first.

        Args:
            trial: A trial of the study.

        Returns:
            An empty list if ``trial`` is no retry.
        """
        return list(trial.system_attrs.get(RETRY_HISTORY_KEY, []))
