"""TensorBoard integration: one TensorBoard run per trial, shown in the HParams dashboard.

The event files are written with the ``tensorboard`` package alone (its
``tensorboard.plugins.hparams.summary_v2.hparams_pb`` summaries and its pure-Python
``EventFileWriter``): neither TensorFlow nor PyTorch is needed or imported. Without
``tensorboard``, importing this module raises an ImportError naming
``pip install 'albacore[tensorboard]'``.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from typing import Any

from albacore._imports import require
from albacore.distributions import CategoricalDistribution
from albacore.integrations._tracking import check_metric_name, metric_names, named_values
from albacore.logging import get_logger
from albacore.study import Study
from albacore.trial import FrozenTrial, TrialState

require("tensorboard", extra="tensorboard", feature="albacore.integrations.tensorboard")
from tensorboard.compat.proto.event_pb2 import Event  # noqa: E402
from tensorboard.compat.proto.summary_pb2 import Summary, SummaryMetadata  # noqa: E402
from tensorboard.plugins.hparams import summary_v2 as hp  # noqa: E402
from tensorboard.summary.writer.event_file_writer import EventFileWriter  # noqa: E402

__all__ = ["TensorBoardCallback"]

_CALLER = "TensorBoardCallback"
_logger = get_logger(__name__)
_SCALAR_METADATA = SummaryMetadata(
    plugin_data=SummaryMetadata.PluginData(plugin_name="scalars"),
    data_class=1,  # DATA_CLASS_SCALAR
)


def _scalar(tag: str, value: float) -> Summary.Value:
    value_pb = Summary.Value(tag=tag, metadata=_SCALAR_METADATA)
    value_pb.tensor.dtype = 1  # DT_FLOAT
    value_pb.tensor.float_val.append(float(value))
    return value_pb


class TensorBoardCallback:
    """A study callback that writes each completed trial as a TensorBoard run.

    Trial ``n`` becomes the run ``<dirname>/trial-<n>``, holding the trial's parameters as
    an HParams session (``trial_id`` ``"trial-<n>"``) and the objective value as the scalar
    ``metric_name`` at step ``n``; values the trial reported are the scalar
    ``<metric_name>_intermediate`` at their steps. Only COMPLETE trials are written, as in
    Optuna. Run ``tensorboard --logdir <dirname>`` and open the HParams tab to compare
    trials; it infers the parameters and metrics from the runs.

    Parameter values that TensorBoard cannot show (categorical choices other than bool,
    int, float or str, or choices of mixed types) are written as their ``str``, with one
    warning per parameter. Every trial writes its own folder and nothing is shared, so the
    callback works from threads and pickles for worker processes.

    Args:
        dirname: The log directory (created if missing).
        metric_name: The name of the objective value; one name per objective, or one name
            that is numbered (``value_0``, ``value_1``) when the study has several.

    Raises:
        TypeError: If ``dirname`` is not a str or path, or ``metric_name`` is not a str or
            a sequence of str.
        ValueError: If ``metric_name`` holds an empty or repeated name. When a trial
            finishes, if a sequence ``metric_name`` does not have one name per objective
            (checked before anything is written; the study stops, the trial is stored).
        OSError: When a trial finishes, if ``dirname`` cannot be written.

    Example:
        .. code-block:: python

            callback = TensorBoardCallback("runs/", metric_name="accuracy")
            study = albacore.create_study(direction="maximize")
            study.optimize(objective, n_trials=20, callbacks=[callback])
            # then: tensorboard --logdir runs/
    """

    def __init__(self, dirname: str | os.PathLike[str], metric_name: str | Sequence[str]) -> None:
        if not isinstance(dirname, (str, os.PathLike)):
            raise TypeError(f"{_CALLER}: dirname must be a str or path, got dirname={dirname!r}")
        self._dirname = os.fspath(dirname)
        self._metric_name = check_metric_name(_CALLER, metric_name)
        self._stringified: set[str] = set()

    def __call__(self, study: Study, trial: FrozenTrial) -> None:
        """Write ``trial`` as the run ``trial-<number>`` if it is COMPLETE.

        Raises:
            ValueError: If ``metric_name`` does not fit the study's objectives.
        """
        names = metric_names(_CALLER, self._metric_name, len(study.directions))
        if trial.state != TrialState.COMPLETE:
            return
        run_name = f"trial-{trial.number}"
        hparams = {hp.HParam(name): self._shown(name, value, trial.distributions[name])
                   for name, value in trial.params.items()}
        start = trial.datetime_start.timestamp() if trial.datetime_start else time.time()
        now = time.time()
        events = [
            Event(wall_time=now, step=0, summary=hp.hparams_pb(hparams, trial_id=run_name, start_time_secs=start))
        ]
        values = [_scalar(name, value) for name, value in named_values(names, trial).items()]
        events.append(Event(wall_time=now, step=trial.number, summary=Summary(value=values)))
        intermediate = f"{names[0] if isinstance(self._metric_name, tuple) else self._metric_name}_intermediate"
        events += [
            Event(wall_time=now, step=int(step), summary=Summary(value=[_scalar(intermediate, value)]))
            for step, value in sorted(trial.intermediate_values.items())
        ]
        writer = EventFileWriter(os.path.join(self._dirname, run_name))
        try:
            for event in events:
                writer.add_event(event)
        finally:
            writer.close()

    def _shown(self, name: str, value: Any, distribution: Any) -> Any:
        """The value TensorBoard's HParams plugin can hold: a bool, int, float or str."""
        if isinstance(distribution, CategoricalDistribution):
            kinds = {type(choice) for choice in distribution.choices}
            if len(kinds) == 1 and kinds <= {bool, int, float, str}:
                return value
            if name not in self._stringified:
                self._stringified.add(name)
                _logger.warning(
                    "%s: the choices of categorical parameter %r are of types TensorBoard cannot show "
                    "together (%s); it is written as str.",
                    _CALLER,
                    name,
                    ", ".join(sorted(kind.__name__ for kind in kinds)),
                )
            return str(value)
        return value
