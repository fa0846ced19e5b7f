"""The JSON endpoints. Every handler is synchronous (run in the server's thread pool) and
reads through the storage API and the server's snapshots."""

from __future__ import annotations

import datetime
import math
import threading
import time
from typing import Any

import numpy as np

from albacore.dashboard import _notes
from albacore.dashboard._figures import FigureCache
from albacore.dashboard._query import parse_query, select
from albacore.dashboard._serialize import jsonable, trial_detail, trial_row
from albacore.dashboard._snapshot import StudySnapshot
from albacore.storages._base import BaseStorage
from albacore.trial._state import TrialState

MAX_CHANGED_ROWS = 2000  # an update with more changed trials asks the page to reload
STUDY_LIST_INTERVAL = 0.5  # seconds during which the study list is served from the last read


class HTTPError(Exception):
    """An error answered with ``status`` and ``{"error": message}``."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class Backend:
    """What the endpoints share: the storage, one snapshot per study, the figure cache."""

    def __init__(self, storage: BaseStorage, read_only: bool, epoch: str) -> None:
        self.storage = storage
        self.read_only = read_only
        self.epoch = epoch
        self.figures = FigureCache()
        self._snapshots: dict[int, StudySnapshot] = {}
        # study id -> (snapshot, its revision, summary)
        self._summaries: dict[int, tuple[StudySnapshot, int, dict[str, Any]]] = {}
        self._study_list: tuple[float, list[Any]] = (-float("inf"), [])  # (monotonic read time, studies)
        self._lock = threading.Lock()

    # --- studies ---------------------------------------------------------------------------------
    def snapshot(self, study_id: int, force: bool = False) -> StudySnapshot:
        with self._lock:
            snapshot = self._snapshots.get(study_id)
        if snapshot is None:
            try:
                snapshot = StudySnapshot(self.storage, study_id)
            except KeyError:
                raise HTTPError(404, f"no study with id {study_id} in this storage") from None
            with self._lock:
                snapshot = self._snapshots.setdefault(study_id, snapshot)
        try:
            snapshot.refresh(force=force)
        except KeyError:
            with self._lock:
                self._snapshots.pop(study_id, None)
            raise HTTPError(404, f"no study with id {study_id} in this storage (deleted?)") from None
        return snapshot

    def studies(self, search: str) -> list[dict[str, Any]]:
        rows = []
        needle = search.strip().lower()
        read_at, all_studies = self._study_list
        if time.monotonic() - read_at >= STUDY_LIST_INTERVAL:  # several viewers polling share one read
            all_studies = self.storage.get_all_studies()
            self._study_list = (time.monotonic(), all_studies)
        for frozen in all_studies:
            if needle and needle not in frozen.study_name.lower():
                continue
            snapshot = self.snapshot(frozen._study_id)
            rows.append(self._summary(snapshot))
        return rows

    def _summary(self, snapshot: StudySnapshot) -> dict[str, Any]:
        """The study's list row, computed once per snapshot revision (a copy: callers add keys)."""
        revision = snapshot.revision
        cached = self._summaries.get(snapshot.study_id)
        if cached is None or cached[0] is not snapshot or cached[1] != revision:
            cached = (snapshot, revision, self._compute_summary(snapshot))
            self._summaries[snapshot.study_id] = cached
        return dict(cached[2])

    def _compute_summary(self, snapshot: StudySnapshot) -> dict[str, Any]:
        columns = snapshot.columns
        best = snapshot.best_trials() if len(snapshot.directions) == 1 else []
        start = columns.start[: columns.n]
        known = start[~np.isnan(start)]
        first = datetime.datetime.fromtimestamp(float(known.min())).isoformat() if len(known) else None
        return {
            "study_id": snapshot.study_id,
            "study_name": snapshot.study_name,
            "directions": [d.name for d in snapshot.directions],
            "n_trials": columns.n,
            "counts": snapshot.counts(),
            "best_value": jsonable(best[0].value) if best else None,
            "best_number": best[0].number if best else None,
            "datetime_start": first,
        }

    def study(self, study_id: int) -> dict[str, Any]:
        snapshot = self.snapshot(study_id)
        attrs = self.storage.get_study_system_attrs(study_id)
        summary = self._summary(snapshot)
        params = {name: {"type": type(d).__name__, "choices": jsonable(getattr(d, "choices", None))}
                  for name, d in snapshot.columns.distributions.items()}
        summary.update(
            metric_names=attrs.get("study:metric_names"),
            user_attrs=jsonable(self.storage.get_study_user_attrs(study_id)),
            note=_notes.study_note(attrs),
            params={k: params[k] for k in sorted(params)},
            best_trials=[trial_row(t) for t in snapshot.best_trials()[:100]],
            marker=self.marker(snapshot),
            read_only=self.read_only,
        )
        return summary

    def marker(self, snapshot: StudySnapshot) -> str:
        return f"{self.epoch}.{snapshot.revision}"

    def updates(self, study_id: int, since: str) -> dict[str, Any]:
        snapshot = self.snapshot(study_id)
        epoch, _, revision = since.partition(".")
        changed = snapshot.changed_since(int(revision)) if epoch == self.epoch and revision.isdigit() else None
        if changed is not None and len(changed) > MAX_CHANGED_ROWS:
            changed = None  # too many to send row by row: the page reloads the table
        attrs = self.storage.get_study_system_attrs(study_id)
        return {
            "marker": self.marker(snapshot),
            "reset": changed is None,
            "changed": [] if changed is None else [trial_row(snapshot.trials[n]) for n in changed],
            "summary": self._summary(snapshot),
            "note": _notes.study_note(attrs),
        }

    def delete_study(self, study_id: int, body: dict[str, Any]) -> dict[str, Any]:
        name = self._study_name(study_id)
        if body.get("confirm") != name:
            raise HTTPError(
                400, f"to delete study {name!r}, send its name as 'confirm', got confirm={body.get('confirm')!r}"
            )
        self.storage.delete_study(study_id)
        with self._lock:
            self._snapshots.pop(study_id, None)
            self._summaries.pop(study_id, None)
            self._study_list = (-float("inf"), [])
        return {"deleted": name}

    def _study_name(self, study_id: int) -> str:
        try:
            return self.storage.get_study_name_from_id(study_id)
        except KeyError:
            raise HTTPError(404, f"no study with id {study_id} in this storage") from None

    # --- trials ----------------------------------------------------------------------------------
    def table(self, study_id: int, args: dict[str, str]) -> dict[str, Any]:
        snapshot = self.snapshot(study_id)
        query = _bad_request(parse_query, args)
        numbers = _bad_request(select, snapshot.columns, query)
        page = numbers[query.offset : query.offset + query.limit]
        return {
            "total": int(len(numbers)),
            "n_trials": snapshot.columns.n,
            "offset": query.offset,
            "rows": [trial_row(snapshot.trials[int(n)]) for n in page],
            "marker": self.marker(snapshot),
        }

    def selected_trials(self, study_id: int, args: dict[str, str]) -> tuple[StudySnapshot, list[Any]]:
        snapshot = self.snapshot(study_id)
        query = _bad_request(parse_query, args, page=False)
        numbers = _bad_request(select, snapshot.columns, query)
        return snapshot, [snapshot.trials[int(n)] for n in numbers]

    def trial(self, study_id: int, number: int) -> dict[str, Any]:
        snapshot = self.snapshot(study_id)
        trial = self._trial(snapshot, number)
        attrs = self.storage.get_study_system_attrs(study_id)
        detail = trial_detail(trial, _notes.trial_note(trial, attrs))
        detail["heartbeat_interval"] = _heartbeat_interval(self.storage)
        detail["directions"] = [d.name for d in snapshot.directions]
        detail["study_name"] = snapshot.study_name
        return detail

    def _trial(self, snapshot: StudySnapshot, number: int) -> Any:
        if not 0 <= number < len(snapshot.trials):
            snapshot.refresh(force=True)
        if not 0 <= number < len(snapshot.trials):
            raise HTTPError(404, f"study {snapshot.study_name!r} has no trial number {number}")
        return snapshot.trials[number]

    def set_study_note(self, study_id: int, body: dict[str, Any]) -> dict[str, Any]:
        self._study_name(study_id)
        _bad_request(_notes.set_study_note, self.storage, study_id, body.get("note"))
        return {"note": body["note"]}

    def set_trial_note(self, study_id: int, number: int, body: dict[str, Any]) -> dict[str, Any]:
        snapshot = self.snapshot(study_id, force=True)
        trial = self._trial(snapshot, number)
        _bad_request(_notes.set_trial_note, self.storage, study_id, trial, body.get("note"))
        return {"note": body["note"]}

    def tell(self, study_id: int, number: int, body: dict[str, Any]) -> dict[str, Any]:
        """Finish RUNNING trial ``number`` as ``study.tell`` does: ``{"values": [...]}`` or
        ``{"state": "FAIL" | "PRUNED"}``."""
        import albacore

        snapshot = self.snapshot(study_id, force=True)
        trial = self._trial(snapshot, number)
        if trial.state != TrialState.RUNNING:
            raise HTTPError(409, f"trial {number} is {trial.state.name}, not RUNNING: only a running trial can be told")
        state_name, values = body.get("state"), body.get("values")
        if state_name is not None:
            if state_name not in ("FAIL", "PRUNED", "COMPLETE"):
                raise HTTPError(400, f"state must be 'COMPLETE', 'FAIL' or 'PRUNED', got state={state_name!r}")
            if state_name != "COMPLETE" and values is not None:
                raise HTTPError(400, f"state={state_name!r} takes no values, got values={values!r}")
        if state_name in (None, "COMPLETE"):
            values = _parse_values(values, len(snapshot.directions))
        study = albacore.load_study(study_name=snapshot.study_name, storage=self.storage)
        state = None if state_name is None else TrialState[state_name]
        try:
            frozen = study.tell(number, values=values, state=state)
        except albacore.exceptions.UpdateFinishedTrialError as exc:
            raise HTTPError(409, f"trial {number} has already finished: {exc}") from None
        except ValueError as exc:
            raise HTTPError(400, str(exc)) from None
        snapshot.refresh(force=True)
        return trial_row(frozen)


def _parse_values(values: Any, n_objectives: int) -> list[float]:
    if not isinstance(values, list):
        values = [values]
    if len(values) != n_objectives:
        raise HTTPError(400, f"the study has {n_objectives} objective(s); got {len(values)} value(s): {values!r}")
    parsed = []
    for i, value in enumerate(values):
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise HTTPError(400, f"value {i} must be a number, got {value!r}")
        try:
            number = float(value)
        except ValueError:
            raise HTTPError(400, f"value {i} must be a number, got {value!r}") from None
        if math.isnan(number):
            raise HTTPError(400, f"value {i} must be a number, got {value!r} (NaN)")
        parsed.append(number)
    return parsed


def _bad_request(function: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return function(*args, **kwargs)
    except ValueError as exc:
        raise HTTPError(400, str(exc)) from None


def _heartbeat_interval(storage: BaseStorage) -> float | None:
    interval = getattr(storage, "get_heartbeat_interval", None)
    return interval() if callable(interval) else None
