"""Trial: the handle an objective receives while a trial runs."""

from __future__ import annotations

import copy
import datetime
import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from albacore._warnings import warn
from albacore.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    check_distribution_compatibility,
)
from albacore.trial._base import BaseTrial
from albacore.trial._constraints import CONSTRAINTS_KEY, validate_constraint
from albacore.trial._frozen import MULTI_INTERMEDIATE_KEY, FrozenTrial
from albacore.trial._time_limit import TimeLimit

if TYPE_CHECKING:
    from albacore.trial._study_protocol import StudyHandle as Study

FIXED_PARAMS_KEY = "fixed_params"


class UnusableEnqueuedValueError(ValueError):
    """An enqueued value that the parameter's distribution cannot hold at all.

    ``study.optimize`` fails the trial and goes on with the next one: the value never reaches
    the storage, so no sampler's model sees it.
    """


def unusable_reason(distribution: BaseDistribution, value: Any) -> str | None:
    """Why ``value`` cannot be a value of ``distribution``, or None when it can.

    A value merely outside the bounds (5.0 for ``[0, 1]``) can be: samplers take it as given.
    What cannot is a value of the wrong kind, a categorical value that is not a choice, a
    non-finite number, or a number <= 0 for a log distribution, whose models work on logs.
    """
    try:
        internal = distribution.to_internal_repr(value)
    except ValueError as exc:
        return str(exc)
    if isinstance(distribution, CategoricalDistribution):
        return None
    if not math.isfinite(internal):
        return "the value is not finite"
    if getattr(distribution, "log", False) and internal <= 0:
        return "log=True needs a value > 0"
    return None


