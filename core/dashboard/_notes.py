"""Notes on studies and trials, kept in the study's storage so every viewer and worker sees
them.

- a study's note: study system attr ``dashboard:note``;
- a trial's note written while the trial is unfinished: its system attr ``dashboard:note``;
- a finished trial's note: study system attr ``dashboard:note:trial:<trial_id>``, since a
  finished trial never changes (its snapshot may be cached by every reader) while study
  attributes are re-read. This one wins over the trial's own once written.
"""

from __future__ import annotations

from typing import Any

from albacore.exceptions import UpdateFinishedTrialError
from albacore.storages._base import BaseStorage
from albacore.trial._frozen import FrozenTrial

NOTE_KEY = "dashboard:note"
MAX_NOTE_LENGTH = 100_000


def _trial_key(trial_id: int) -> str:
    return f"{NOTE_KEY}:trial:{trial_id}"


def check_note(note: Any) -> str:
    if not isinstance(note, str):
        raise ValueError(f"note must be a string, got note={note!r}")
    if len(note) > MAX_NOTE_LENGTH:
        raise ValueError(f"note is too long: {len(note)} characters, at most {MAX_NOTE_LENGTH}")
    return note


def study_note(study_attrs: dict[str, Any]) -> str:
    return str(study_attrs.get(NOTE_KEY, ""))


def set_study_note(storage: BaseStorage, study_id: int, note: str) -> None:
    storage.set_study_system_attr(study_id, NOTE_KEY, check_note(note))


def trial_note(trial: FrozenTrial, study_attrs: dict[str, Any]) -> str:
    key = _trial_key(trial._trial_id)
    if key in study_attrs:
        return str(study_attrs[key])
    return str(trial.system_attrs.get(NOTE_KEY, ""))


def set_trial_note(storage: BaseStorage, study_id: int, trial: FrozenTrial, note: str) -> None:
    """Store ``note``: on the trial while it runs, on the study once it has finished."""
    check_note(note)
    if trial.state.is_finished():
        storage.set_study_system_attr(study_id, _trial_key(trial._trial_id), note)
        return
    try:
        storage.set_trial_system_attr(trial._trial_id, NOTE_KEY, note)
    except UpdateFinishedTrialError:  # it finished since it was read
        storage.set_study_system_attr(study_id, _trial_key(trial._trial_id), note)
