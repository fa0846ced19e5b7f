"""torch.distributed integration: one trial shared by every rank of a process group.

Rank 0 of the group owns the real :class:`~albacore.trial.Trial`; the other ranks pass
``None``. Every call is collective: rank 0 performs it and broadcasts the result (or the
exception it raised) to all ranks, so suggestions, attributes and pruning decisions agree
everywhere, and an error on rank 0 is raised on every rank instead of leaving them waiting.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any, Callable, TypeVar, cast

from albacore._imports import require
from albacore._warnings import warn
from albacore.distributions import BaseDistribution, CategoricalChoiceType
from albacore.trial import Trial

__all__ = ["TorchDistributedTrial"]

_T = TypeVar("_T")

_CALLER = "TorchDistributedTrial"


class TorchDistributedTrial:
    """A trial that every rank of a ``torch.distributed`` group uses together.

    All ranks must make the same calls in the same order (each one is a collective
    broadcast from the group's rank 0).

    Args:
        trial: The trial on the group's rank 0; ``None`` on the other ranks.
        group: The process group (default: the world).

    Raises:
        RuntimeError: If ``torch.distributed`` is not initialized.
        ValueError: If ``trial`` is None on rank 0.

    Example:
        .. code-block:: python

            def objective(trial):  # trial is None on ranks other than 0
                trial = TorchDistributedTrial(trial)
                lr = trial.suggest_float("lr", 1e-4, 1e-1, log=True)
                for epoch in range(epochs):
                    loss = train_one_epoch(lr)  # DDP model, all ranks
                    trial.report(loss, epoch)
                    if trial.should_prune():
                        raise albacore.TrialPruned()
                return loss

            if dist.get_rank() == 0:
                study.optimize(objective, n_trials=20)
            else:
                for _ in range(20):
                    try:
                        objective(None)
                    except albacore.TrialPruned:
                        pass
    """

    def __init__(self, trial: Trial | None, group: Any = None) -> None:
        self._dist = require("torch.distributed", extra="torch", feature=_CALLER)
        if not self._dist.is_available() or not self._dist.is_initialized():
            raise RuntimeError(
                f"{_CALLER}: torch.distributed is not initialized; call "
                "torch.distributed.init_process_group first"
            )
        self._group = group
        self._src = 0 if group is None else self._dist.get_global_rank(group, 0)
        self._is_owner = self._dist.get_rank(group) == 0
        if self._is_owner and trial is None:
            raise ValueError(f"{_CALLER}: trial must be a Trial on rank 0 of the group, got trial=None")
        if not self._is_owner and trial is not None:
            warn(f"{_CALLER}: trial is ignored on ranks other than 0 of the group; pass None there")
            trial = None
        self._trial = trial
        self._number = self._collective(lambda t: t.number)

    def _collective(self, call: Callable[[Trial], _T]) -> _T:
        payload: list[Any] = [None]
        if self._is_owner:
            try:
                payload = [(True, call(cast(Trial, self._trial)))]
            except Exception as exc:  # broadcast, then raise on every rank
                payload = [(False, exc)]
        self._dist.broadcast_object_list(payload, src=self._src, group=self._group)
        ok, value = payload[0]
        if not ok:
            raise value
        return cast(_T, value)

    # --- suggestions ------------------------------------------------------------------------
    def suggest_float(
        self, name: str, low: float, high: float, *, step: float | None = None, log: bool = False
    ) -> float:
        """Rank 0 suggests a float (see :meth:`Trial.suggest_float`); every rank gets it."""
        return self._collective(lambda t: t.suggest_float(name, low, high, step=step, log=log))

    def suggest_int(self, name: str, low: int, high: int, step: int = 1, log: bool = False) -> int:
        """Rank 0 suggests an int (see :meth:`Trial.suggest_int`); every rank gets it."""
        return self._collective(lambda t: t.suggest_int(name, low, high, step=step, log=log))

    def suggest_categorical(self, name: str, choices: Sequence[CategoricalChoiceType]) -> Any:
        """Rank 0 suggests a choice (see :meth:`Trial.suggest_categorical`); every rank gets it."""
        return self._collective(lambda t: t.suggest_categorical(name, choices))

    # --- reporting and pruning --------------------------------------------------------------
    def report(self, value: float, step: int) -> None:
        """Rank 0 reports ``value`` at ``step`` (the other ranks' values are not used)."""
        self._collective(lambda t: t.report(value, step))

    def should_prune(self) -> bool:
        """Rank 0 asks the pruner; every rank gets the same answer."""
        return bool(self._collective(lambda t: t.should_prune()))

    # --- attributes -------------------------------------------------------------------------
    def set_user_attr(self, key: str, value: Any) -> None:
        """Set a user attribute of the trial (rank 0 writes it)."""
        self._collective(lambda t: t.set_user_attr(key, value))

    def set_system_attr(self, key: str, value: Any) -> None:
        """Set a system attribute of the trial (rank 0 writes it)."""
        self._collective(lambda t: t.set_system_attr(key, value))

    def set_constraint(self, key: str, value: float) -> None:
        """Record a constraint value of the trial (rank 0 writes it; feasible iff every value <= 0)."""
        self._collective(lambda t: t.set_constraint(key, value))

    @property
    def constraints(self) -> dict[str, float]:
        """The constraint values recorded so far, name to value (collective)."""
        return self._collective(lambda t: t.constraints)

    @property
    def number(self) -> int:
        """The trial number (known on every rank without communication)."""
        return self._number

    @property
    def params(self) -> dict[str, Any]:
        """The parameters suggested so far (collective)."""
        return self._collective(lambda t: t.params)

    @property
    def distributions(self) -> dict[str, BaseDistribution]:
        """The distributions of the parameters suggested so far (collective)."""
        return self._collective(lambda t: t.distributions)

    @property
    def user_attrs(self) -> dict[str, Any]:
        """The trial's user attributes (collective)."""
        return self._collective(lambda t: t.user_attrs)

    @property
    def system_attrs(self) -> dict[str, Any]:
        """The trial's system attributes (collective)."""
        return self._collective(lambda t: t.system_attrs)

    @property
    def datetime_start(self) -> datetime.datetime | None:
        """When the trial started (collective)."""
        return self._collective(lambda t: t.datetime_start)
