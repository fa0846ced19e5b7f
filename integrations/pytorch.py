"""PyTorch integration for plain training loops: report an epoch metric and prune in one call.

Nothing here imports torch: tensors are recognized by their ``detach``/``item`` methods, so
the helpers also work with numpy scalars and Python numbers.
"""

from __future__ import annotations

import math
from typing import Any

from albacore.integrations._pruning import as_float, report_and_prune
from albacore.trial import Trial

__all__ = ["PyTorchPruningReporter", "report_and_maybe_prune"]


def report_and_maybe_prune(trial: Trial, value: Any, epoch: int) -> None:
    """Report ``value`` for ``epoch`` and raise ``TrialPruned`` if the trial should stop.

    Args:
        trial: The running trial.
        value: The epoch's metric: a Python number, numpy scalar or one-element tensor
            (detached and moved to the CPU for you).
        epoch: The epoch number, a non-negative int.

    Raises:
        albacore.TrialPruned: If the study's pruner prunes the trial at this epoch.
        TypeError: If ``value`` is not a scalar.

    Example:
        .. code-block:: python

            for epoch in range(n_epochs):
                train_one_epoch(model, optimizer)
                report_and_maybe_prune(trial, evaluate(model), epoch)
    """
    report_and_prune(trial, _scalar(value), epoch, what="epoch")


def _scalar(value: Any) -> float:
    numel = getattr(value, "numel", None)
    if callable(numel) and numel() != 1:
        raise TypeError(
            f"report_and_maybe_prune: value must be a scalar, got a tensor of shape {tuple(value.shape)}"
        )
    try:
        return as_float(value)
    except (TypeError, ValueError):
        raise TypeError(f"report_and_maybe_prune: value must be a number, got value={value!r}") from None


class PyTorchPruningReporter:
    """Tracks a loop's epochs: report each epoch's metric, prune, and remember the best value.

    Args:
        trial: The running trial.
        direction: ``"minimize"`` or ``"maximize"``: which values :attr:`best` keeps; by
            default the study's direction.

    Raises:
        ValueError: If ``direction`` is not ``"minimize"`` or ``"maximize"``.

    Example:
        .. code-block:: python

            reporter = PyTorchPruningReporter(trial)
            for epoch in range(n_epochs):
                train_one_epoch(model, optimizer)
                reporter.step(validation_loss(model))  # raises TrialPruned when pruned
            return reporter.best
    """

    def __init__(self, trial: Trial, direction: str | None = None) -> None:
        if direction is None:
            direction = trial.study.direction.name.lower()
        if direction not in ("minimize", "maximize"):
            raise ValueError(
                f"PyTorchPruningReporter: direction must be 'minimize' or 'maximize', got direction={direction!r}"
            )
        self._trial = trial
        self._maximize = direction == "maximize"
        self.epoch = 0
        self.best = -math.inf if self._maximize else math.inf

    def step(self, value: Any) -> None:
        """Report ``value`` for the current epoch, then move to the next epoch.

        Raises:
            albacore.TrialPruned: If the pruner prunes the trial.
        """
        number = _scalar(value)
        if self._maximize and number > self.best or not self._maximize and number < self.best:
            self.best = number
        epoch, self.epoch = self.epoch, self.epoch + 1
        report_and_prune(self._trial, number, epoch, what="epoch")
