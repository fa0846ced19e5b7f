"""What an artifact is attached to: a study, or a trial given as a Trial or a FrozenTrial.

This is the one place that turns ``study_or_trial`` (and ``storage``) into a storage and ids;
everything else reads and writes through the public methods of the study, the trial and
the storage.
"""

from __future__ import annotations

from typing import Any

from albacore.artifacts import _meta
from albacore.artifacts._meta import ArtifactMeta
from albacore.exceptions import UpdateFinishedTrialError
from albacore.storages import BaseStorage
from albacore.study import Study
from albacore.trial import FrozenTrial, Trial


class StudyTarget:
    def __init__(self, study: Study) -> None:
        self._study = study

    def record(self, meta: ArtifactMeta) -> None:
        self._study.set_system_attr(_meta.study_key(meta.artifact_id), _meta.encode(meta))

    def metas(self) -> list[ArtifactMeta]:
        return _meta.study_metas(self._study.system_attrs)


class TrialTarget:
    """A trial: metadata goes to its own attributes while it runs, to its study's after."""

    def __init__(
        self, storage: BaseStorage, trial_id: int, number: int, study_id: int | None, handle: Trial | None
    ) -> None:
        self._storage = storage
        self._trial_id = trial_id
        self._number = number
        self._study_id = study_id
        self._handle = handle

    def record(self, meta: ArtifactMeta) -> None:
        key, value = _meta.trial_key(meta.artifact_id), _meta.encode(meta)
        try:
            if self._handle is not None:
                self._handle.set_system_attr(key, value)  # keeps the handle's view in step
                return
            if not self._storage.get_trial(self._trial_id).state.is_finished():
                self._storage.set_trial_system_attr(self._trial_id, key, value)
                return
        except UpdateFinishedTrialError:
            pass  # finished meanwhile (or before): record it on the study instead
        finished_key = _meta.finished_trial_key(self._trial_id, meta.artifact_id)
        self._storage.set_study_system_attr(self._find_study_id(), finished_key, value)

    def metas(self) -> list[ArtifactMeta]:
        stored = self._storage.get_trial(self._trial_id)
        study_attrs = (
            self._storage.get_study_system_attrs(self._find_study_id()) if stored.state.is_finished() else None
        )
        return _meta.trial_metas(stored.system_attrs, study_attrs, self._trial_id)

    def _find_study_id(self) -> int:
        if self._study_id is None:
            self._study_id = _study_id_holding(self._storage, self._trial_id, self._number)
        return self._study_id


def _study_id_holding(storage: BaseStorage, trial_id: int, number: int) -> int:
    """The study whose trial number ``number`` is ``trial_id`` (storages have no direct lookup)."""
    for study in storage.get_all_studies():
        try:
            study_id = storage.get_study_id_from_name(study.study_name)
            if storage.get_trial_id_from_study_id_trial_number(study_id, number) == trial_id:
                return study_id
        except KeyError:  # deleted meanwhile, or a study with fewer trials
            continue
    raise KeyError(f"no study in the storage holds the trial with trial_id {trial_id} (was its study deleted?)")


def resolve(study_or_trial: Any, storage: Any, caller: str) -> StudyTarget | TrialTarget:
    """Check ``study_or_trial`` and ``storage`` and return what they designate.

    Raises:
        TypeError: If ``study_or_trial`` is not a Study, Trial or FrozenTrial, or ``storage``
            is not a storage.
        ValueError: If a FrozenTrial comes without a storage or is not in the one given, or
            a Study or Trial comes with a storage other than its own.
    """
    if storage is not None and not isinstance(storage, BaseStorage):
        raise TypeError(f"{caller}: storage must be a BaseStorage or None, got storage={storage!r}")
    if isinstance(study_or_trial, Study):
        _check_own_storage(study_or_trial._storage, storage, "study", caller)
        return StudyTarget(study_or_trial)
    if isinstance(study_or_trial, Trial):
        study = study_or_trial.study
        _check_own_storage(study._storage, storage, "trial", caller)
        return TrialTarget(
            study._storage, study_or_trial._trial_id, study_or_trial.number, study._study_id, study_or_trial
        )
    if isinstance(study_or_trial, FrozenTrial):
        if storage is None:
            raise ValueError(
                f"{caller}: storage is required when study_or_trial is a FrozenTrial (trial number "
                f"{study_or_trial.number}); pass the storage of its study"
            )
        _check_in_storage(study_or_trial, storage, caller)
        return TrialTarget(storage, study_or_trial.trial_id, study_or_trial.number, None, None)
    raise TypeError(
        f"{caller}: study_or_trial must be a Study, Trial or FrozenTrial, got study_or_trial={study_or_trial!r}"
    )


def _check_own_storage(own: BaseStorage, given: BaseStorage | None, what: str, caller: str) -> None:
    if given is not None and given is not own:
        raise ValueError(
            f"{caller}: storage={given!r} is not the storage of the given {what}; a Study or Trial is "
            f"written through its own storage, so leave storage out (it is needed only with a FrozenTrial)"
        )


def _check_in_storage(trial: FrozenTrial, storage: BaseStorage, caller: str) -> None:
    """A FrozenTrial's trial_id must name the same trial in ``storage`` (not one of another study)."""
    described = f"study_or_trial (trial number {trial.number}, trial_id {trial.trial_id})"
    try:
        stored = storage.get_trial(trial.trial_id)
    except KeyError:
        raise ValueError(
            f"{caller}: {described} is not in the given storage {storage!r}; pass the storage of its study"
        ) from None
    started = trial.datetime_start
    if stored.number != trial.number or (started is not None and stored.datetime_start != started):
        raise ValueError(
            f"{caller}: {described} is not a trial of the given storage {storage!r}: its trial_id there is "
            f"trial number {stored.number} (started {stored.datetime_start}) of another study or storage; "
            f"pass the storage of the trial's own study"
        )
