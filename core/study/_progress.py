"""A tqdm progress bar over trials (with n_trials) or over time (with only a timeout)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from albacore.trial._frozen import FrozenTrial
from albacore.trial._state import TrialState

if TYPE_CHECKING:
    from albacore.study.study import Study


class ProgressBar:
    """Draws progress of ``optimize`` when enabled; does nothing otherwise."""

    def __init__(self, enabled: bool, n_trials: int | None, timeout: float | None) -> None:
        self._bar: Any = None
        self._by_time = n_trials is None and timeout is not None
        self._start = time.monotonic()
        if not enabled:
            return
        from tqdm.auto import tqdm

        if self._by_time:
            # Seconds with a decimal (a 1.5 s timeout is 1.5 s), then the best value as postfix.
            self._bar = tqdm(total=timeout, unit="s", bar_format="{l_bar}{bar}| {n:.1f}/{total:g}s{postfix}")
        else:
            self._bar = tqdm(total=n_trials, unit="trial")

    def update(self, study: Study, trial: FrozenTrial) -> None:
        if self._bar is None:
            return
        if self._by_time:
            self._bar.update(min(time.monotonic() - self._start, self._bar.total) - self._bar.n)
        else:
            self._bar.update(1)
        if trial.state == TrialState.COMPLETE and len(study.directions) == 1:
            try:
                best = study._storage.get_best_trial(study._study_id)
                self._bar.set_postfix_str(f"best trial {best.number}: {best.values[0]:.6g}")  # type: ignore[index]
            except ValueError:
                pass

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
