"""The one reporting path every pruning callback goes through.

A framework callback finds its metric among what the framework logged
(:func:`lookup_metric`, whose error lists what is available), then calls
:func:`report_and_prune`, which reports the value to the trial, asks the study's pruner
and raises :class:`~albacore.TrialPruned` naming the step when the trial should stop.

Several metrics (a multi-objective study): a callback given a sequence of metric names
(:func:`check_metric_names`) looks each one up (:func:`lookup_metrics`) and reports the list,
one value per objective in the order of ``study.directions``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from albacore._study_types import StudyDirection
from albacore.exceptions import TrialPruned
from albacore.trial import Trial


def as_float(value: Any) -> float:
    """Convert a framework scalar (numpy scalar, 0-d tensor, python number) to a float."""
    if hasattr(value, "detach"):
        value = value.detach()
    if hasattr(value, "item"):
        value = value.item()
    return float(value)


def missing_metric_error(caller: str, param: str, value: Any, available: Iterable[Any]) -> ValueError:
    """Build the error raised when a monitored metric is not among the logged ones.

    Args:
        caller: The callback class or function, used as the message prefix.
        param: The constructor parameter that named the metric, e.g. ``"monitor"``.
        value: The value the user passed for ``param``.
        available: The names the framework actually logged.

    Returns:
        A ValueError whose message lists the available names.
    """
    names = sorted({str(name) for name in available})
    listed = ", ".join(repr(name) for name in names) if names else "none"
    return ValueError(
        f"{caller}: {param}={value!r} is not among the metrics the framework evaluated; "
        f"available: {listed}"
    )


def lookup_metric(logs: Mapping[str, Any] | None, key: str, *, caller: str, param: str) -> float:
    """Return ``logs[key]`` as a float, or raise a ValueError listing ``logs``' keys.

    Args:
        logs: What the framework logged at this step (metric name -> value).
        key: The metric to monitor.
        caller: The callback class, used in the error message.
        param: The constructor parameter holding ``key``, used in the error message.

    Returns:
        The metric value.

    Raises:
        ValueError: If ``key`` is not in ``logs``.
    """
    logs = logs or {}
    if key not in logs:
        raise missing_metric_error(caller, param, key, logs.keys())
    return as_float(logs[key])


def check_metric_names(value: Any, *, caller: str, param: str) -> str | tuple[str, ...]:
    """Validate one metric name (a str, returned as is) or several (returned as a tuple).

    Args:
        value: What the user passed: a non-empty str, or a non-empty sequence of them
            (one per objective of a multi-objective study).
        caller: The callback class, used in the error message.
        param: The constructor parameter, used in the error message.

    Returns:
        ``value`` if it is a str, else a tuple of its names.

    Raises:
        ValueError: If ``value`` is empty, holds an empty or non-str name or a name twice.
    """
    if isinstance(value, str):
        if not value:
            raise ValueError(f"{caller}: {param} must be a non-empty str or a sequence of them, got {param}=''")
        return value
    if not isinstance(value, Sequence) or not value or not all(isinstance(v, str) and v for v in value):
        raise ValueError(
            f"{caller}: {param} must be a non-empty str or a non-empty sequence of them, got {param}={value!r}"
        )
    if len(set(value)) != len(value):
        raise ValueError(f"{caller}: {param} names a metric twice, got {param}={value!r}")
    return tuple(value)


def check_objective_count(trial: Trial, names: tuple[str, ...], *, caller: str, param: str) -> None:
    """Raise a ValueError unless ``names`` holds one metric per objective of the study."""
    n_objectives = len(trial.study.directions)
    if len(names) != n_objectives:
        raise ValueError(
            f"{caller}: {param} names {len(names)} metrics but the study has {n_objectives} "
            f"objective(s); give one metric per objective, got {param}={names!r}"
        )


def lookup_metrics(
    logs: Mapping[str, Any] | None, keys: str | tuple[str, ...], *, caller: str, param: str
) -> float | list[float]:
    """:func:`lookup_metric` for one name, a list of values for a tuple of names."""
    if isinstance(keys, str):
        return lookup_metric(logs, keys, caller=caller, param=param)
    return [lookup_metric(logs, key, caller=caller, param=param) for key in keys]


def check_direction(trial: Trial, *, maximize: bool, caller: str, metric: str, objective: int = 0) -> None:
    """Raise a ValueError when the metric's direction differs from the study's.

    Args:
        trial: The trial whose study's direction is checked.
        maximize: Whether larger values of ``metric`` are better.
        caller: The callback class, used in the error message.
        metric: The metric name, used in the error message.
        objective: Which objective ``metric`` feeds (0 in a single-objective study).

    Raises:
        ValueError: On a mismatch.
    """
    directions = trial.study.directions
    direction = directions[objective]
    expected = StudyDirection.MAXIMIZE if maximize else StudyDirection.MINIMIZE
    if len(directions) > 1 and direction != expected:
        better = "higher" if maximize else "lower"
        raise ValueError(
            f"{caller}: metric {metric!r} is better when {better}, but the study direction of "
            f"objective {objective} is {direction.name}; create the study with that objective "
            f"{expected.name.lower()!r}"
        )
    if direction != expected:
        better = "higher" if maximize else "lower"
        raise ValueError(
            f"{caller}: metric {metric!r} is better when {better}, but the study direction is "
            f"{direction.name}; create the study with direction={expected.name.lower()!r}"
        )


def report_and_prune(trial: Trial, value: Any, step: int, *, what: str = "step") -> None:
    """Report ``value`` at ``step`` and raise TrialPruned if the pruner says so.

    Args:
        trial: The running trial.
        value: The intermediate objective value; numpy scalars and 0-d tensors are accepted.
            A list or tuple holds one value per objective (a multi-objective study).
        step: The step (epoch, boosting round) the value belongs to.
        what: How the step is called in the pruning message, e.g. ``"epoch"``.

    Raises:
        albacore.TrialPruned: If ``trial.should_prune()`` returns True.
    """
    number: float | list[float]
    number = [as_float(v) for v in value] if isinstance(value, (list, tuple)) else as_float(value)
    trial.report(number, step)
    if trial.should_prune():
        raise TrialPruned(pruned_message(trial.number, step, number, what))


def pruned_message(number: int, step: int, value: float | Sequence[float], what: str = "step") -> str:
    """The message of the TrialPruned raised by the integrations (a list shows every value)."""
    if isinstance(value, Sequence):
        shown = "[" + ", ".join(_shown(v) for v in value) + "]"
        return f"Trial {number} pruned at {what} {step} (values {shown})."
    return f"Trial {number} pruned at {what} {step} (value {_shown(value)})."


def _shown(value: float) -> str:
    return "nan" if math.isnan(value) else f"{value:.6g}"
