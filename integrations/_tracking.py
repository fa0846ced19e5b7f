"""What the experiment-tracking callbacks (MLflow, Weights & Biases, TensorBoard) share.

They all name the study's objective values the same way: one name per objective, given as
a sequence, or one name broadcast to ``name_0``, ``name_1``... when the study has several
objectives (a single objective keeps the plain name).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from albacore.trial import FrozenTrial


class ProcessLocal:
    """Mixin for callbacks that hold what one process opened (a client, a run, a lock).

    ``_init_process_state`` sets those attributes, named in ``_PROCESS_LOCAL``; pickling
    leaves them out and unpickling calls ``_init_process_state`` again, so a copy sent
    to a worker process opens its own.
    """

    _PROCESS_LOCAL: tuple[str, ...] = ()

    def _init_process_state(self) -> None:
        raise NotImplementedError

    def __getstate__(self) -> dict[str, Any]:
        return {key: value for key, value in self.__dict__.items() if key not in self._PROCESS_LOCAL}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._init_process_state()


def check_metric_name(caller: str, metric_name: object) -> str | tuple[str, ...]:
    """Validate a callback's ``metric_name`` argument.

    Args:
        caller: The callback class, used as the message prefix.
        metric_name: A non-empty str, or a non-empty sequence of non-empty str.

    Returns:
        ``metric_name`` itself if it is a str, otherwise a tuple of its names.

    Raises:
        TypeError: If ``metric_name`` is neither a str nor a sequence of str.
        ValueError: If a name is empty, the sequence is empty or names repeat.
    """
    if isinstance(metric_name, str):
        if not metric_name:
            raise ValueError(f"{caller}: metric_name must be a non-empty str, got metric_name=''")
        return metric_name
    if not isinstance(metric_name, Sequence) or not all(isinstance(name, str) for name in metric_name):
        raise TypeError(
            f"{caller}: metric_name must be a str or a sequence of str, got metric_name={metric_name!r}"
        )
    names = tuple(metric_name)
    if not names or not all(names):
        raise ValueError(f"{caller}: metric_name must hold non-empty names, got metric_name={metric_name!r}")
    if len(set(names)) != len(names):
        raise ValueError(f"{caller}: metric_name holds a name twice, got metric_name={metric_name!r}")
    return names


def metric_names(caller: str, metric_name: str | tuple[str, ...], n_objectives: int) -> tuple[str, ...]:
    """The name of each objective value.

    Args:
        caller: The callback class, used as the message prefix.
        metric_name: What :func:`check_metric_name` returned.
        n_objectives: The number of the study's objectives.

    Returns:
        One name per objective.

    Raises:
        ValueError: If ``metric_name`` is a sequence whose length differs from
            ``n_objectives``.
    """
    if isinstance(metric_name, str):
        if n_objectives == 1:
            return (metric_name,)
        return tuple(f"{metric_name}_{index}" for index in range(n_objectives))
    if len(metric_name) != n_objectives:
        raise ValueError(
            f"{caller}: the study has {n_objectives} objective(s) but metric_name names "
            f"{len(metric_name)}: metric_name={list(metric_name)!r}; pass one name per objective, "
            "or a single str to number them"
        )
    return metric_name


def named_values(names: tuple[str, ...], trial: FrozenTrial) -> dict[str, float]:
    """``{name: value}`` for a finished trial; empty when it has no values (FAIL)."""
    if trial.values is None:
        return {}
    return dict(zip(names, trial.values))
