"""Points reserved on a study for trials that are about to be created, visible to every worker.

Grid and brute-force search let ``optimize`` start a trial only when a point is left for it
(``BaseSampler.can_start_trial``). Between that decision and the trial's own claim (a system
attribute of the trial, written once the trial exists) another process could take the same
point, and the new trial would have nothing to evaluate. So the decision itself reserves the
point, in a study system attribute that every worker reads: one key per process, holding
``{thread id: [point, time]}``, written only by that process. Two processes that reserve the
same point at the same moment both write before they read, so at least one of them sees the
other and withdraws. A reservation is consumed by the trial's claim a few milliseconds later;
one left behind by a process that died is ignored after :data:`TTL_SECONDS`.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from typing import TYPE_CHECKING, Any

from albacore.trial._state import TrialState

if TYPE_CHECKING:
    from albacore.study.study import Study

TTL_SECONDS = 60.0


class Reservations:
    """The reservations of one sampler's points (one namespace, e.g. one grid) on studies.

    Args:
        namespace: Prefix of the study system attribute keys, e.g. ``"grid:<digest>"``.
    """

    def __init__(self, namespace: str) -> None:
        self._namespace = namespace
        self._prefix = f"{namespace}:reserved:"
        self._lock = threading.Lock()
        self._pid: int | None = None
        self._key = ""
        # This process's entries, per study name: thread id -> [point, time].
        self._mine: dict[str, dict[str, list[Any]]] = {}

    def __getstate__(self) -> dict[str, Any]:
        return {"namespace": self._namespace}

    def __setstate__(self, state: dict[str, Any]) -> None:
        Reservations.__init__(self, state["namespace"])

    def _process_key(self) -> str:
        if self._pid != os.getpid():  # a forked copy is another process: a key of its own
            self._pid, self._mine = os.getpid(), {}
            self._key = f"{self._prefix}{uuid.uuid4().hex[:12]}"
        return self._key

    def reserve(self, study: Study, point: Any) -> None:
        """Reserve ``point`` for the calling thread's next trial (replacing its earlier one)."""
        with self._lock:
            key = self._process_key()
            mine = self._mine.setdefault(study.study_name, {})
            mine[str(threading.get_ident())] = [point, time.time()]
            study.set_system_attr(key, dict(mine))

    def release(self, study: Study) -> None:
        """Drop the calling thread's reservation, if it has one."""
        with self._lock:
            key = self._process_key()
            mine = self._mine.get(study.study_name, {})
            if mine.pop(str(threading.get_ident()), None) is not None:
                study.set_system_attr(key, dict(mine))

    def restart(self, study: Study) -> bool:
        """Drop the calling thread's reservation; True if an enqueued trial is waiting, which
        the thread's next trial takes instead of a reserved point."""
        self.release(study)
        return bool(study.get_trials(deepcopy=False, states=(TrialState.WAITING,)))

    def others(self, study: Study) -> list[Any]:
        """The points reserved by other threads and processes, not expired."""
        with self._lock:
            key, me = self._process_key(), str(threading.get_ident())
        now = time.time()
        points = []
        for name, entries in study.system_attrs.items():
            if not name.startswith(self._prefix) or not isinstance(entries, dict):
                continue
            for thread, (point, stamp) in entries.items():
                if (name != key or thread != me) and now - stamp < TTL_SECONDS:
                    points.append(point)
        return points
