"""FixedTrial: run an objective with given parameter values, outside any study."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from albacore._warnings import warn
from albacore.distributions import BaseDistribution, check_distribution_compatibility
from albacore.trial._base import BaseTrial
from albacore.trial._constraints import CONSTRAINTS_KEY, validate_constraint


class FixedTrial(BaseTrial):
    """A trial whose parameters are given, to check or reuse an objective without a study.

    Args:
        params: Value of each parameter the objective suggests.
        number: The number the objective sees as ``trial.number``.

    A value outside the range the objective suggests is returned as given, with a warning
    (as Optuna's FixedTrial), so an objective re-run with a study's best parameters works
    after its ranges changed.

    Raises (on suggest):
        ValueError: If the objective suggests a name missing from ``params``, or a
            categorical choice that is not offered.

    Example:
        .. code-block:: python

            def objective(trial):
                return (trial.suggest_float("x", -10, 10) - 2) ** 2

            assert objective(albacore.trial.FixedTrial({"x": 2.0})) == 0.0
    """

    def __init__(self, params: dict[str, Any], number: int = 0) -> None:
        self._params = dict(params)
        self._suggested: dict[str, Any] = {}
        self._distributions: dict[str, BaseDistribution] = {}
        self._user_attrs: dict[str, Any] = {}
        self._system_attrs: dict[str, Any] = {}
        self._datetime_start = datetime.datetime.now()
        self._number = number

    def _suggest(self, name: str, distribution: BaseDistribution) -> Any:
        if name not in self._params:
            raise ValueError(f"FixedTrial has no value for parameter {name!r}; it has {sorted(self._params)}")
        if name in self._distributions:
            try:
                check_distribution_compatibility(self._distributions[name], distribution)
            except ValueError as exc:
                raise ValueError(f"FixedTrial: parameter {name!r} was already suggested differently: {exc}") from None
        value = self._params[name]
        internal = distribution.to_internal_repr(value)
        if not distribution.contains(internal):
            warn(f"FixedTrial value {value!r} of parameter {name!r} is outside {distribution!r}; it is used as given")
        self._suggested[name] = distribution.to_external_repr(internal)
        self._distributions[name] = distribution
        return self._suggested[name]

    def report(self, value: float | Sequence[float], step: int) -> None:
        """Do nothing: a fixed trial belongs to no study."""

    def should_prune(self) -> bool:
        """Always False."""
        return False

    def set_user_attr(self, key: str, value: Any) -> None:
        self._user_attrs[key] = value

    def set_system_attr(self, key: str, value: Any) -> None:
        self._system_attrs[key] = value

    def set_constraint(self, key: str, value: float) -> None:
        key, number = validate_constraint(key, value)
        self._system_attrs[CONSTRAINTS_KEY] = {**self._system_attrs.get(CONSTRAINTS_KEY, {}), key: number}

    @property
    def params(self) -> dict[str, Any]:
        return dict(self._suggested)

    @property
    def distributions(self) -> dict[str, BaseDistribution]:
        return dict(self._distributions)

    @property
    def user_attrs(self) -> dict[str, Any]:
        return dict(self._user_attrs)

    @property
    def system_attrs(self) -> dict[str, Any]:
        return dict(self._system_attrs)

    @property
    def datetime_start(self) -> datetime.datetime | None:
        return self._datetime_start

    @property
    def number(self) -> int:
        return self._number
