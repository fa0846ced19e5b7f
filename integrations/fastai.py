"""fastai (v2) integration: a pruning callback for ``Learner.fit`` and its variants.

Importing this module imports fastai's callback modules (not ``fastai.vision``, so no
torchvision); without fastai, the import raises an ImportError naming
``pip install 'albacore[fastai]'``.
"""

from __future__ import annotations

from typing import Any

from albacore._imports import require
from albacore.exceptions import TrialPruned
from albacore.integrations._pruning import missing_metric_error, report_and_prune
from albacore.trial import Trial

_feature = "albacore.integrations.fastai"
fastai_core = require("fastai.callback.core", extra="fastai", feature=_feature)
fastai_tracker: Any = require("fastai.callback.tracker", extra="fastai", feature=_feature)

__all__ = ["FastAIPruningCallback", "FastAIV2PruningCallback"]

_CALLER = "FastAIPruningCallback"
# The Recorder's columns that are not values one could monitor.
_NOT_MONITORED = ("epoch", "time")


class FastAIV2PruningCallback(fastai_tracker.TrackerCallback):
    """A fastai callback that reports a recorded value each epoch and prunes unpromising trials.

    After each epoch the monitored column of the ``Recorder`` (a loss or one of the
    learner's metrics) is reported at the epoch (0-based). When the pruner says so, the
    callback cancels the fit the way fastai's own callbacks do (``CancelFitException``), so
    every callback's ``after_fit`` still runs, and then raises ``TrialPruned`` out of
    ``fit`` (``fit_one_cycle``, ``fine_tune`` ...); fastai prefixes the message with the
    callback and event it came from. Like fastai's tracker callbacks it does nothing during
    ``lr_find`` and ``get_preds``. The step is the epoch of the current ``fit``, so a second
    ``fit`` on the same trial (``fine_tune`` makes two) reports epochs the trial already
    has, which albacore ignores with a warning; give each fit its own trial.
    ``FastAIPruningCallback`` is the same class.

    Args:
        trial: The trial being evaluated.
        monitor: The recorded value to monitor: ``"valid_loss"``, ``"train_loss"`` or the
            name of a metric of the learner, e.g. ``"accuracy"``.

    Raises:
        ValueError: If ``monitor`` is not a non-empty str. When ``fit`` starts, if the
            learner does not record ``monitor`` (the message lists what it records).

    Example:
        .. code-block:: python

            def objective(trial):
                learn = tabular_learner(dls, layers=[trial.suggest_int("width", 8, 256)],
                                        metrics=accuracy)
                learn.fit(10, lr=1e-2, cbs=FastAIPruningCallback(trial, monitor="accuracy"))
                return float(learn.validate()[1])  # [valid_loss, accuracy]
    """

    # After the Recorder (50) and every built-in tracker, progress and logging callback, so
    # they see the last epoch before the fit is cancelled and their after_fit runs first.
    order = 100

    def __init__(self, trial: Trial, monitor: str = "valid_loss") -> None:
        if not isinstance(monitor, str) or not monitor:
            raise ValueError(f"{_CALLER}: monitor must be a non-empty str, got monitor={monitor!r}")
        super().__init__(monitor=monitor)
        self.trial = trial
        self._pruned: TrialPruned | None = None

    def before_fit(self) -> None:
        """Check that ``monitor`` is recorded and forget a previous fit's pruning."""
        self._pruned = None
        recorded = [name for name in self.recorder.metric_names if name not in _NOT_MONITORED]
        if self.monitor not in recorded:
            raise missing_metric_error(_CALLER, "monitor", self.monitor, recorded)
        super().before_fit()

    def after_epoch(self) -> None:
        """Report this epoch's value; cancel the fit if the trial should stop."""
        super().after_epoch()
        try:
            report_and_prune(self.trial, self.recorder.values[-1][self.idx], self.epoch, what="epoch")
        except TrialPruned as pruned:
            self._pruned = pruned
            raise fastai_core.CancelFitException() from None

    def after_fit(self) -> None:
        """Raise ``TrialPruned`` if this fit was cancelled because the trial was pruned.

        Raises:
            albacore.TrialPruned: Naming the epoch the trial was pruned at.
        """
        super().after_fit()
        if self._pruned is not None:
            raise TrialPruned(str(self._pruned))


FastAIPruningCallback = FastAIV2PruningCallback
