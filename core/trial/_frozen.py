"""FrozenTrial: a snapshot of a trial as a storage holds it, and create_trial."""

from __future__ import annotations

import copy
import datetime
import math
from collections.abc import Mapping, Sequence
from typing import Any

from albacore.distributions import BaseDistribution, check_distribution_compatibility
from albacore.trial._base import BaseTrial
from albacore.trial._constraints import CONSTRAINTS_KEY, constraints_dict, validate_constraint
from albacore.trial._state import TrialState

MULTI_INTERMEDIATE_KEY = "intermediate_values:"
"""Prefix of the system attributes holding a multi-objective report, followed by the step."""


class FrozenTrial(BaseTrial):
    """A snapshot of one trial: its state, values, parameters and attributes.

    Finished frozen trials never change in a storage, so samplers may cache them. A frozen
    trial is also a :class:`~albacore.trial.BaseTrial`: calling an objective with
    ``study.best_trial`` replays the best parameters.

    Args:
        number: Number of the trial in its study.
        state: Its :class:`TrialState`.
        value: Objective value of a single-objective trial (exclusive with ``values``).
        datetime_start: When it started (None while WAITING).
        datetime_complete: When it finished (None while RUNNING or WAITING).
        params: Parameter values, name to external value.
        distributions: Distribution of each parameter.
        user_attrs: User attributes.
        system_attrs: System attributes.
        intermediate_values: Reported values, step to value.
        trial_id: The storage's id of the trial.
        values: Objective values (exclusive with ``value``).
    """

    def __init__(
        self,
        number: int,
        state: TrialState,
        value: float | None,
        datetime_start: datetime.datetime | None,
        datetime_complete: datetime.datetime | None,
        params: dict[str, Any],
        distributions: dict[str, BaseDistribution],
        user_attrs: dict[str, Any],
        system_attrs: dict[str, Any],
        intermediate_values: dict[int, float],
        trial_id: int,
        *,
        values: Sequence[float] | None = None,
    ) -> None:
        if value is not None and values is not None:
            raise ValueError(f"FrozenTrial: give value or values, not both, got value={value!r} and values={values!r}")
        self.number = number
        self.state = state
        self.values = [float(value)] if value is not None else (None if values is None else [float(v) for v in values])
        self.datetime_start = datetime_start
        self.datetime_complete = datetime_complete
        self._params = params
        self._distributions = distributions
        self._user_attrs = user_attrs
        self._system_attrs = system_attrs
        self.intermediate_values = intermediate_values
        self._trial_id = trial_id

    # --- what the storage knows -------------------------------------------------------------
    @property
    def number(self) -> int:
        return self._number

    @number.setter
    def number(self, number: int) -> None:
        self._number = number

    @property
    def datetime_start(self) -> datetime.datetime | None:
        return self._datetime_start

    @datetime_start.setter
    def datetime_start(self, when: datetime.datetime | None) -> None:
        self._datetime_start = when

    @property
    def trial_id(self) -> int:
        """The storage's id of the trial (distinct from its per-study ``number``)."""
        return self._trial_id

    @property
    def value(self) -> float | None:
        """The objective value of a single-objective trial, or None.

        Raises:
            RuntimeError: If the trial has several objective values.
        """
        if self.values is None:
            return None
        if len(self.values) > 1:
            raise RuntimeError(
                f"trial {self.number} has {len(self.values)} objective values; use trial.values"
            )
        return self.values[0]

    @value.setter
    def value(self, v: float | None) -> None:
        self.values = None if v is None else [float(v)]

    @property
    def params(self) -> dict[str, Any]:
        return self._params

    @params.setter
    def params(self, params: dict[str, Any]) -> None:
        self._params = params

    @property
    def distributions(self) -> dict[str, BaseDistribution]:
        return self._distributions

    @distributions.setter
    def distributions(self, distributions: dict[str, BaseDistribution]) -> None:
        self._distributions = distributions

    @property
    def user_attrs(self) -> dict[str, Any]:
        return self._user_attrs

    @user_attrs.setter
    def user_attrs(self, attrs: dict[str, Any]) -> None:
        self._user_attrs = attrs

    @property
    def system_attrs(self) -> dict[str, Any]:
        return self._system_attrs

    @system_attrs.setter
    def system_attrs(self, attrs: dict[str, Any]) -> None:
        self._system_attrs = attrs

    @property
    def constraints(self) -> dict[str, float]:
        """Constraint values by name (feasible iff all <= 0); empty when none were recorded."""
        return constraints_dict(self._system_attrs)

    @property
    def duration(self) -> datetime.timedelta | None:
        """Time from start to completion, or None while unfinished."""
        if self.datetime_start is None or self.datetime_complete is None:
            return None
        return self.datetime_complete - self.datetime_start

    @property
    def last_step(self) -> int | None:
        """The largest step with an intermediate value, or None."""
        return max(self.intermediate_values) if self.intermediate_values else None

    @property
    def multi_intermediate_values(self) -> dict[int, tuple[float, ...]]:
        """Reported values per step, one per objective: step to tuple of floats.

        In a single-objective study each tuple holds the one value of
        ``intermediate_values``. In a multi-objective study ``trial.report(values, step)``
        stores the whole vector in the system attribute ``"intermediate_values:<step>"``
        and its first value in ``intermediate_values[step]`` (so step bookkeeping, data
        frames and plots keep working); this property reads the vectors back. Steps
        whose vector is missing (written by a single-objective report) hold one value.
        """
        return {step: self._intermediate_vector(step) for step in self.intermediate_values}

    def _intermediate_vector(self, step: int) -> tuple[float, ...]:
        """The vector reported at ``step`` (one entry of :attr:`multi_intermediate_values`).

        Pruners read one step of many trials; this builds no dict of every step.

        Raises:
            KeyError: If nothing was reported at ``step``.
        """
        vector = self._system_attrs.get(f"{MULTI_INTERMEDIATE_KEY}{step}")
        return (self.intermediate_values[step],) if vector is None else tuple(vector)

    # --- BaseTrial: replaying a finished trial ---------------------------------------------
    def _suggest(self, name: str, distribution: BaseDistribution) -> Any:
        if name not in self._params:
            raise ValueError(f"trial {self.number} has no parameter {name!r}; it has {sorted(self._params)}")
        try:
            check_distribution_compatibility(self._distributions[name], distribution)
        except ValueError as exc:
            raise ValueError(
                f"trial {self.number}: parameter {name!r} was stored with another distribution: {exc}"
            ) from None
        value = self._params[name]
        if not distribution.contains(distribution.to_internal_repr(value)):
            raise ValueError(f"parameter {name!r}: stored value {value!r} is outside {distribution!r}")
        return value

    def report(self, value: float | Sequence[float], step: int) -> None:
        """Do nothing: a frozen trial's history is fixed."""

    def should_prune(self) -> bool:
        """Always False: a frozen trial is never pruned while replayed."""
        return False

    def set_user_attr(self, key: str, value: Any) -> None:
        self._user_attrs[key] = value

    def set_system_attr(self, key: str, value: Any) -> None:
        self._system_attrs[key] = value

    def set_constraint(self, key: str, value: float) -> None:
        key, number = validate_constraint(key, value)
        self._system_attrs[CONSTRAINTS_KEY] = {**self._system_attrs.get(CONSTRAINTS_KEY, {}), key: number}

    # --- copying: distributions are immutable and params/intermediate values are scalars, so
    # only the attribute dicts need a deep copy (much cheaper than a generic deepcopy) ------
    def __copy__(self) -> FrozenTrial:
        new = object.__new__(FrozenTrial)
        new.__dict__.update(self.__dict__)
        return new

    def __deepcopy__(self, memo: dict[int, Any]) -> FrozenTrial:
        return self._clone(memo)

    def _clone(self, memo: dict[int, Any] | None = None) -> FrozenTrial:
        """A deep copy that shares only immutable parts (distributions, scalars)."""
        memo = {} if memo is None else memo
        new = object.__new__(FrozenTrial)
        new.__dict__.update(self.__dict__)
        new.values = None if self.values is None else list(self.values)
        new._params = dict(self._params)
        new._distributions = dict(self._distributions)
        new._user_attrs = _copy_attrs(self._user_attrs, memo)
        new._system_attrs = _copy_attrs(self._system_attrs, memo)
        new.intermediate_values = dict(self.intermediate_values)
        return new

    # --- value semantics --------------------------------------------------------------------
    def _as_tuple(self) -> tuple[Any, ...]:
        return (
            self.number,
            self.state,
            self.values,
            self.datetime_start,
            self.datetime_complete,
            self._params,
            self._distributions,
            self._user_attrs,
            self._system_attrs,
            self.intermediate_values,
            self._trial_id,
        )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FrozenTrial) and self._as_tuple() == other._as_tuple()

    def __lt__(self, other: FrozenTrial) -> bool:
        return self.number < other.number

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f"FrozenTrial(number={self.number}, state={self.state.name}, values={self.values}, "
            f"params={self._params}, user_attrs={self._user_attrs})"
        )

    def _validate(self) -> None:
        """Check internal consistency before the trial is added to a study."""
        where = f"trial {self.number}" if self.number >= 0 else "trial"
        if self.state != TrialState.WAITING and self.datetime_start is None:
            raise ValueError(f"{where}: datetime_start must be set when state is {self.state.name}")
        if self.state.is_finished() and self.datetime_complete is None:
            raise ValueError(f"{where}: datetime_complete must be set when state is {self.state.name}")
        if self.state == TrialState.FAIL and self.values is not None:
            raise ValueError(f"{where}: values must be None when state is FAIL, got values={self.values}")
        if self.state == TrialState.COMPLETE:
            if self.values is None:
                raise ValueError(f"{where}: values must be set when state is COMPLETE")
            if any(math.isnan(v) for v in self.values):
                raise ValueError(f"{where}: values must not be NaN, got values={self.values}")
        if set(self._params) != set(self._distributions):
            raise ValueError(
                f"{where}: params and distributions must have the same names, got "
                f"{sorted(self._params)} and {sorted(self._distributions)}"
            )
        for name, value in self._params.items():
            dist = self._distributions[name]
            if not dist.contains(dist.to_internal_repr(value)):
                raise ValueError(f"{where}: parameter {name!r}={value!r} is outside {dist!r}")


