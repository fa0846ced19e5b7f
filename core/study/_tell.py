"""The one place a trial finishes: validate what the objective returned and store it."""

from __future__ import annotations

import math
from collections.abc import Sequence
from numbers import Real
from typing import TYPE_CHECKING, Any

from albacore._warnings import warn
from albacore.exceptions import UpdateFinishedTrialError
from albacore.logging import get_logger
from albacore.trial._frozen import FrozenTrial
from albacore.trial._state import TrialState
from albacore.trial._trial import Trial

if TYPE_CHECKING:
    from albacore.study.study import Study

_logger = get_logger(__name__)


class FinishedTrialTellError(UpdateFinishedTrialError, ValueError):
    """``tell`` on a finished trial: an UpdateFinishedTrialError that is also a ValueError, the
    class Optuna's ``tell`` raises, so Optuna code catching ValueError catches it."""


def check_values(values: Any, n_objectives: int) -> tuple[list[float] | None, str | None]:
    """Turn an objective's return value into a list of floats, or say why it is invalid.

    Returns:
        ``(values, None)`` when valid, ``(None, reason)`` otherwise.
    """
    if type(values) is float and n_objectives == 1 and values == values:  # fast path; NaN fails ==
        return [values], None
    if values is None:
        return None, "the objective returned None"
    if isinstance(values, (Real,)) or _is_numpy_scalar(values):
        sequence: Sequence[Any] = [values]
    elif isinstance(values, Sequence) and not isinstance(values, (str, bytes)):
        sequence = values
    elif hasattr(values, "tolist"):
        listed = values.tolist()
        sequence = listed if isinstance(listed, list) else [listed]
    else:
        return None, f"the objective returned {values!r} of type {type(values).__name__}, not a number"
    if len(sequence) != n_objectives:
        return None, (
            f"the objective returned {len(sequence)} value(s) but the study has {n_objectives} "
            f"objective(s): {values!r}"
        )
    result = []
    for v in sequence:
        if isinstance(v, bool) or not (isinstance(v, Real) or _is_numpy_scalar(v)):
            return None, f"the objective returned {v!r} of type {type(v).__name__}, not a number"
        f = float(v)
        if math.isnan(f):
            return None, f"the objective returned NaN: {values!r}"
        result.append(f)
    return result, None


def _is_numpy_scalar(value: Any) -> bool:
    return type(value).__module__ == "numpy" and hasattr(value, "item") and getattr(value, "ndim", 1) == 0


def resolve_trial_id(study: Study, trial: Trial | int) -> int:
    """The storage id of ``trial`` (a Trial or a trial number) in ``study``."""
    if isinstance(trial, Trial):
        if trial.study._study_id != study._study_id or trial.study._storage is not study._storage:
            raise ValueError(f"trial {trial.number} belongs to another study")
        return trial._trial_id
    if isinstance(trial, bool) or not isinstance(trial, int):
        raise TypeError(f"tell: trial must be a Trial or a trial number, got trial={trial!r}")
    try:
        return study._storage.get_trial_id_from_study_id_trial_number(study._study_id, trial)
    except KeyError:
        raise ValueError(f"tell: study {study.study_name!r} has no trial number {trial}") from None


def tell(
    study: Study,
    trial: Trial | int,
    values: float | Sequence[float] | None = None,
    state: TrialState | None = None,
    skip_if_finished: bool = False,
    *,
    warn_invalid: bool = False,
) -> FrozenTrial:
    """Finish ``trial``; see :meth:`albacore.Study.tell` for the rules.

    Invalid values fail the trial with a log line, or with a UserWarning when
    ``warn_invalid`` (``Study.tell``, as Optuna's).
    """
    storage = study._storage
    trial_id = resolve_trial_id(study, trial)
    frozen = storage.get_trial(trial_id)
    if frozen.state.is_finished():
        if skip_if_finished:
            _logger.info("Trial %d already finished (%s); tell skipped.", frozen.number, frozen.state.name)
            return frozen
        raise FinishedTrialTellError(
            f"tell: trial {frozen.number} has already finished ({frozen.state.name}); "
            f"pass skip_if_finished=True to ignore"
        )
    if frozen.state == TrialState.WAITING:
        raise ValueError(f"tell: trial {frozen.number} is WAITING (enqueued, not started); study.ask() starts it")
    if state is not None and state not in (TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL):
        raise ValueError(f"tell: state must be COMPLETE, PRUNED or FAIL, got state={state!r}")

    n_objectives = len(study.directions)
    stored_values: list[float] | None = None
    if state == TrialState.PRUNED:
        if values is not None:
            raise ValueError(
                f"tell: values must be None when state is PRUNED (the last reported intermediate value "
                f"is kept), got values={values!r}"
            )
        # The last reported value(s): one per objective, or none when any is NaN or a
        # multi-objective trial reported a single value.
        last = frozen.last_step
        if last is not None:
            vector = frozen._intermediate_vector(last)
            if len(vector) == n_objectives and not any(math.isnan(v) for v in vector):
                stored_values = list(vector)
    elif state == TrialState.FAIL:
        if values is not None:
            raise ValueError(f"tell: values must be None when state is FAIL, got values={values!r}")
    else:
        checked, reason = check_values(values, n_objectives)
        if reason is not None:
            if state == TrialState.COMPLETE:
                raise ValueError(f"tell: invalid values for a COMPLETE trial {frozen.number}: {reason}")
            if warn_invalid:
                warn(f"Trial {frozen.number} failed: {reason}.")
            else:
                _logger.warning("Trial %d failed: %s.", frozen.number, reason)
            state = TrialState.FAIL
        else:
            state, stored_values = TrialState.COMPLETE, checked

    assert state is not None
    try:
        study.sampler.after_trial(study, frozen, state, stored_values)
    finally:  # a failing after_trial (say, a constraints_func) still finishes the trial, as in Optuna
        storage.set_trial_state_values(trial_id, state, stored_values)
    return storage.get_trial(trial_id)
