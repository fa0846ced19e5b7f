"""Behavioural twins: the same bad argument raises the same exception type in Optuna and albacore.

Each case builds one object (a distribution, sampler or pruner) from the module under test;
the case runs once with ``optuna`` and once with ``albacore`` and the outcomes (the class of
the exception, or success) must agree.
"""

from __future__ import annotations

import warnings
from typing import Any, Callable

import _twin
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
    "grid not a dict": lambda m: m.samplers.GridSampler([1, 2]),
    "tpe n_startup_trials -1": lambda m: m.samplers.TPESampler(n_startup_trials=-1),
    "tpe n_ei_candidates 0": lambda m: m.samplers.TPESampler(n_ei_candidates=0),
    "tpe gamma not callable": lambda m: m.samplers.TPESampler(gamma=0.1),
    "tpe prior_weight -1": lambda m: m.samplers.TPESampler(prior_weight=-1.0),
    "tpe seed string": lambda m: m.samplers.TPESampler(seed="a"),
    "random seed string": lambda m: m.samplers.RandomSampler(seed="a"),
    "random seed negative": lambda m: m.samplers.RandomSampler(seed=-1),
    "cmaes sigma0 -1": lambda m: m.samplers.CmaEsSampler(sigma0=-1.0),
    "cmaes n_startup_trials -1": lambda m: m.samplers.CmaEsSampler(n_startup_trials=-1),
    "cmaes restart_strategy unknown": lambda m: m.samplers.CmaEsSampler(restart_strategy="nope"),
    "cmaes popsize 0": lambda m: m.samplers.CmaEsSampler(popsize=0),
    "cmaes x0 not a dict": lambda m: m.samplers.CmaEsSampler(x0=[1.0]),
    "gp n_startup_trials -1": lambda m: m.samplers.GPSampler(n_startup_trials=-1),
    "qmc qmc_type unknown": lambda m: m.samplers.QMCSampler(qmc_type="nope"),
    "qmc scramble string": lambda m: m.samplers.QMCSampler(scramble="yes"),
    "brute force seed string": lambda m: m.samplers.BruteForceSampler(seed="a"),
    "partial fixed base not a sampler": lambda m: m.samplers.PartialFixedSampler({"x": 1}, base_sampler="tpe"),
    "nsgaii crossover not a crossover": lambda m: m.samplers.NSGAIISampler(crossover="blx"),
    "nsgaii mutation not a mutation": lambda m: m.samplers.NSGAIISampler(mutation="poly"),
    "nsgaii population below crossover parents": lambda m: m.samplers.NSGAIISampler(
        population_size=2, crossover=m.samplers.nsgaii.UNDXCrossover()),
    "nsgaiii dividing_parameter 0": lambda m: m.samplers.NSGAIIISampler(dividing_parameter=0),
    "blx alpha -1": lambda m: m.samplers.nsgaii.BLXAlphaCrossover(alpha=-1.0),
    "sbx eta -1": lambda m: m.samplers.nsgaii.SBXCrossover(eta=-1.0),
    "vsbx eta -1": lambda m: m.samplers.nsgaii.VSBXCrossover(eta=-1.0),
    "spx epsilon -1": lambda m: m.samplers.nsgaii.SPXCrossover(epsilon=-1.0),
    "undx sigma_xi -1": lambda m: m.samplers.nsgaii.UNDXCrossover(sigma_xi=-1.0),
    "uniform swapping_prob 2": lambda m: m.samplers.nsgaii.UniformCrossover(swapping_prob=2.0),
    "polynomial mutation eta -1": lambda m: m.samplers.nsgaii.PolynomialMutation(eta=-1.0),
    "median n_min_trials 0": lambda m: m.pruners.MedianPruner(n_min_trials=0),
    "percentile n_startup_trials -1": lambda m: m.pruners.PercentilePruner(25.0, n_startup_trials=-1),
    "percentile percentile string": lambda m: m.pruners.PercentilePruner("25"),
    "patient wrapped not a pruner": lambda m: m.pruners.PatientPruner("median", patience=1),
    "patient patience 1.5": lambda m: m.pruners.PatientPruner(None, patience=1.5),
    "successive halving min_early_stopping_rate -1": lambda m: m.pruners.SuccessiveHalvingPruner(
        min_early_stopping_rate=-1),
    "successive halving bootstrap_count -1": lambda m: m.pruners.SuccessiveHalvingPruner(bootstrap_count=-1),
    "successive halving min_resource string": lambda m: m.pruners.SuccessiveHalvingPruner(min_resource="x"),
    "hyperband reduction_factor 1": lambda m: m.pruners.HyperbandPruner(reduction_factor=1),
    "hyperband max_resource string": lambda m: m.pruners.HyperbandPruner(max_resource="x"),
    "wilcoxon p_threshold -1": lambda m: m.pruners.WilcoxonPruner(p_threshold=-1.0),
    "wilcoxon n_startup_steps -1": lambda m: m.pruners.WilcoxonPruner(n_startup_steps=-1),
    "create_study both direction and directions": lambda m: m.create_study(direction="minimize",
                                                                           directions=["minimize"]),
    "create_study unknown direction": lambda m: m.create_study(direction="up"),
    "storage unknown URL scheme": lambda m: m.create_study(storage="nosuchdb://x"),
}


_EAGER = _twin.EAGER
_WRONG_TYPE = "an argument of the wrong type raises TypeError (Optuna: ValueError)"
# Cases where albacore's outcome differs on purpose: case -> (Optuna's, albacore's, why).
DIFFERENT = {
    "grid empty values": ("success", "ValueError", "albacore validates the grid eagerly (a parameter "
                          "with no values can never be sampled)"),
    "hyperband min_resource 0": ("success", "ValueError", "albacore validates min_resource in the "
                                 "constructor; Optuna only when it builds its brackets"),
    "storage unknown URL scheme": ("NoSuchModuleError", "ValueError", "albacore names the unsupported "
                                   "database in a ValueError instead of SQLAlchemy's error"),
    "threshold lower NaN": ("success", "ValueError", "a NaN bound can never be met; Optuna accepts it"),
    **{
        case: ("success", kind, _EAGER)
        for case, kind in {
            "blx alpha -1": "ValueError", "spx epsilon -1": "ValueError", "undx sigma_xi -1": "ValueError",
            "cmaes n_startup_trials -1": "ValueError", "cmaes popsize 0": "ValueError",
            "cmaes restart_strategy unknown": "ValueError", "cmaes sigma0 -1": "ValueError",
            "cmaes x0 not a dict": "TypeError", "gp n_startup_trials -1": "ValueError",
            "hyperband reduction_factor 1": "ValueError", "nsgaiii dividing_parameter 0": "ValueError",
            "partial fixed base not a sampler": "TypeError", "patient patience 1.5": "ValueError",
            "patient wrapped not a pruner": "ValueError", "tpe gamma not callable": "TypeError",
            "tpe n_ei_candidates 0": "ValueError", "tpe n_startup_trials -1": "ValueError",
            "tpe prior_weight -1": "ValueError",
        }.items()
    },
    "grid not a dict": ("AttributeError", "TypeError", "a wrong type raises TypeError naming the parameter; "
                        "Optuna fails on it with AttributeError"),
    "nsgaii crossover not a crossover": ("ValueError", "TypeError", _WRONG_TYPE),
    "nsgaii mutation not a mutation": ("ValueError", "TypeError", _WRONG_TYPE),
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
