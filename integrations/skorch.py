"""skorch integration: a pruning callback for ``NeuralNet.fit``.

Importing this module imports skorch (the callback subclasses ``skorch.callbacks.Callback``);
without it, the import raises an ImportError naming ``pip install 'albacore[skorch]'``.
"""

from __future__ import annotations

from typing import Any

from albacore._imports import require
from albacore.integrations._pruning import lookup_metric, report_and_prune
from albacore.trial import Trial

skorch_callbacks: Any = require("skorch.callbacks", extra="skorch", feature="albacore.integrations.skorch")

__all__ = ["SkorchPruningCallback"]

_CALLER = "SkorchPruningCallback"


class SkorchPruningCallback(skorch_callbacks.Callback):
    """A skorch callback that reports a value of ``net.history`` and prunes unpromising trials.

    At the end of each epoch the monitored entry of the epoch's history row is reported at
    the epoch's index (0-based: ``len(net.history) - 1``) and ``TrialPruned`` is raised out
    of ``fit`` when the pruner says so. Like skorch's own callbacks, it keeps its arguments
    as the attributes ``trial`` and ``monitor``, so ``net.set_params(callbacks__<name>__monitor=...)``
    works, and it pickles with the net.

    Args:
        trial: The trial being evaluated.
        monitor: A key of the history rows, e.g. ``"valid_loss"``, ``"valid_acc"`` or the
            name of an ``EpochScoring`` callback.

    Raises:
        ValueError: If ``monitor`` is not a non-empty str. At the end of an epoch, if
            ``monitor`` is not in that epoch's history row (the message lists its keys).

    Example:
        .. code-block:: python

            def objective(trial):
                net = skorch.NeuralNetClassifier(
                    Module, max_epochs=20, lr=trial.suggest_float("lr", 1e-4, 1e-1, log=True),
                    callbacks=[SkorchPruningCallback(trial, "valid_acc")])
                net.fit(X_train, y_train)
                return net.history[-1, "valid_acc"]
    """

    def __init__(self, trial: Trial, monitor: str) -> None:
        super().__init__()
        if not isinstance(monitor, str) or not monitor:
            raise ValueError(f"{_CALLER}: monitor must be a non-empty str, got monitor={monitor!r}")
        self.trial = trial
        self.monitor = monitor

    def on_epoch_end(self, net: Any, **kwargs: Any) -> None:
        """Report the monitored value of this epoch and raise TrialPruned if pruned.

        Raises:
            albacore.TrialPruned: If the trial should stop.
        """
        history = net.history
        if not history:
            return
        row = history[-1]
        value = lookup_metric(row, self.monitor, caller=_CALLER, param="monitor")
        report_and_prune(self.trial, value, len(history) - 1, what="epoch")
