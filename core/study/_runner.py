"""One trial's work unit: the objective, then tell, log and callbacks (in whichever worker runs it)."""

from __future__ import annotations

import gc
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Callable

from albacore.exceptions import TrialPruned, UpdateFinishedTrialError
from albacore.logging import get_logger
from albacore.study._duplicates import DuplicateFound, duplicate_index, mark_duplicate
from albacore.study._tell import tell
from albacore.trial._frozen import FrozenTrial
from albacore.trial._state import TrialState
from albacore.trial._time_limit import TimeLimit
from albacore.trial._trial import Trial, UnusableEnqueuedValueError

if TYPE_CHECKING:
    from albacore.study.study import Study

_logger = get_logger(__name__)

ObjectiveFuncType = Callable[[Trial], Any]
CallbackType = Callable[["Study", FrozenTrial], None]
# What a work unit hands back to the loop: the finished trial (None when another worker
# failed it meanwhile) and whether a callback asked the study to stop.
Outcome = tuple[FrozenTrial | None, bool]


class TrialRunner:
    """Runs an asked trial to its end: objective, tell, log, callbacks.

    Picklable (with a picklable objective and callbacks), so a worker process holds its own.
    With ``trial_timeout`` (seconds), each trial's objective runs under a
    :class:`~albacore.trial._time_limit.TimeLimit`; a trial over it ends through
    :func:`~albacore.study._time_limits.end_timed_out` and the runner goes on.
    """

    def __init__(
        self,
        study: Study,
        func: ObjectiveFuncType,
        catch: tuple[type[BaseException], ...],
        callbacks: Sequence[CallbackType],
        gc_after_trial: bool,
        trial_timeout: float | None = None,
        skip_duplicates: str | None = None,
    ) -> None:
        self.study = study
        self._func = func
        self._catch = catch
        self._callbacks = list(callbacks)
        self._gc_after_trial = gc_after_trial
        self.trial_timeout = trial_timeout
        # None, or "counted"/"uncounted" (see _duplicates.check_skip_duplicates): repeats of
        # COMPLETE trials are stopped at the suggest that completes them and copied.
        self.skip_duplicates = skip_duplicates

    def run(self, trial: Trial) -> Outcome:
        """Run ``trial``'s objective and finish the trial.

        Raises:
            Exception: The objective's error unless listed in ``catch`` (the trial is FAIL first).
        """
        study = self.study
        values: Any = None
        state: TrialState | None = None
        error: BaseException | None = None
        limit = None
        if self.trial_timeout is not None:
            limit = trial._time_limit = TimeLimit(self.trial_timeout)
        index = None
        if self.skip_duplicates is not None:
            index = duplicate_index(study)
            trial._duplicate_check = index.check
        try:
            with study._heartbeat(trial):
                values = self._func(trial)
        except DuplicateFound as found:
            values = mark_duplicate(trial, found.original)
        except TrialPruned:
            state = TrialState.PRUNED
        except Exception as exc:  # noqa: BLE001 - the objective's error is recorded, then re-raised
            state, error = TrialState.FAIL, exc
        except BaseException:  # KeyboardInterrupt, SystemExit: record the trial, then propagate
            tell(study, trial, state=TrialState.FAIL)
            _logger.warning("Trial %d failed: interrupted.", trial.number)
            raise
        finally:
            if self._gc_after_trial:
                gc.collect()
        if limit is not None and limit.ran_out(returned=state is None):
            from albacore.study._time_limits import end_timed_out

            return end_timed_out(self, trial._trial_id)
        try:
            frozen = tell(study, trial, None if state is not None else values, state)
        except UpdateFinishedTrialError:
            # Another worker failed it while it ran: its heartbeats arrived too late.
            _logger.warning(
                "Trial %d was marked FAIL by another worker (its heartbeat was stale); its result is discarded.",
                trial.number,
            )
            if error is not None and not isinstance(error, (UpdateFinishedTrialError, *self._catch)):
                raise error from None
            return None, study._stop_requested
        if index is not None:
            index.add(frozen)  # other threads of this process see it at once
        _log_finished(study, frozen, error)
        for callback in self._callbacks:
            callback(study, frozen)
        # A bad enqueued value fails its own trial only (the warning above names it).
        if error is not None and not isinstance(error, (*self._catch, UnusableEnqueuedValueError)):
            raise error
        return frozen, study._stop_requested


def _log_finished(study: Study, trial: FrozenTrial, error: BaseException | None) -> None:
    if trial.state == TrialState.FAIL:
        if error is not None:
            _logger.warning(
                "Trial %d failed: %s: %s", trial.number, type(error).__name__, error,
                exc_info=None if isinstance(error, UnusableEnqueuedValueError) else error,
            )
        return
    if not _logger.isEnabledFor(20):  # INFO
        return
    if trial.state == TrialState.PRUNED:
        _logger.info("Trial %d pruned at step %s.", trial.number, trial.last_step)
        return
    if len(study.directions) > 1:
        _logger.info("Trial %d finished: values=%s, params=%s.", trial.number, trial.values, trial.params)
        return
    try:
        best = study._storage.get_best_trial(study._study_id)
        best_note = f" Best so far: trial {best.number}, value={best.values[0]}."  # type: ignore[index]
    except ValueError:
        best_note = ""
    _logger.info("Trial %d finished: value=%s, params=%s.%s", trial.number, trial.values[0], trial.params, best_note)  # type: ignore[index]
