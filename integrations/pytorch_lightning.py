"""PyTorch Lightning integration: a pruning callback for ``Trainer.fit``, DDP included.

Lightning ships as two packages with the same API, ``lightning`` (``lightning.pytorch``) and
``pytorch_lightning``; each Trainer accepts only its own ``Callback`` subclasses. Importing
this module imports whichever of the two is installed, and the callback subclasses the
``Callback`` of each, so it works with either Trainer. Without either, the import raises
an ImportError naming ``pip install 'albacore[lightning]'`` (that extra installs both).
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any

from albacore._imports import require
from albacore.exceptions import TrialPruned
from albacore.integrations._pruning import (
    check_metric_names,
    check_objective_count,
    lookup_metrics,
    pruned_message,
)
from albacore.trial import Trial, TrialState

_FEATURE = "albacore.integrations.pytorch_lightning"


def _callback_bases() -> tuple[type, ...]:
    """The ``Callback`` class of each installed Lightning package, ``lightning`` first."""
    bases = []
    for module in ("lightning.pytorch", "pytorch_lightning"):
        try:
            bases.append(importlib.import_module(module).Callback)
        except ImportError:
            continue
    if not bases:
        require("pytorch_lightning", extra="lightning", feature=_FEATURE)  # raises, naming the extra
    return tuple(bases)


__all__ = ["PyTorchLightningPruningCallback"]

_CALLER = "PyTorchLightningPruningCallback"
_PRUNED_KEY = "ddp_pl:pruned"
_EPOCH_KEY = "ddp_pl:epoch"
_VALUE_KEY = "ddp_pl:value"


class PyTorchLightningPruningCallback(*_callback_bases()):  # type: ignore[misc]  # bases known at run time only
    """A Lightning callback that reports a logged metric after each validation and prunes.

    It is a ``Callback`` of ``lightning.pytorch`` and of ``pytorch_lightning`` (of those
    installed), so either package's ``Trainer`` takes it, alone or in a list.

    The step is the epoch. Without distributed training, a pruned trial raises
    ``TrialPruned`` out of ``trainer.fit``. Under DDP (``trainer.world_size > 1``) an
    exception on one rank would hang the others, so instead global rank 0 reports and asks
    the pruner, the decision is broadcast to every rank, all ranks stop training
    (``trainer.should_stop``), and rank 0 records the decision in the trial's system
    attributes ``"ddp_pl:pruned"`` / ``"ddp_pl:epoch"``. Call :meth:`check_pruned` after
    ``fit`` to raise ``TrialPruned``. With ``strategy="ddp_spawn"`` training runs in child
    processes, so the study needs a storage they share (RDB or journal) for the decision to
    reach the parent (``ddp_fork`` likewise).

    Args:
        trial: The trial being evaluated.
        monitor: A metric logged with ``self.log(...)``, e.g. ``"val_loss"``; in a
            multi-objective study, a sequence of metrics, one per objective in the order of
            ``study.directions``, reported together.

    Raises:
        ValueError: During ``fit``, if ``monitor`` was not logged (the message lists the
            logged metrics).

    Example:
        .. code-block:: python

            pruning = PyTorchLightningPruningCallback(trial, monitor="val_loss")
            trainer = lightning.pytorch.Trainer(max_epochs=10, callbacks=pruning)
            trainer.fit(model, datamodule=data)
            pruning.check_pruned()
            return trainer.callback_metrics["val_loss"].item()
    """

    def __init__(self, trial: Trial, monitor: str | Sequence[str]) -> None:
        super().__init__()
        self._trial = trial
        self.monitor = monitor if isinstance(monitor, str) else check_metric_names(
            monitor, caller=_CALLER, param="monitor"
        )
        self._pruned_at: tuple[int, float | list[float]] | None = None

    def on_fit_start(self, trainer: Any, pl_module: Any) -> None:
        """Forget a previous fit's pruning decision."""
        self._pruned_at = None

    def on_validation_end(self, trainer: Any, pl_module: Any) -> None:
        """Report the monitored metric for this epoch and prune if the pruner says so."""
        if trainer.sanity_checking:
            return
        epoch = pl_module.current_epoch
        if not isinstance(self.monitor, str):
            check_objective_count(self._trial, self.monitor, caller=_CALLER, param="monitor")
        value = lookup_metrics(trainer.callback_metrics, self.monitor, caller=_CALLER, param="monitor")
        distributed = trainer.world_size > 1
        prune = False
        if trainer.is_global_zero:
            self._trial.report(value, epoch)
            prune = self._trial.should_prune()
        if distributed:
            prune = bool(trainer.strategy.broadcast(prune, src=0))
        if not prune:
            return
        if not distributed:
            raise TrialPruned(pruned_message(self._trial.number, epoch, value, "epoch"))
        self._pruned_at = (epoch, value)
        trainer.should_stop = True
        if trainer.is_global_zero:
            self._trial.set_system_attr(_PRUNED_KEY, True)
            self._trial.set_system_attr(_EPOCH_KEY, epoch)
            self._trial.set_system_attr(_VALUE_KEY, value)

    def check_pruned(self) -> None:
        """Raise ``TrialPruned`` if training under DDP stopped because the trial was pruned.

        Looks at this process's record of the decision and at the trial's system attributes
        in the storage (which is how a parent learns of a ``ddp_spawn`` child's decision).

        Raises:
            albacore.TrialPruned: If the trial was pruned.
        """
        pruned_at = self._pruned_at
        if pruned_at is None:
            attrs = self._stored_attrs()
            if attrs.get(_PRUNED_KEY):
                stored = attrs[_VALUE_KEY]
                value = [float(v) for v in stored] if isinstance(stored, list) else float(stored)
                pruned_at = (int(attrs[_EPOCH_KEY]), value)
        if pruned_at is not None:
            raise TrialPruned(pruned_message(self._trial.number, pruned_at[0], pruned_at[1], "epoch"))

    def _stored_attrs(self) -> dict[str, Any]:
        running = self._trial.study.get_trials(deepcopy=False, states=(TrialState.RUNNING,))
        for frozen in running:
            if frozen.number == self._trial.number:
                return frozen.system_attrs
        return {}
