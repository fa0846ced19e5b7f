"""Exceptions raised by albacore.

Every exception that albacore raises on purpose derives from :class:`AlbacoreError`, except
where a builtin exception is the one users expect (``ValueError`` for a bad argument,
``KeyError`` for an unknown study name, ``TypeError`` for a value of the wrong type).
"""

from __future__ import annotations

from albacore._warnings import ExperimentalWarning

__all__ = [
    "AlbacoreError",
    "CLIUsageError",
    "DuplicatedStudyError",
    "ExperimentalWarning",
    "StorageInternalError",
    "TrialPruned",
    "TrialTimeoutError",
    "UpdateFinishedTrialError",
]


class AlbacoreError(Exception):
    """Base class of albacore's own exceptions."""


class TrialPruned(AlbacoreError):
    """Raised by an objective to tell the study that the current trial was pruned.

    The trial is then recorded as ``TrialState.PRUNED`` and keeps the last intermediate
    value it reported as its value.

    Example:
        .. code-block:: python

            def objective(trial):
                for step in range(100):
                    trial.report(loss(step), step)
                    if trial.should_prune():
                        raise albacore.TrialPruned()
    """


class TrialTimeoutError(AlbacoreError):
    """Raised inside an objective that has run past ``study.optimize``'s ``trial_timeout``.

    With threads (and ``n_jobs=1``) the limit cannot stop running code, so the trial's next
    ``suggest_*``, ``report`` or ``should_prune`` call raises this error; ``optimize`` then
    ends the trial (PRUNED with its last reported value if it reported one, FAIL
    otherwise) and goes on with the next one. Do not swallow it: the trial ends as timed
    out even if the objective catches it and returns a value. With
    ``executor="process"`` and cluster executors the process running the objective is
    stopped instead.
    """


class DuplicatedStudyError(AlbacoreError):
    """Raised when a study is created with a name that already exists in the storage."""


class StorageInternalError(AlbacoreError):
    """Raised when a storage fails for a reason that retrying will not fix.

    The message carries the driver's own message so the cause can be diagnosed.
    """


class UpdateFinishedTrialError(AlbacoreError, RuntimeError):
    """Raised on an attempt to modify a trial that has already finished.

    Finished trials (COMPLETE, PRUNED, FAIL) are immutable.
    """


class CLIUsageError(AlbacoreError):
    """Raised by the command-line interface on a wrong combination of arguments."""
