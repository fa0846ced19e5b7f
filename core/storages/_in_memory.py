"""InMemoryStorage: the default storage, one process, thread-safe."""

from __future__ import annotations

import copy
import datetime
import json
import threading
import uuid
from collections.abc import Container, Sequence
from typing import Any

from albacore._study_types import FrozenStudy, StudyDirection
from albacore._validation import check_json
from albacore.distributions import BaseDistribution
from albacore.exceptions import DuplicatedStudyError
from albacore.storages._base import BaseStorage
from albacore.trial._constraints import is_feasible
from albacore.trial._frozen import FrozenTrial, new_trial
from albacore.trial._state import TrialState

_UNFINISHED = (TrialState.RUNNING, TrialState.WAITING)


class _StudyRecord:
    __slots__ = ("name", "directions", "user_attrs", "system_attrs", "trials", "best_trial_id", "unfinished")

    def __init__(self, name: str, directions: list[StudyDirection]) -> None:
        self.name = name
        self.directions = directions
        self.user_attrs: dict[str, Any] = {}
        self.system_attrs: dict[str, Any] = {}
        self.trials: list[FrozenTrial] = []
        self.best_trial_id: int | None = None
        # Numbers of RUNNING and WAITING trials, so that reading only those does not scan
        # the whole history.
        self.unfinished: dict[int, None] = {}


def generate_study_name() -> str:
    """A unique study name for studies created without one."""
    return f"no-name-{uuid.uuid4()}"


def check_study_name(study_name: Any) -> None:
    """TypeError unless ``study_name`` is a str or None (every storage accepts the same names)."""
    if study_name is not None and not isinstance(study_name, str):
        raise TypeError(f"create_new_study: study_name must be a str, got study_name={study_name!r}")


