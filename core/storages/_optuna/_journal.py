"""Reading an Optuna 5.0 journal file: JSON lines, each an operation replayed in order.

Ids are counters: a study gets the next study id when its create record succeeds (a record
for a name already taken creates nothing), a trial the next trial id for each create record
of a live study. Records a live Optuna storage would have refused (a change to a finished
trial, a second claim of a WAITING trial, a record for a deleted study) change nothing here
either.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from albacore._study_types import StudyDirection
from albacore.storages._optuna._convert import distribution, external_params, system_attrs
from albacore.storages._optuna._types import OptunaStudy, local_naive
from albacore.trial._frozen import FrozenTrial
from albacore.trial._state import TrialState

CREATE_STUDY, DELETE_STUDY, STUDY_USER_ATTR, STUDY_SYSTEM_ATTR = 0, 1, 2, 3
CREATE_TRIAL, TRIAL_PARAM, TRIAL_STATE_VALUES, TRIAL_INTERMEDIATE = 4, 5, 6, 7
TRIAL_USER_ATTR, TRIAL_SYSTEM_ATTR = 8, 9


def _when(text: str | None) -> datetime.datetime | None:
    return None if text is None else local_naive(datetime.datetime.fromisoformat(text))


class _Trial:
    def __init__(self, trial_id: int, number: int) -> None:
        self.trial_id = trial_id
        self.number = number
        self.state = TrialState.RUNNING
        self.values: list[float] | None = None
        self.start: datetime.datetime | None = None
        self.complete: datetime.datetime | None = None
        self.params: dict[str, float] = {}
        self.distributions: dict[str, Any] = {}
        self.user_attrs: dict[str, Any] = {}
        self.system_attrs: dict[str, Any] = {}
        self.intermediate: dict[int, float] = {}

    def frozen(self) -> FrozenTrial:
        return FrozenTrial(
            number=self.number, state=self.state, value=None, values=self.values,
            datetime_start=self.start, datetime_complete=self.complete,
            params=external_params(self.params, self.distributions), distributions=dict(self.distributions),
            user_attrs=self.user_attrs, system_attrs=system_attrs(self.system_attrs),
            intermediate_values=dict(sorted(self.intermediate.items())), trial_id=self.trial_id,
        )


class _Replay:
    def __init__(self) -> None:
        self.studies: dict[int, OptunaStudy] = {}
        self.study_trials: dict[int, list[_Trial]] = {}
        self.trials: dict[int, tuple[int, _Trial]] = {}
        self.next_study_id = 0
        self.next_trial_id = 0

    def apply(self, record: dict[str, Any]) -> None:
        op = record["op_code"]
        if op == CREATE_STUDY:
            if any(s.name == record["study_name"] for s in self.studies.values()):
                return
            self.studies[self.next_study_id] = OptunaStudy(
                record["study_name"], [StudyDirection(d) for d in record["directions"]], {}, {}, []
            )
            self.study_trials[self.next_study_id] = []
            self.next_study_id += 1
        elif op == DELETE_STUDY:
            if self.studies.pop(record["study_id"], None) is not None:
                self.study_trials.pop(record["study_id"])
        elif op in (STUDY_USER_ATTR, STUDY_SYSTEM_ATTR):
            study = self.studies.get(record["study_id"])
            if study is not None:
                target = study.user_attrs if op == STUDY_USER_ATTR else study.system_attrs
                target.update(record["user_attr" if op == STUDY_USER_ATTR else "system_attr"])
        elif op == CREATE_TRIAL:
            self._create_trial(record)
        else:
            self._update_trial(op, record)

    def _create_trial(self, record: dict[str, Any]) -> None:
        study_id = record["study_id"]
        if study_id not in self.studies:
            return
        trials = self.study_trials[study_id]
        trial = _Trial(self.next_trial_id, len(trials))
        self.next_trial_id += 1
        trial.start = _when(record.get("datetime_start"))
        if "state" in record:  # a trial made from a template
            trial.state = TrialState(record["state"])
            if record.get("values") is not None:
                trial.values = [float(v) for v in record["values"]]
            elif record.get("value") is not None:
                trial.values = [float(record["value"])]
            trial.complete = _when(record.get("datetime_complete"))
            trial.distributions = {k: distribution(v) for k, v in record.get("distributions", {}).items()}
            trial.params = {k: float(v) for k, v in record.get("params", {}).items()}
            trial.user_attrs = dict(record.get("user_attrs", {}))
            trial.system_attrs = dict(record.get("system_attrs", {}))
            trial.intermediate = {int(k): float(v) for k, v in record.get("intermediate_values", {}).items()}
        trials.append(trial)
        self.trials[trial.trial_id] = (study_id, trial)

    def _update_trial(self, op: int, record: dict[str, Any]) -> None:
        found = self.trials.get(record["trial_id"])
        if found is None or found[0] not in self.studies or found[1].state.is_finished():
            return
        trial = found[1]
        if op == TRIAL_PARAM:
            trial.params[record["param_name"]] = float(record["param_value_internal"])
            trial.distributions[record["param_name"]] = distribution(record["distribution"])
        elif op == TRIAL_STATE_VALUES:
            state = TrialState(record["state"])
            if state == TrialState.RUNNING and trial.state != TrialState.WAITING:
                return  # another worker claimed it first
            trial.state = state
            if record.get("values") is not None:
                trial.values = [float(v) for v in record["values"]]
            if record.get("datetime_start") is not None:
                trial.start = _when(record["datetime_start"])
            if record.get("datetime_complete") is not None:
                trial.complete = _when(record["datetime_complete"])
        elif op == TRIAL_INTERMEDIATE:
            trial.intermediate[int(record["step"])] = float(record["intermediate_value"])
        elif op == TRIAL_USER_ATTR:
            trial.user_attrs.update(record["user_attr"])
        elif op == TRIAL_SYSTEM_ATTR:
            trial.system_attrs.update(record["system_attr"])


def read_journal(path: str) -> list[OptunaStudy]:
    """Every live study of the Optuna journal file at ``path``, in creation order.

    Raises:
        ValueError: If a line (other than a torn last one) is not an Optuna journal record.
    """
    replay = _Replay()
    with open(path, "rb") as file:
        lines = file.read().split(b"\n")
    last = len(lines) - 1
    for number, line in enumerate(lines):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            if not isinstance(record, dict) or not isinstance(record.get("op_code"), int):
                raise ValueError("not an operation record")
        except ValueError as exc:
            if number == last:
                break  # a last record torn by a killed writer, never applied by Optuna either
            raise ValueError(f"Optuna journal {path!r}: line {number + 1} is not a journal record ({exc})") from None
        replay.apply(record)
    out = []
    for study_id, study in replay.studies.items():
        study.trials = [t.frozen() for t in replay.study_trials[study_id]]
        out.append(study)
    return out
