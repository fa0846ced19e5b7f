"""Claims of a finite sampler's points (grid points, brute-force slots) on a study.

A point is claimed with a compare-and-set on a study system attribute
(``study.set_system_attr_if``), so of several workers, in threads, processes or machines,
that claim the same point from the same value, exactly one succeeds. A claim's value says
who holds the point:

- ``{"pending": token, ...}``: a worker whose ``can_start_trial`` chose the point, about to
  create the trial for it (milliseconds);
- ``{"trial": number, ...}``: that trial, once it exists (its ``before_trial`` turns the
  pending claim into this one, again by compare-and-set);
- ``{"free": true}``: released (a chosen point whose trial was never created here).

A point is free when it has no claim, a released one, or one of a trial that failed. A
pending claim that stays the same for :data:`ORPHAN_SECONDS`, as this process sees it, was
left by a worker that died between choosing and creating its trial; it is free again.
"""

from __future__ import annotations

import threading
import time
import uuid
from typing import TYPE_CHECKING, Any

from albacore.samplers._cache import Unpickled
from albacore.trial._state import TrialState

if TYPE_CHECKING:
    from albacore.trial._study_protocol import StudyLike as Study

ORPHAN_SECONDS = 30.0
_FREE = {"free": True}


class Claims(Unpickled):
    """The claims of one namespace of points (one grid, brute force) on studies.

    Pickles with its prefix only (what this process has seen of pending claims stays here).

    Args:
        prefix: Prefix of the study system attribute keys, e.g. ``"grid:<digest>:point:"``.
    """

    _lock: threading.Lock
    _pending_seen: dict[str, float]  # pending token -> when this process first saw it
    _unpickled = {"_lock": threading.Lock, "_pending_seen": dict}

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self._init_unpickled()

    def read(self, study: Study) -> dict[str, Any]:
        """Point name (the key without the prefix) -> claim value, for every claimed point."""
        n = len(self.prefix)
        return {key[n:]: value for key, value in study.system_attrs.items() if key.startswith(self.prefix)}

    def state(self, value: Any, failed: set[int], running: set[int]) -> str:
        """``"free"``, ``"pending"`` (another worker is creating its trial) or ``"held"``."""
        if not isinstance(value, dict) or value.get("free"):
            return "free"
        if "trial" in value:
            return "free" if value["trial"] in failed else "held" if value["trial"] in running else "done"
        return "free" if self._orphaned(value.get("pending")) else "pending"

    def _orphaned(self, token: Any) -> bool:
        now = time.monotonic()
        with self._lock:
            first = self._pending_seen.setdefault(str(token), now)
        return now - first > ORPHAN_SECONDS

    def reserve(self, study: Study, point: str, current: Any, **extra: Any) -> dict[str, Any] | None:
        """Claim ``point`` from its ``current`` value for a trial about to be created.

        Returns:
            The pending claim written (hand it to :meth:`confirm`), or None if another
            worker changed the claim first.
        """
        pending = {"pending": uuid.uuid4().hex, **extra}
        return pending if study.set_system_attr_if(self.prefix + point, current, pending) else None

    def confirm(self, study: Study, point: str, pending: dict[str, Any], number: int) -> bool:
        """Turn this worker's pending claim into trial ``number``'s; False if it was taken over."""
        held = {"trial": number, **{k: v for k, v in pending.items() if k != "pending"}}
        return study.set_system_attr_if(self.prefix + point, pending, held)

    def release(self, study: Study, point: str, pending: dict[str, Any]) -> None:
        """Give back a pending claim whose trial will not be created."""
        study.set_system_attr_if(self.prefix + point, pending, _FREE)

    def claim_now(self, study: Study, point: str, current: Any, number: int, **extra: Any) -> bool:
        """Claim ``point`` from ``current`` for the existing trial ``number`` (a trial asked by hand)."""
        return study.set_system_attr_if(self.prefix + point, current, {"trial": number, **extra})


def trial_numbers(study: Study) -> tuple[set[int], set[int]]:
    """The numbers of the study's failed trials and of its running ones."""
    trials = study.get_trials(deepcopy=False, states=(TrialState.FAIL, TrialState.RUNNING))
    failed = {t.number for t in trials if t.state == TrialState.FAIL}
    return failed, {t.number for t in trials if t.state == TrialState.RUNNING}
