"""The storage contract."""

from __future__ import annotations

import abc
from collections.abc import Container, Sequence
from typing import Any

from albacore._study_types import FrozenStudy, StudyDirection
from albacore.distributions import BaseDistribution
from albacore.exceptions import UpdateFinishedTrialError
from albacore.trial._constraints import is_feasible
from albacore.trial._frozen import FrozenTrial
from albacore.trial._state import TrialState


class BaseStorage(abc.ABC):
    """Where studies and trials live: the single source of truth of a study.

    A :class:`~albacore.Study` and a :class:`~albacore.trial.Trial` are thin handles on a
    storage, and samplers and pruners decide only from what a storage returns, so the same
    code runs in one process or on many machines sharing one storage.

    **Identity.** A study has an integer ``study_id`` and a name unique within the storage.
    A trial has an integer ``trial_id`` unique within the storage and a ``number`` unique
    and gapless within its study (0, 1, 2, ... in creation order), even when many workers
    create trials at once.

    **Immutability.** A trial whose state is finished (COMPLETE, PRUNED, FAIL) never changes
    again: every ``set_trial_*`` call on it raises :class:`UpdateFinishedTrialError`. Readers
    may therefore cache finished trials forever; only RUNNING and WAITING trials are re-read.

    **Representation.** Parameter values are passed to and from storages in the internal
    (float) representation of their distribution; :class:`FrozenTrial` objects returned by
    the storage carry external values.

    **State changes.** ``set_trial_state_values`` is the one place a trial changes state.
    Moving a trial to RUNNING is a compare-and-set: it succeeds only if the trial is WAITING
    (returning False otherwise), which is how concurrent workers claim enqueued trials
    without running one twice.

    **Claims.** ``set_study_system_attr_if`` is the one other compare-and-set: it writes a
    study system attribute only if its current value is the expected one (``None``: the key
    is not set), atomically with respect to every other writer of the storage, in any thread,
    process or machine. Finite samplers claim grid points with it: of several workers that
    claim the same point from the same expected value, exactly one gets True.

    **Concurrency.** Every method is safe to call from several threads at once. Storages meant
    for several processes or machines (RDB, journal) are also safe across processes.

    **Errors.** Unknown ids or names raise ``KeyError`` naming them; a name already taken
    raises :class:`~albacore.exceptions.DuplicatedStudyError`; a failure that retrying will
    not fix raises :class:`~albacore.exceptions.StorageInternalError`.

    The test kit in :mod:`albacore.testing.storages` checks every clause; each storage
    implementation must pass it.
    """

    # --- studies -----------------------------------------------------------------------------
    @abc.abstractmethod
    def create_new_study(self, directions: Sequence[StudyDirection], study_name: str | None = None) -> int:
        """Create a study and return its id.

        Args:
            directions: One direction per objective.
            study_name: Its name; a unique name is generated when None.

        Raises:
            DuplicatedStudyError: If ``study_name`` is already taken.
        """

    @abc.abstractmethod
    def delete_study(self, study_id: int) -> None:
        """Delete a study and all its trials."""

    @abc.abstractmethod
    def set_study_user_attr(self, study_id: int, key: str, value: Any) -> None:
        """Set a JSON-serializable user attribute of a study."""

    @abc.abstractmethod
    def set_study_system_attr(self, study_id: int, key: str, value: Any) -> None:
        """Set a JSON-serializable system attribute of a study."""

    @abc.abstractmethod
    def set_study_system_attr_if(self, study_id: int, key: str, expected: Any, value: Any) -> bool:
        """Set a study system attribute only if it currently holds ``expected``; atomic.

        Args:
            study_id: The study.
            key: The attribute.
            expected: The JSON value the attribute must hold, or None for "the key is not set"
                (a key set to JSON null does not match None).
            value: The JSON-serializable value to write.

        Returns:
            True if the value was written; False if the attribute held something else.

        Raises:
            KeyError: If there is no such study.
            TypeError: If ``value`` is not JSON-serializable.
        """

    @abc.abstractmethod
    def get_study_id_from_name(self, study_name: str) -> int:
        """Return the id of the study named ``study_name`` (KeyError naming it if none)."""

    @abc.abstractmethod
    def get_study_name_from_id(self, study_id: int) -> str:
        """Return the name of study ``study_id``."""

    @abc.abstractmethod
    def get_study_directions(self, study_id: int) -> list[StudyDirection]:
        """Return the directions of study ``study_id``."""

    @abc.abstractmethod
    def get_study_user_attrs(self, study_id: int) -> dict[str, Any]:
        """Return the user attributes of study ``study_id``."""

    @abc.abstractmethod
    def get_study_system_attrs(self, study_id: int) -> dict[str, Any]:
        """Return the system attributes of study ``study_id``."""

    @abc.abstractmethod
    def get_all_studies(self) -> list[FrozenStudy]:
        """Return every study in the storage."""

    # --- trials: writes -------------------------------------------------------------------------
    @abc.abstractmethod
    def create_new_trial(self, study_id: int, template_trial: FrozenTrial | None = None) -> int:
        """Create a trial in study ``study_id`` and return its id.

        Without a template the trial is RUNNING, started now, with nothing else set. With a
        template the trial copies its state, values, datetimes, params, distributions,
        attributes and intermediate values; its number is assigned by the storage.
        """

    @abc.abstractmethod
    def set_trial_param(
        self, trial_id: int, param_name: str, param_value_internal: float, distribution: BaseDistribution
    ) -> None:
        """Record a parameter in its internal representation.

        Raises:
            UpdateFinishedTrialError: If the trial has finished.
        """

    @abc.abstractmethod
    def set_trial_state_values(
        self, trial_id: int, state: TrialState, values: Sequence[float] | None = None
    ) -> bool:
        """Change a trial's state (and set its values), the one place a trial finishes.

        Moving to RUNNING succeeds only from WAITING and sets ``datetime_start``; moving to a
        finished state sets ``datetime_complete``.

        Returns:
            False if ``state`` is RUNNING and the trial was not WAITING; True otherwise.

        Raises:
            UpdateFinishedTrialError: If the trial has already finished.
        """

    @abc.abstractmethod
    def set_trial_intermediate_value(self, trial_id: int, step: int, intermediate_value: float) -> None:
        """Record the value reported at ``step`` (overwriting an earlier one at that step)."""

    @abc.abstractmethod
    def set_trial_user_attr(self, trial_id: int, key: str, value: Any) -> None:
        """Set a JSON-serializable user attribute of a trial."""

    @abc.abstractmethod
    def set_trial_system_attr(self, trial_id: int, key: str, value: Any) -> None:
        """Set a JSON-serializable system attribute of a trial."""

    # --- trials: reads ---------------------------------------------------------------------------
    @abc.abstractmethod
    def get_trial(self, trial_id: int) -> FrozenTrial:
        """Return a snapshot of trial ``trial_id`` (KeyError naming it if unknown)."""

    def get_trial_params(self, trial_id: int) -> dict[str, Any]:
        """Return the parameters of trial ``trial_id``, name to external value."""
        return self.get_trial(trial_id).params

    def get_trial_user_attrs(self, trial_id: int) -> dict[str, Any]:
        """Return the user attributes of trial ``trial_id``."""
        return self.get_trial(trial_id).user_attrs

    def get_trial_system_attrs(self, trial_id: int) -> dict[str, Any]:
        """Return the system attributes of trial ``trial_id``."""
        return self.get_trial(trial_id).system_attrs

    @abc.abstractmethod
    def get_all_trials(
        self, study_id: int, deepcopy: bool = True, states: Container[TrialState] | None = None
    ) -> list[FrozenTrial]:
        """Return the trials of a study ordered by number.

        Args:
            study_id: The study.
            deepcopy: When False the returned objects may be shared with the storage's cache
                and must not be modified by the caller.
            states: Only trials in these states; all trials when None.
        """

    def get_trial_id_from_study_id_trial_number(self, study_id: int, trial_number: int) -> int:
        """Return the id of trial number ``trial_number`` of study ``study_id``."""
        for trial in self.get_all_trials(study_id, deepcopy=False):
            if trial.number == trial_number:
                return trial._trial_id
        raise KeyError(f"study {study_id} has no trial number {trial_number}")

    def get_trial_number_from_id(self, trial_id: int) -> int:
        """Return the number of trial ``trial_id`` within its study."""
        return self.get_trial(trial_id).number

    def get_trial_param(self, trial_id: int, param_name: str) -> float:
        """Return the internal value of parameter ``param_name`` of trial ``trial_id``."""
        trial = self.get_trial(trial_id)
        return trial.distributions[param_name].to_internal_repr(trial.params[param_name])

    def get_n_trials(self, study_id: int, state: TrialState | tuple[TrialState, ...] | None = None) -> int:
        """Count the trials of a study, optionally only those in ``state`` (one or a tuple)."""
        states = (state,) if isinstance(state, TrialState) else state
        return len(self.get_all_trials(study_id, deepcopy=False, states=states))

    def get_best_trial(self, study_id: int) -> FrozenTrial:
        """Return the best feasible COMPLETE trial of a single-objective study.

        Raises:
            RuntimeError: If the study has several objectives.
            ValueError: If no feasible trial has completed.
        """
        directions = self.get_study_directions(study_id)
        if len(directions) > 1:
            raise RuntimeError("best trial is not defined for a multi-objective study; use best_trials")
        candidates = [
            t
            for t in self.get_all_trials(study_id, deepcopy=False, states=(TrialState.COMPLETE,))
            if is_feasible(t.system_attrs)
        ]
        if not candidates:
            raise ValueError("no feasible trial has completed yet")
        pick = max if directions[0] == StudyDirection.MAXIMIZE else min
        return pick(candidates, key=lambda t: t.values[0])  # type: ignore[index]

    def check_trial_is_updatable(self, trial_id: int, trial_state: TrialState) -> None:
        """Raise UpdateFinishedTrialError if ``trial_state`` is finished."""
        if trial_state.is_finished():
            number = self.get_trial_number_from_id(trial_id)
            raise UpdateFinishedTrialError(
                f"trial {number} has already finished ({trial_state.name}) and cannot be changed"
            )

    def remove_session(self) -> None:
        """Release per-thread resources (connections); a no-op by default."""
