"""The journal's in-memory state: log records replayed into an InMemoryStorage.

Every process replays the same records in the same order, so ids, trial numbers and
compare-and-set outcomes are decided by log order alone and agree across processes. The
record carries every time stamp, so datetimes agree too.
"""

from __future__ import annotations

import datetime
import json
from typing import Any, Callable

from albacore._study_types import StudyDirection
from albacore.distributions import BaseDistribution, distribution_to_json, json_to_distribution
from albacore.storages._in_memory import InMemoryStorage
from albacore.trial._frozen import FrozenTrial
from albacore.trial._state import TrialState

SNAPSHOT_FORMAT = 2
_CACHE_LIMIT = 4096

# Distributions are immutable value objects and a study uses few of them: both directions
# of their JSON form are memoized, which makes replaying a long log several times faster.
_to_json_cache: dict[BaseDistribution, str] = {}
_from_json_cache: dict[str, BaseDistribution] = {}


def dist_to_json(dist: BaseDistribution) -> str:
    """``distribution_to_json``, memoized."""
    text = _to_json_cache.get(dist)
    if text is None:
        if len(_to_json_cache) >= _CACHE_LIMIT:
            _to_json_cache.clear()
        text = _to_json_cache[dist] = distribution_to_json(dist)
    return text


def dist_from_json(text: str) -> BaseDistribution:
    """``json_to_distribution``, memoized."""
    dist = _from_json_cache.get(text)
    if dist is None:
        if len(_from_json_cache) >= _CACHE_LIMIT:
            _from_json_cache.clear()
        dist = _from_json_cache[text] = json_to_distribution(text)
    return dist


def trial_to_json(trial: FrozenTrial) -> dict[str, Any]:
    """A JSON-serializable dict holding everything of ``trial`` but its id and number."""
    return {
        "state": int(trial.state),
        "values": trial.values,
        "start": _dt_to_json(trial.datetime_start),
        "complete": _dt_to_json(trial.datetime_complete),
        "params": {
            name: [dist.to_internal_repr(trial.params[name]), dist_to_json(dist)]
            for name, dist in trial.distributions.items()
        },
        "user_attrs": trial.user_attrs,
        "system_attrs": trial.system_attrs,
        "intermediate": [[step, value] for step, value in trial.intermediate_values.items()],
    }


def trial_from_json(data: dict[str, Any], number: int = -1, trial_id: int = -1) -> FrozenTrial:
    """Rebuild a FrozenTrial from :func:`trial_to_json`'s output."""
    params, distributions = {}, {}
    for name, (internal, dist_json) in data["params"].items():
        dist = dist_from_json(dist_json)
        distributions[name] = dist
        params[name] = dist.to_external_repr(internal)
    return FrozenTrial(
        number=number,
        state=TrialState(data["state"]),
        value=None,
        values=data["values"],
        datetime_start=_dt_from_json(data["start"]),
        datetime_complete=_dt_from_json(data["complete"]),
        params=params,
        distributions=distributions,
        user_attrs=data["user_attrs"],
        system_attrs=data["system_attrs"],
        intermediate_values={int(step): float(value) for step, value in data["intermediate"]},
        trial_id=trial_id,
    )


def _dt_to_json(when: datetime.datetime | None) -> str | None:
    return None if when is None else when.isoformat()


def _dt_from_json(text: str | None) -> datetime.datetime | None:
    return None if text is None else datetime.datetime.fromisoformat(text)


