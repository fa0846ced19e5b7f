"""TerminatorCallback: stop ``study.optimize`` when a terminator says so."""

from __future__ import annotations

from typing import TYPE_CHECKING

from albacore.logging import get_logger
from albacore.terminator._base import BaseTerminator
from albacore.terminator._terminator import Terminator
from albacore.trial._frozen import FrozenTrial

if TYPE_CHECKING:
    from albacore.study.study import Study

_logger = get_logger(__name__)


class TerminatorCallback:
    """A ``study.optimize`` callback that stops the study when ``terminator`` says so.

    Running trials finish; no new one starts.

    Args:
        terminator: The terminator consulted after each finished trial; a default
            :class:`Terminator` if None.

    Raises:
        TypeError: If ``terminator`` is not a BaseTerminator.

    Example:
        .. code-block:: python

            study.optimize(objective, n_trials=200,
                           callbacks=[albacore.terminator.TerminatorCallback()])
    """

    def __init__(self, terminator: BaseTerminator | None = None) -> None:
        if terminator is not None and not isinstance(terminator, BaseTerminator):
            raise TypeError(f"TerminatorCallback: terminator must be a BaseTerminator, got terminator={terminator!r}")
        self._terminator = terminator or Terminator()

    def __call__(self, study: Study, trial: FrozenTrial) -> None:
        if self._terminator.should_terminate(study):
            _logger.info("The study was stopped by the terminator after trial %d.", trial.number)
            study.stop()