class InMemoryStorage(BaseStorage):
    """Keeps studies in this process's memory; the default of ``create_study``.

    Thread-safe (one lock), so ``optimize(n_jobs=...)`` may share it. Trials are copied on
    write: a :class:`FrozenTrial` handed out never changes afterwards, so
    ``get_all_trials(deepcopy=False)`` costs one list copy. The best trial of a
    single-objective study is maintained as trials complete.

    Example:
        .. code-block:: python

            study = albacore.create_study(storage=albacore.storages.InMemoryStorage())
    """

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._studies: dict[int, _StudyRecord] = {}
        self._name_to_id: dict[str, int] = {}
        self._trial_location: dict[int, tuple[int, int]] = {}
        self._next_study_id = 0
        self._next_trial_id = 0

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        del state["_lock"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.RLock()

    # --- studies -----------------------------------------------------------------------------
    def create_new_study(self, directions: Sequence[StudyDirection], study_name: str | None = None) -> int:
        check_study_name(study_name)
        with self._lock:
            name = study_name if study_name is not None else generate_study_name()
            if name in self._name_to_id:
                raise DuplicatedStudyError(f"a study named {name!r} already exists")
            study_id = self._next_study_id
            self._next_study_id += 1
            self._studies[study_id] = _StudyRecord(name, list(directions))
            self._name_to_id[name] = study_id
            return study_id

    def delete_study(self, study_id: int) -> None:
        with self._lock:
            record = self._study(study_id)
            for trial in record.trials:
                del self._trial_location[trial._trial_id]
            del self._name_to_id[record.name]
            del self._studies[study_id]

    def set_study_user_attr(self, study_id: int, key: str, value: Any) -> None:
        check_json("set_study_user_attr", f"user attribute {key!r}", value)
        with self._lock:
            self._study(study_id).user_attrs[key] = value

    def set_study_system_attr(self, study_id: int, key: str, value: Any) -> None:
        check_json("set_study_system_attr", f"system attribute {key!r}", value)
        with self._lock:
            self._study(study_id).system_attrs[key] = value

    def set_study_system_attr_if(self, study_id: int, key: str, expected: Any, value: Any) -> bool:
        check_json("set_study_system_attr_if", f"system attribute {key!r}", value)
        with self._lock:
            attrs = self._study(study_id).system_attrs
            if expected is None:
                if key in attrs:
                    return False
            elif key not in attrs or json.dumps(attrs[key]) != json.dumps(expected):
                return False
            attrs[key] = value
            return True

    def get_study_id_from_name(self, study_name: str) -> int:
        with self._lock:
            if study_name not in self._name_to_id:
                raise KeyError(f"no study named {study_name!r}")
            return self._name_to_id[study_name]

    def get_study_name_from_id(self, study_id: int) -> str:
        with self._lock:
            return self._study(study_id).name

    def get_study_directions(self, study_id: int) -> list[StudyDirection]:
        with self._lock:
            return list(self._study(study_id).directions)

    def get_study_user_attrs(self, study_id: int) -> dict[str, Any]:
        with self._lock:
            return copy.deepcopy(self._study(study_id).user_attrs)

    def get_study_system_attrs(self, study_id: int) -> dict[str, Any]:
        with self._lock:
            return copy.deepcopy(self._study(study_id).system_attrs)

    def get_all_studies(self) -> list[FrozenStudy]:
        with self._lock:
            return [
                FrozenStudy(
                    study_name=rec.name,
                    direction=None,
                    directions=list(rec.directions),
                    user_attrs=copy.deepcopy(rec.user_attrs),
                    system_attrs=copy.deepcopy(rec.system_attrs),
                    study_id=study_id,
                )
                for study_id, rec in self._studies.items()
            ]

    def _study(self, study_id: int) -> _StudyRecord:
        try:
            return self._studies[study_id]
        except KeyError:
            raise KeyError(f"no study with id {study_id}") from None

    # --- trials --------------------------------------------------------------------------------
    def create_new_trial(self, study_id: int, template_trial: FrozenTrial | None = None) -> int:
        if template_trial is not None:
            check_json("create_new_trial", "the template trial's user_attrs", template_trial.user_attrs)
            check_json("create_new_trial", "the template trial's system_attrs", template_trial.system_attrs)
        with self._lock:
            record = self._study(study_id)
            trial_id = self._next_trial_id
            self._next_trial_id += 1
            number = len(record.trials)
            if template_trial is None:
                trial = new_trial(number, trial_id, datetime_start=datetime.datetime.now())
            else:
                trial = copy.deepcopy(template_trial)
                trial.number = number
                trial._trial_id = trial_id
            record.trials.append(trial)
            if not trial.state.is_finished():
                record.unfinished[number] = None
            self._trial_location[trial_id] = (study_id, number)
            if trial.state == TrialState.COMPLETE:
                self._update_best(record, trial)
            return trial_id

    def _locate(self, trial_id: int) -> tuple[_StudyRecord, int]:
        try:
            study_id, number = self._trial_location[trial_id]
        except KeyError:
            raise KeyError(f"no trial with id {trial_id}") from None
        return self._studies[study_id], number

    def _updatable(self, trial_id: int) -> tuple[_StudyRecord, FrozenTrial]:
        record, number = self._locate(trial_id)
        trial = record.trials[number]
        self.check_trial_is_updatable(trial_id, trial.state)
        new = trial.__copy__()
        record.trials[number] = new
        return record, new

    def set_trial_param(
        self, trial_id: int, param_name: str, param_value_internal: float, distribution: BaseDistribution
    ) -> None:
        with self._lock:
            _, trial = self._updatable(trial_id)
            trial.params = {**trial.params, param_name: distribution.to_external_repr(param_value_internal)}
            trial.distributions = {**trial.distributions, param_name: distribution}

    def set_trial_state_values(
        self, trial_id: int, state: TrialState, values: Sequence[float] | None = None
    ) -> bool:
        with self._lock:
            record, number = self._locate(trial_id)
            current = record.trials[number]
            self.check_trial_is_updatable(trial_id, current.state)
            if state == TrialState.RUNNING and current.state != TrialState.WAITING:
                return False
            _, trial = self._updatable(trial_id)
            trial.state = state
            if values is not None:
                trial.values = [float(v) for v in values]
            if state == TrialState.RUNNING:
                trial.datetime_start = datetime.datetime.now()
            if state.is_finished():
                trial.datetime_complete = datetime.datetime.now()
                del record.unfinished[number]
            if state == TrialState.COMPLETE:
                self._update_best(record, trial)
            return True

    def _update_best(self, record: _StudyRecord, trial: FrozenTrial) -> None:
        if len(record.directions) > 1 or trial.values is None or not is_feasible(trial.system_attrs):
            return
        if record.best_trial_id is None:
            record.best_trial_id = trial._trial_id
            return
        _, best_number = self._trial_location[record.best_trial_id]
        best = record.trials[best_number].values[0]  # type: ignore[index]
        value = trial.values[0]
        better = value > best if record.directions[0] == StudyDirection.MAXIMIZE else value < best
        if better:
            record.best_trial_id = trial._trial_id

    def set_trial_intermediate_value(self, trial_id: int, step: int, intermediate_value: float) -> None:
        with self._lock:
            _, trial = self._updatable(trial_id)
            trial.intermediate_values = {**trial.intermediate_values, step: float(intermediate_value)}

    def set_trial_user_attr(self, trial_id: int, key: str, value: Any) -> None:
        check_json("set_trial_user_attr", f"user attribute {key!r}", value)
        with self._lock:
            _, trial = self._updatable(trial_id)
            trial.user_attrs = {**trial.user_attrs, key: copy.deepcopy(value)}

    def set_trial_system_attr(self, trial_id: int, key: str, value: Any) -> None:
        check_json("set_trial_system_attr", f"system attribute {key!r}", value)
        with self._lock:
            _, trial = self._updatable(trial_id)
            trial.system_attrs = {**trial.system_attrs, key: copy.deepcopy(value)}

    def get_trial(self, trial_id: int) -> FrozenTrial:
        with self._lock:
            record, number = self._locate(trial_id)
            return record.trials[number]._clone()

    def get_all_trials(
        self, study_id: int, deepcopy: bool = True, states: Container[TrialState] | None = None
    ) -> list[FrozenTrial]:
        with self._lock:
            record = self._study(study_id)
            trials = record.trials
            if states is None:
                selected = list(trials)
            elif all(s in _UNFINISHED for s in states):  # type: ignore[attr-defined]
                selected = [trials[n] for n in sorted(record.unfinished) if trials[n].state in states]
            else:
                selected = [t for t in trials if t.state in states]
        return [t._clone() for t in selected] if deepcopy else selected

    def get_trial_id_from_study_id_trial_number(self, study_id: int, trial_number: int) -> int:
        with self._lock:
            trials = self._study(study_id).trials
            if not 0 <= trial_number < len(trials):
                raise KeyError(f"study {study_id} has no trial number {trial_number}")
            return trials[trial_number]._trial_id

    def get_trial_number_from_id(self, trial_id: int) -> int:
        with self._lock:
            return self._locate(trial_id)[1]

    def get_best_trial(self, study_id: int) -> FrozenTrial:
        with self._lock:
            record = self._study(study_id)
            if len(record.directions) > 1:
                raise RuntimeError("best trial is not defined for a multi-objective study; use best_trials")
            if record.best_trial_id is None:
                raise ValueError("no feasible trial has completed yet")
            _, number = self._trial_location[record.best_trial_id]
            return record.trials[number]
