"""The interface shared by Trial, FixedTrial and FrozenTrial."""

from __future__ import annotations

import abc
import datetime
from collections.abc import Sequence
from typing import Any

from albacore.distributions import (
    BaseDistribution,
    CategoricalChoiceType,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from albacore.trial._constraints import constraints_dict


class BaseTrial(abc.ABC):
    """What an objective function may call on the trial it receives.

    :class:`~albacore.trial.Trial` samples new values, :class:`~albacore.trial.FixedTrial`
    replays given values, and :class:`~albacore.trial.FrozenTrial` replays a finished trial,
    so one objective runs unchanged against all three.
    """

    def suggest_float(
        self, name: str, low: float, high: float, *, step: float | None = None, log: bool = False
    ) -> float:
        """Suggest a float in ``[low, high]``.

        Args:
            name: Parameter name, unique within the trial.
            low: Lower bound, inclusive.
            high: Upper bound, inclusive.
            step: Optional grid spacing; values are ``low + k * step``.
            log: Sample on a log scale (needs ``low > 0``; excludes ``step``).

        Returns:
            The value (the same value again if ``name`` was already suggested).

        Raises:
            ValueError: On invalid bounds, or if ``name`` was suggested before with an
                incompatible distribution.
        """
        dist = self._make_distribution("suggest_float", name, FloatDistribution, low, high, log=log, step=step)
        return float(self._suggest(name, dist))

    def suggest_int(self, name: str, low: int, high: int, *, step: int = 1, log: bool = False) -> int:
        """Suggest an integer in ``[low, high]``.

        Args:
            name: Parameter name, unique within the trial.
            low: Lower bound, inclusive.
            high: Upper bound, inclusive.
            step: Spacing of the candidate values ``low, low + step, ...``.
            log: Sample on a log scale (needs ``low >= 1`` and ``step == 1``).

        Returns:
            The value.

        Raises:
            ValueError: On invalid bounds or an incompatible earlier suggestion of ``name``.
        """
        dist = self._make_distribution("suggest_int", name, IntDistribution, low, high, log=log, step=step)
        return int(self._suggest(name, dist))

    def suggest_categorical(self, name: str, choices: Sequence[CategoricalChoiceType]) -> Any:
        """Suggest one of ``choices``.

        Args:
            name: Parameter name, unique within the trial.
            choices: Candidate values: ``None``, ``bool``, ``int``, ``float`` or ``str``.

        Returns:
            One of the choices.

        Raises:
            ValueError: If ``choices`` is empty or holds a value that cannot be stored.
        """
        dist = self._make_distribution("suggest_categorical", name, CategoricalDistribution, choices)
        return self._suggest(name, dist)

    @staticmethod
    def _make_distribution(api: str, name: str, cls: type[BaseDistribution], *args: Any, **kwargs: Any) -> Any:
        if not isinstance(name, str):
            raise TypeError(f"{api}: name must be a str, got name={name!r}")
        try:
            return cls(*args, **kwargs)
        except (ValueError, TypeError) as exc:
            raise type(exc)(f"{api}({name!r}): {exc}") from None

    @abc.abstractmethod
    def _suggest(self, name: str, distribution: BaseDistribution) -> Any:
        """Return the external value of ``name`` under ``distribution``."""

    @abc.abstractmethod
    def report(self, value: float | Sequence[float], step: int) -> None:
        """Report an intermediate objective value at ``step``."""

    @abc.abstractmethod
    def should_prune(self) -> bool:
        """Whether the trial should stop early."""

    @abc.abstractmethod
    def set_user_attr(self, key: str, value: Any) -> None:
        """Attach a JSON-serializable user attribute."""

    @abc.abstractmethod
    def set_system_attr(self, key: str, value: Any) -> None:
        """Attach a JSON-serializable attribute for samplers, pruners and integrations."""

    @abc.abstractmethod
    def set_constraint(self, key: str, value: float) -> None:
        """Record a constraint value; the trial is feasible iff every value is <= 0."""

    @property
    def constraints(self) -> dict[str, float]:
        """Constraint values recorded so far, name to value (feasible iff all <= 0)."""
        return constraints_dict(self.system_attrs)

    @property
    @abc.abstractmethod
    def params(self) -> dict[str, Any]:
        """Parameters suggested so far, name to value."""

    @property
    @abc.abstractmethod
    def distributions(self) -> dict[str, BaseDistribution]:
        """Distributions of the parameters suggested so far."""

    @property
    @abc.abstractmethod
    def user_attrs(self) -> dict[str, Any]:
        """User attributes."""

    @property
    @abc.abstractmethod
    def system_attrs(self) -> dict[str, Any]:
        """System attributes."""

    @property
    @abc.abstractmethod
    def datetime_start(self) -> datetime.datetime | None:
        """When the trial started."""

    @property
    @abc.abstractmethod
    def number(self) -> int:
        """The trial's number, unique and gapless within its study."""