class ReplayState(InMemoryStorage):
    """An InMemoryStorage driven by log records, plus the journal's own bookkeeping.

    ``apply(record)`` performs one record and returns its outcome (or raises what the
    operation raised, e.g. UpdateFinishedTrialError when a trial was finished by an earlier
    record). ``heartbeats`` maps a trial id to the epoch time of its last beat, and
    ``last_seq`` the highest sequence number applied per writer, so that a record appended
    twice (a retried append) is applied once.
    """

    def __init__(self) -> None:
        super().__init__()
        self.heartbeats: dict[int, float] = {}
        self.last_seq: dict[str, int] = {}
        self._finished_text: dict[int, str] = {}
        self._ops: dict[str, Callable[[dict[str, Any]], Any]] = {
            "create_study": self._op_create_study,
            "delete_study": lambda r: self.delete_study(r["study_id"]),
            "study_user_attr": lambda r: self.set_study_user_attr(r["study_id"], r["key"], r["value"]),
            "study_system_attr": lambda r: self.set_study_system_attr(r["study_id"], r["key"], r["value"]),
            "study_system_attr_if": lambda r: self.set_study_system_attr_if(
                r["study_id"], r["key"], r["expected"], r["value"]
            ),
            "create_trial": lambda r: self.create_new_trial(r["study_id"], trial_from_json(r["trial"])),
            "param": self._op_param,
            "state": self._op_state,
            "intermediate": lambda r: self.set_trial_intermediate_value(r["trial_id"], r["step"], r["value"]),
            "trial_user_attr": lambda r: self.set_trial_user_attr(r["trial_id"], r["key"], r["value"]),
            "trial_system_attr": lambda r: self.set_trial_system_attr(r["trial_id"], r["key"], r["value"]),
            "heartbeat": self._op_heartbeat,
        }

    def _trial_state(self, trial_id: int) -> TrialState:
        """The state of trial ``trial_id`` (KeyError naming it if unknown)."""
        with self._lock:
            record, number = self._locate(trial_id)
            return record.trials[number].state

    def is_duplicate(self, record: dict[str, Any]) -> bool:
        """Whether ``record`` was applied already (its writer's sequence number is not new)."""
        duplicate: bool = record["seq"] <= self.last_seq.get(record["writer"], -1)
        return duplicate

    def apply(self, record: dict[str, Any]) -> Any:
        """Apply one record and return its outcome."""
        self.last_seq[record["writer"]] = record["seq"]
        return self._ops[record["op"]](record)

    def _op_create_study(self, record: dict[str, Any]) -> int:
        directions = [StudyDirection(d) for d in record["directions"]]
        return self.create_new_study(directions, record["name"])

    def _op_param(self, record: dict[str, Any]) -> None:
        dist = dist_from_json(record["distribution"])
        self.set_trial_param(record["trial_id"], record["name"], record["value"], dist)

    def _op_state(self, record: dict[str, Any]) -> bool:
        state = TrialState(record["state"])
        with self._lock:  # readers never see the trial before its time stamp is fixed
            changed = self.set_trial_state_values(record["trial_id"], state, record["values"])
            if changed and (state == TrialState.RUNNING or state.is_finished()):
                # The base class stamps its own clock; use the writer's, which every process shares.
                when = _dt_from_json(record["time"])
                record_, number = self._locate(record["trial_id"])
                trial = record_.trials[number]
                if state == TrialState.RUNNING:
                    trial.datetime_start = when
                else:
                    trial.datetime_complete = when
        if state.is_finished():
            self.heartbeats.pop(record["trial_id"], None)
        return changed

    def _op_heartbeat(self, record: dict[str, Any]) -> None:
        trial_id = record["trial_id"]
        try:
            record_, number = self._locate(trial_id)
        except KeyError:
            return
        if not record_.trials[number].state.is_finished():
            self.heartbeats[trial_id] = record["time"]

    # --- snapshots -----------------------------------------------------------------------------
    def _trial_text(self, trial: FrozenTrial) -> str:
        """The JSON text of ``trial``, memoized once it has finished (it never changes again)."""
        text = self._finished_text.get(trial._trial_id)
        if text is None:
            text = json.dumps(trial_to_json(trial), separators=(",", ":"))
            if trial.state.is_finished():
                self._finished_text[trial._trial_id] = text
        return text

    def to_snapshot(self) -> bytes:
        """Serialize the whole state as JSON.

        Each trial is a JSON text of its own, which this state and every state loaded from
        the snapshot keep for finished trials, so a later snapshot only serializes the
        trials that finished since: its cost is a copy of the bytes, not a walk of every
        trial.
        """
        studies = []
        for study in self.get_all_studies():
            trials = self.get_all_trials(study._study_id, deepcopy=False)
            studies.append(
                {
                    "id": study._study_id,
                    "name": study.study_name,
                    "directions": [int(d) for d in study.directions],
                    "user_attrs": study.user_attrs,
                    "system_attrs": study.system_attrs,
                    "trials": [[t._trial_id, self._trial_text(t)] for t in trials],
                }
            )
        data = {
            "format": SNAPSHOT_FORMAT,
            "next_study_id": self._next_study_id,
            "next_trial_id": self._next_trial_id,
            "studies": studies,
            "heartbeats": [[k, v] for k, v in self.heartbeats.items()],
            "last_seq": self.last_seq,
        }
        return json.dumps(data, separators=(",", ":")).encode()

    @classmethod
    def from_snapshot(cls, snapshot: bytes) -> ReplayState:
        """Rebuild a state from :meth:`to_snapshot`'s output.

        Raises:
            ValueError: If the snapshot is not one this version wrote.
        """
        data = json.loads(snapshot)
        if data.get("format") != SNAPSHOT_FORMAT:
            raise ValueError(f"unknown journal snapshot format {data.get('format')!r}")
        state = cls()
        for study in sorted(data["studies"], key=lambda s: s["id"]):
            state._next_study_id = study["id"]
            study_id = state.create_new_study([StudyDirection(d) for d in study["directions"]], study["name"])
            for key, value in study["user_attrs"].items():
                state.set_study_user_attr(study_id, key, value)
            for key, value in study["system_attrs"].items():
                state.set_study_system_attr(study_id, key, value)
            for trial_id, text in study["trials"]:
                state._next_trial_id = trial_id
                trial = trial_from_json(json.loads(text))
                state.create_new_trial(study_id, trial)
                if trial.state.is_finished():
                    state._finished_text[trial_id] = text
        state._next_study_id = data["next_study_id"]
        state._next_trial_id = data["next_trial_id"]
        state.heartbeats = {int(k): float(v) for k, v in data["heartbeats"]}
        state.last_seq = {str(k): int(v) for k, v in data["last_seq"].items()}
        return state
