"""PyTorch Ignite integration: a pruning handler for an evaluator ``Engine``.

Importing this module imports ``ignite``; without it, the import raises an ImportError naming
``pip install 'albacore[ignite]'``.
"""

from __future__ import annotations

from typing import Any

from albacore._imports import require
from albacore.integrations._pruning import lookup_metric, report_and_prune
from albacore.trial import Trial

ignite_engine = require("ignite.engine", extra="ignite", feature="albacore.integrations.pytorch_ignite")

__all__ = ["PyTorchIgnitePruningHandler"]

_CALLER = "PyTorchIgnitePruningHandler"


class PyTorchIgnitePruningHandler:
    """An Ignite handler that reports an evaluator's metric and prunes unpromising trials.

    Attach it to the evaluator's ``Events.COMPLETED``; each time the evaluator finishes, the
    metric it computed is reported at the trainer's current epoch (``trainer.state.epoch``,
    which Ignite counts from 1) and ``TrialPruned`` is raised out of ``trainer.run`` when the
    pruner says so.

    Args:
        trial: The trial being evaluated.
        metric: The name of a metric attached to the evaluator, e.g. ``"accuracy"``.
        trainer: The trainer ``Engine`` whose epoch is the step.

    Raises:
        ValueError: If ``metric`` is not a non-empty str. When the evaluator completes, if
            ``metric`` is not among ``evaluator.state.metrics`` (the message lists them).
        TypeError: If ``trainer`` is not an ``ignite.engine.Engine``.

    Example:
        .. code-block:: python

            evaluator = create_supervised_evaluator(model, metrics={"accuracy": Accuracy()})
            pruning = PyTorchIgnitePruningHandler(trial, "accuracy", trainer)
            evaluator.add_event_handler(Events.COMPLETED, pruning)

            @trainer.on(Events.EPOCH_COMPLETED)
            def validate(engine):
                evaluator.run(valid_loader)

            trainer.run(train_loader, max_epochs=10)
            return evaluator.state.metrics["accuracy"]
    """

    def __init__(self, trial: Trial, metric: str, trainer: Any) -> None:
        if not isinstance(metric, str) or not metric:
            raise ValueError(f"{_CALLER}: metric must be a non-empty str, got metric={metric!r}")
        if not isinstance(trainer, ignite_engine.Engine):
            raise TypeError(
                f"{_CALLER}: trainer must be an ignite.engine.Engine, got trainer={type(trainer).__name__}"
            )
        self._trial = trial
        self._metric = metric
        self._trainer = trainer

    def __call__(self, engine: Any) -> None:
        """Report the evaluator's metric at the trainer's epoch; raise TrialPruned if pruned.

        Args:
            engine: The evaluator that just completed.

        Raises:
            albacore.TrialPruned: If the trial should stop.
        """
        value = lookup_metric(engine.state.metrics, self._metric, caller=_CALLER, param="metric")
        report_and_prune(self._trial, value, self._trainer.state.epoch, what="epoch")
