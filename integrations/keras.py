"""Keras 3 integration: a pruning callback for ``model.fit``, whatever the backend.

Importing this module imports Keras (the callback subclasses ``keras.callbacks.Callback``);
without it, the import raises an ImportError naming ``pip install 'albacore[keras]'``. Set
``KERAS_BACKEND`` before the first Keras import, as usual; when the backend Keras picks is
not installed, the ImportError says so and names ``KERAS_BACKEND``.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
from collections.abc import Sequence
from typing import Any

from albacore._imports import require
from albacore._validation import check_count
from albacore.integrations._pruning import (
    check_metric_names,
    check_objective_count,
    lookup_metrics,
    report_and_prune,
)
from albacore.trial import Trial


def _import_keras() -> Any:
    try:
        return importlib.import_module("keras")
    except ImportError as exc:
        backend = getattr(exc, "name", None) or ""
        if not _keras_installed() or backend.split(".")[0] not in _BACKENDS:
            return require("keras", extra="keras", feature="albacore.integrations.keras")
        chosen = os.environ.get("KERAS_BACKEND")
        how = (
            f"KERAS_BACKEND={chosen!r}" if chosen
            else "KERAS_BACKEND is not set, so Keras uses ~/.keras/keras.json's backend or TensorFlow"
        )
        raise ImportError(
            f"albacore.integrations.keras: Keras is installed, but its backend {backend.split('.')[0]!r} "
            f"could not be imported ({how}). Set KERAS_BACKEND to an installed backend before "
            f"importing Keras, e.g. KERAS_BACKEND=torch (the backend 'albacore[keras]' installs)"
        ) from exc


_BACKENDS = ("tensorflow", "torch", "jax", "openvino")


def _keras_installed() -> bool:
    """Whether a ``keras`` package can be found (an import hook that refuses it counts as absent)."""
    try:
        return importlib.util.find_spec("keras") is not None
    except (ImportError, ValueError):
        return False
keras: Any = _import_keras()

__all__ = ["KerasPruningCallback"]

_CALLER = "KerasPruningCallback"


class KerasPruningCallback(keras.callbacks.Callback):
    """A Keras callback that reports an epoch metric and prunes unpromising trials.

    At the end of every ``interval``-th epoch, ``logs[monitor]`` is reported with the epoch
    (0-based) as the step; if the study's pruner prunes the trial, ``TrialPruned`` is raised
    out of ``model.fit``.

    Args:
        trial: The trial being evaluated.
        monitor: A key of Keras' epoch logs, e.g. ``"val_loss"`` or ``"val_accuracy"``; in
            a multi-objective study, a sequence of keys, one per objective in the order of
            ``study.directions`` (e.g. ``["val_loss", "val_latency"]``), reported together.
        interval: Report every this many epochs.

    Raises:
        ValueError: If ``interval`` is not a positive int; during ``fit``, if ``monitor`` is
            not among the logged metrics (the message lists them).

    Example:
        .. code-block:: python

            model.fit(x, y, validation_split=0.2, epochs=20,
                      callbacks=[KerasPruningCallback(trial, "val_loss")])
    """

    def __init__(self, trial: Trial, monitor: str | Sequence[str], interval: int = 1) -> None:
        super().__init__()
        check_count(_CALLER, "interval", interval, positive=True)
        self._trial = trial
        self._monitor = monitor if isinstance(monitor, str) else check_metric_names(
            monitor, caller=_CALLER, param="monitor"
        )
        self._interval = interval

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        """Report ``logs[monitor]`` and raise TrialPruned if the trial should stop."""
        if (epoch + 1) % self._interval != 0:
            return
        if not isinstance(self._monitor, str):
            check_objective_count(self._trial, self._monitor, caller=_CALLER, param="monitor")
        value = lookup_metrics(logs, self._monitor, caller=_CALLER, param="monitor")
        report_and_prune(self._trial, value, epoch, what="epoch")

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_model"] = None  # the model being trained is not part of the callback
        return state
