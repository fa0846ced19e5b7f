"""Behavioural twins: the same bad argument raises the same exception type in Optuna and albacore.

Each case builds one object (a distribution, sampler or pruner) from the module under test;
the case runs once with ``optuna`` and once with ``albacore`` and the outcomes (the class of
the exception, or success) must agree.
"""

from __future__ import annotations

import warnings
from typing import Any, Callable

import optuna
import pytest

import albacore

CASES: dict[str, Callable[[Any], object]] = {
    "float low > high": lambda m: m.distributions.FloatDistribution(2.0, 1.0),
    "float log with low 0": lambda m: m.distributions.FloatDistribution(0.0, 1.0, log=True),
    "float log and step": lambda m: m.distributions.FloatDistribution(0.1, 1.0, log=True, step=0.1),
    "float step 0": lambda m: m.distributions.FloatDistribution(0.0, 1.0, step=0.0),
    "int low > high": lambda m: m.distributions.IntDistribution(3, 1),
    "int log with low 0": lambda m: m.distributions.IntDistribution(0, 5, log=True),
    "int step 0": lambda m: m.distributions.IntDistribution(0, 5, step=0),
    "categorical empty": lambda m: m.distributions.CategoricalDistribution([]),
    "median n_startup_trials < 0": lambda m: m.pruners.MedianPruner(n_startup_trials=-1),
    "median n_warmup_steps < 0": lambda m: m.pruners.MedianPruner(n_warmup_steps=-1),
    "median interval_steps 0": lambda m: m.pruners.MedianPruner(interval_steps=0),
    "percentile 150": lambda m: m.pruners.PercentilePruner(150.0),
    "percentile -1": lambda m: m.pruners.PercentilePruner(-1.0),
    "patient patience -1": lambda m: m.pruners.PatientPruner(None, patience=-1),
    "patient min_delta -1": lambda m: m.pruners.PatientPruner(None, patience=1, min_delta=-1.0),
    "threshold no bound": lambda m: m.pruners.ThresholdPruner(),
    "threshold lower > upper": lambda m: m.pruners.ThresholdPruner(lower=2.0, upper=1.0),
    "threshold lower not a number": lambda m: m.pruners.ThresholdPruner(lower="a"),
    "threshold lower NaN": lambda m: m.pruners.ThresholdPruner(lower=float("nan")),
    "threshold n_warmup_steps -1": lambda m: m.pruners.ThresholdPruner(upper=1.0, n_warmup_steps=-1),
    "threshold n_warmup_steps 1.5": lambda m: m.pruners.ThresholdPruner(upper=1.0, n_warmup_steps=1.5),
    "threshold interval_steps 0": lambda m: m.pruners.ThresholdPruner(upper=1.0, interval_steps=0),
    "successive halving min_resource 0": lambda m: m.pruners.SuccessiveHalvingPruner(min_resource=0),
    "successive halving reduction_factor 1": lambda m: m.pruners.SuccessiveHalvingPruner(reduction_factor=1),
    "hyperband min_resource 0": lambda m: m.pruners.HyperbandPruner(min_resource=0),
    "tpe n_startup_trials ok": lambda m: m.samplers.TPESampler(n_startup_trials=0),
    "nsgaii population_size 1": lambda m: m.samplers.NSGAIISampler(population_size=1),
    "nsgaii crossover_prob 2": lambda m: m.samplers.NSGAIISampler(crossover_prob=2.0),
    "nsgaii swapping_prob 2": lambda m: m.samplers.NSGAIISampler(swapping_prob=2.0),
    "grid empty values": lambda m: m.samplers.GridSampler({"x": []}),
    "create_study both direction and directions": lambda m: m.create_study(direction="minimize",
                                                                           directions=["minimize"]),
    "create_study unknown direction": lambda m: m.create_study(direction="up"),
    "storage unknown URL scheme": lambda m: m.create_study(storage="nosuchdb://x"),
}


# Cases where albacore's outcome differs on purpose: case -> (Optuna's, albacore's, why).
DIFFERENT = {
    "grid empty values": ("success", "ValueError", "albacore validates the grid eagerly (a parameter "
                          "with no values can never be sampled)"),
    "hyperband min_resource 0": ("success", "ValueError", "albacore validates min_resource in the "
                                 "constructor; Optuna only when it builds its brackets"),
    "storage unknown URL scheme": ("NoSuchModuleError", "ValueError", "albacore names the unsupported "
                                   "database in a ValueError instead of SQLAlchemy's error"),
    "threshold lower NaN": ("success", "ValueError", "a NaN bound can never be met; Optuna accepts it"),
    "threshold n_warmup_steps 1.5": ("success", "ValueError", "step counts must be ints; Optuna accepts any "
                                     "number"),
}


def _outcome(module: Any, build: Callable[[Any], object]) -> type[BaseException] | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            build(module)
        except Exception as exc:  # noqa: BLE001 - the class is what is compared
            return type(exc)
    return None


def _name(kind: type[BaseException] | None) -> str:
    return "success" if kind is None else kind.__name__


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_argument_raises_the_same_exception_type_as_optuna(case: str) -> None:
    expected, actual = _name(_outcome(optuna, CASES[case])), _name(_outcome(albacore, CASES[case]))
    if case in DIFFERENT:
        assert (expected, actual) == DIFFERENT[case][:2], f"{case}: the documented difference changed"
    else:
        assert actual == expected, f"{case}: Optuna {expected}, albacore {actual}"