_SCALARS = (str, int, float, bool, type(None))


def _copy_attrs(attrs: dict[str, Any], memo: dict[int, Any]) -> dict[str, Any]:
    """Copy an attribute dict, deep-copying only values that are not immutable scalars."""
    if not attrs:
        return {}
    return {k: v if isinstance(v, _SCALARS) else copy.deepcopy(v, memo) for k, v in attrs.items()}


def new_trial(
    number: int,
    trial_id: int,
    state: TrialState = TrialState.RUNNING,
    datetime_start: datetime.datetime | None = None,
    datetime_complete: datetime.datetime | None = None,
) -> FrozenTrial:
    """A trial as a storage first creates it: no values, params, attributes or reports."""
    return FrozenTrial(
        number=number,
        state=state,
        value=None,
        datetime_start=datetime_start,
        datetime_complete=datetime_complete,
        params={},
        distributions={},
        user_attrs={},
        system_attrs={},
        intermediate_values={},
        trial_id=trial_id,
    )


def create_trial(
    *,
    state: TrialState = TrialState.COMPLETE,
    value: float | None = None,
    values: Sequence[float] | None = None,
    params: Mapping[str, Any] | None = None,
    distributions: Mapping[str, BaseDistribution] | None = None,
    user_attrs: Mapping[str, Any] | None = None,
    system_attrs: Mapping[str, Any] | None = None,
    intermediate_values: Mapping[int, float] | None = None,
    constraints: Mapping[str, float] | None = None,
) -> FrozenTrial:
    """Build a trial to pass to ``study.add_trial`` (e.g. a result obtained elsewhere).

    Args:
        state: State of the trial; COMPLETE needs ``value`` or ``values``.
        value: Single objective value.
        values: Objective values of a multi-objective trial.
        params: Parameter values, name to external value.
        distributions: Distribution of each parameter (same names as ``params``).
        user_attrs: User attributes.
        system_attrs: System attributes.
        intermediate_values: Reported values, step to value.
        constraints: Constraint values by name, as ``trial.set_constraint`` records them.

    Returns:
        A validated :class:`FrozenTrial` with number -1 (the study assigns the number).

    Raises:
        ValueError: If the trial is inconsistent (e.g. a param outside its distribution).

    Example:
        .. code-block:: python

            trial = albacore.trial.create_trial(
                params={"x": 2.0}, distributions={"x": FloatDistribution(0, 10)}, value=4.0
            )
            study.add_trial(trial)
    """
    now = datetime.datetime.now()
    trial = FrozenTrial(
        number=-1,
        state=state,
        value=value,
        values=values,
        datetime_start=None if state == TrialState.WAITING else now,
        datetime_complete=now if state.is_finished() else None,
        params=dict(params or {}),
        distributions=dict(distributions or {}),
        user_attrs=dict(user_attrs or {}),
        system_attrs=dict(system_attrs or {}),
        intermediate_values=dict(intermediate_values or {}),
        trial_id=-1,
    )
    for key, number in (constraints or {}).items():
        trial.set_constraint(key, number)
    trial._validate()
    return trial