class Trial(BaseTrial):
    """A running trial: suggests parameters, reports intermediate values, asks to prune.

    Trials are created by ``study.optimize`` and ``study.ask``; users do not build them.
    Every call writes through to the study's storage, which stays the source of truth.

    Args:
        study: The study the trial belongs to.
        trial_id: The storage's id of the trial.
    """

    # Set by optimize's trial_timeout while the objective runs; checked by suggest, report
    # and should_prune (a class default, as _resume builds trials without __init__).
    _time_limit: TimeLimit | None = None
    # Set by optimize's skip_duplicates while the objective runs: called after each new
    # parameter, it raises to stop a trial whose parameters repeat a COMPLETE trial's.
    _duplicate_check: Callable[[Trial], None] | None = None

    def __init__(self, study: Study, trial_id: int) -> None:
        self.study = study
        self._trial_id = trial_id
        self._storage = study._storage
        # This worker is the only writer of a running trial, so a local snapshot kept in step
        # with every write is as fresh as the storage.
        self._cached: FrozenTrial = self._storage.get_trial(trial_id)
        self._relative_space: dict[str, BaseDistribution] = {}
        self._relative_params: dict[str, Any] = {}
        sampler = study.sampler
        # The pruner may narrow what the sampler sees (Hyperband: the trial's bracket).
        self._sampler_study = view = study.pruner.study_for_sampler(study, self._cached)
        sampler.before_trial(view, self._cached)
        self._relative_space = sampler.infer_relative_search_space(view, self._cached)
        if self._relative_space:
            self._relative_params = sampler.sample_relative(view, self._cached, self._relative_space)

    def _handoff(self) -> tuple[int, dict[str, BaseDistribution], dict[str, Any]]:
        """What another process needs to run this asked trial: see :meth:`_resume`."""
        return self._trial_id, self._relative_space, self._relative_params

    @classmethod
    def _resume(cls, study: Study, handoff: tuple[int, dict[str, BaseDistribution], dict[str, Any]]) -> Trial:
        """The trial ``study.ask()`` created elsewhere, with its relative sample (no sampler hooks rerun)."""
        trial = cls.__new__(cls)
        trial.study, (trial._trial_id, trial._relative_space, trial._relative_params) = study, handoff
        trial._storage = study._storage
        trial._cached = trial._storage.get_trial(trial._trial_id)
        trial._sampler_study = study.pruner.study_for_sampler(study, trial._cached)
        return trial

    # --- sampling ------------------------------------------------------------------------------
    def _suggest(self, name: str, distribution: BaseDistribution) -> Any:
        cached = self._cached
        if self._time_limit is not None:
            self._time_limit.check(cached.number)
        if name in cached.distributions:
            try:
                check_distribution_compatibility(cached.distributions[name], distribution)
            except ValueError as exc:
                raise ValueError(
                    f"parameter {name!r} was already suggested in trial {cached.number} with "
                    f"{cached.distributions[name]!r}; cannot suggest it with {distribution!r}: {exc}"
                ) from None
            if cached.distributions[name] != distribution:
                warn(
                    f"parameter {name!r} was already suggested in trial {cached.number} with "
                    f"{cached.distributions[name]!r}; suggesting it with {distribution!r} returns the "
                    f"value already chosen, {cached.params[name]!r}",
                    RuntimeWarning,
                )
            return cached.params[name]

        fixed = cached.system_attrs.get(FIXED_PARAMS_KEY)
        if fixed is not None and name in fixed:
            value = fixed[name]
            reason = unusable_reason(distribution, value)
            if reason is not None:
                raise UnusableEnqueuedValueError(
                    f"suggest {name!r}: the value {value!r} given to enqueue_trial cannot be used with "
                    f"{distribution!r}: {reason}; trial {cached.number} fails"
                )
            internal = distribution.to_internal_repr(value)
            if not distribution.contains(internal):
                warn(
                    f"enqueued value {value!r} of parameter {name!r} is outside {distribution!r}; "
                    f"it is used as given"
                )
        elif name in self._relative_params and self._is_relative(name, distribution):
            internal = distribution.to_internal_repr(self._relative_params[name])
        elif distribution.single():
            internal = distribution.to_internal_repr(_only_value(distribution))
        else:
            value = self.study.sampler.sample_independent(self._sampler_study, cached, name, distribution)
            internal = distribution.to_internal_repr(value)

        self._storage.set_trial_param(self._trial_id, name, internal, distribution)
        cached.params = {**cached.params, name: distribution.to_external_repr(internal)}
        cached.distributions = {**cached.distributions, name: distribution}
        if self._duplicate_check is not None:
            self._duplicate_check(self)
        return cached.params[name]

    def _is_relative(self, name: str, distribution: BaseDistribution) -> bool:
        relative = self._relative_space.get(name)
        if relative is None:
            return False
        try:
            check_distribution_compatibility(relative, distribution)
        except ValueError:
            return False
        return distribution.contains(distribution.to_internal_repr(self._relative_params[name]))

    # --- reporting and pruning --------------------------------------------------------------
    def report(self, value: float | Sequence[float], step: int) -> None:
        """Report an intermediate objective value, e.g. a validation loss after an epoch.

        In a multi-objective study ``value`` is a sequence with one value per objective,
        in the order of ``study.directions``; the vector is read back through
        ``FrozenTrial.multi_intermediate_values`` and its first value is also stored in
        ``intermediate_values[step]``.

        Args:
            value: The value at ``step`` (a sequence of values in a multi-objective study).
            step: A non-negative integer, e.g. the epoch. Reporting the same step twice
                keeps the first value and warns.

        Raises:
            TypeError: If ``value`` is not a number (a sequence of numbers in a
                multi-objective study) or ``step`` not an integer.
            ValueError: If ``step`` is negative, or a multi-objective report does not hold
                one value per objective.
            TrialTimeoutError: If the trial has run past ``optimize``'s ``trial_timeout``.
        """
        if self._time_limit is not None:
            self._time_limit.check(self._cached.number)
        n_objectives = len(self.study.directions)
        if n_objectives > 1:
            numbers = _objective_values(value, n_objectives)
            number = numbers[0]
        else:
            try:
                number = float(value)  # type: ignore[arg-type]
            except (TypeError, ValueError):
                raise TypeError(f"report: value must be a number, got value={value!r}") from None
        if isinstance(step, bool) or not isinstance(step, int) and not hasattr(step, "__index__"):
            raise TypeError(f"report: step must be an int, got step={step!r}")
        step = int(step)
        if step < 0:
            raise ValueError(f"report: step must be >= 0, got step={step}")
        if step in self._cached.intermediate_values:
            warn(
                f"report: trial {self._cached.number} already has a value at step {step}; "
                f"the new value {value!r} is ignored"
            )
            return
        if n_objectives > 1:
            # The vector first: a reader that sees the step sees its vector.
            key = f"{MULTI_INTERMEDIATE_KEY}{step}"
            self._storage.set_trial_system_attr(self._trial_id, key, numbers)
            self._cached.system_attrs = {**self._cached.system_attrs, key: numbers}
        self._storage.set_trial_intermediate_value(self._trial_id, step, number)
        self._cached.intermediate_values = {**self._cached.intermediate_values, step: number}

    def should_prune(self) -> bool:
        """Ask the study's pruner whether to stop this trial now.

        Returns:
            True if the objective should stop (typically by raising ``TrialPruned``).

        Raises:
            ValueError: In a multi-objective study whose pruner does not declare
                ``supports_multi_objective``.
            TrialTimeoutError: If the trial has run past ``optimize``'s ``trial_timeout``.
        """
        if self._time_limit is not None:
            self._time_limit.check(self._cached.number)
        pruner = self.study.pruner
        if len(self.study.directions) > 1 and not getattr(pruner, "supports_multi_objective", False):
            raise ValueError(
                f"should_prune: {type(pruner).__name__} does not support multi-objective studies; "
                "use a pruner with supports_multi_objective = True (NopPruner, ThresholdPruner, "
                "ParetoPruner, SuccessiveHalvingPruner, HyperbandPruner)"
            )
        return bool(pruner.prune(self.study, copy.deepcopy(self._cached)))

    # --- attributes ----------------------------------------------------------------------------
    def set_user_attr(self, key: str, value: Any) -> None:
        """Attach a JSON-serializable user attribute to the trial.

        Args:
            key: Attribute name.
            value: Attribute value.
        """
        self._storage.set_trial_user_attr(self._trial_id, key, value)
        self._cached.user_attrs = {**self._cached.user_attrs, key: copy.deepcopy(value)}

    def set_system_attr(self, key: str, value: Any) -> None:
        """Attach a JSON-serializable attribute meant for samplers, pruners and integrations.

        Args:
            key: Attribute name, namespaced by its owner (e.g. ``"cmaes:generation"``).
            value: Attribute value.
        """
        self._storage.set_trial_system_attr(self._trial_id, key, value)
        self._cached.system_attrs = {**self._cached.system_attrs, key: copy.deepcopy(value)}

    def set_constraint(self, key: str, value: float) -> None:
        """Record a constraint value; the trial is feasible iff every value is <= 0.

        Infeasible trials are never the best trial and count as bad for constrained samplers.

        A constraint already set keeps its first value (with a warning), as in Optuna.

        Args:
            key: Name of the constraint.
            value: Its value; NaN is rejected.

        Raises:
            ValueError: If ``value`` is NaN.
        """
        key, number = validate_constraint(key, value)
        stored = self._cached.system_attrs.get(CONSTRAINTS_KEY, {})
        if key in stored:
            warn(f"set_constraint({key!r}): the constraint is already set to {stored[key]!r}; {number!r} is ignored")
            return
        self.set_system_attr(CONSTRAINTS_KEY, {**stored, key: number})

    # --- read-only views -----------------------------------------------------------------------
    @property
    def params(self) -> dict[str, Any]:
        return dict(self._cached.params)

    @property
    def distributions(self) -> dict[str, BaseDistribution]:
        return dict(self._cached.distributions)

    @property
    def user_attrs(self) -> dict[str, Any]:
        return copy.deepcopy(self._cached.user_attrs)

    @property
    def system_attrs(self) -> dict[str, Any]:
        return copy.deepcopy(self._cached.system_attrs)

    @property
    def datetime_start(self) -> datetime.datetime | None:
        return self._cached.datetime_start

    @property
    def number(self) -> int:
        return self._cached.number

    @property
    def relative_params(self) -> dict[str, Any]:
        """Values the sampler chose jointly for this trial (used when suggested)."""
        return dict(self._relative_params)

    def _frozen(self) -> FrozenTrial:
        return self._cached

    def __repr__(self) -> str:
        return f"Trial(number={self.number}, params={self._cached.params})"


def _only_value(distribution: BaseDistribution) -> Any:
    """The single value of a distribution whose ``single()`` is True."""
    low = getattr(distribution, "low", None)
    if low is not None:
        return low
    return distribution.choices[0]  # type: ignore[attr-defined]


def _objective_values(value: Any, n_objectives: int) -> list[float]:
    """The floats of a multi-objective report (TypeError/ValueError naming ``value``)."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence) and not hasattr(value, "__len__"):
        raise TypeError(
            f"report: value must be a sequence of {n_objectives} numbers (one per objective) in a "
            f"multi-objective study, got value={value!r}"
        )
    items = list(value)
    if len(items) != n_objectives:
        raise ValueError(
            f"report: value must hold one number per objective: the study has {n_objectives} "
            f"objectives, got {len(items)} values in value={value!r}"
        )
    try:
        return [float(v) for v in items]
    except (TypeError, ValueError):
        raise TypeError(f"report: value must hold numbers, got value={value!r}") from None
