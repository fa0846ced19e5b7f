"""Parameter importance: albacore vs Optuna 5.0, speed and correctness, side by side in one run.

Speed: ``get_param_importances`` on one study of 1,000 random trials x 10 parameters (floats,
log floats, ints, a categorical) with each library's default evaluator (PED-ANOVA in both),
with fANOVA and with mean decrease impurity. Both libraries see the same trials.

Correctness: synthetic objectives whose main-effect variances are known (additive terms of
chosen variance under the sampling measure, plus an interaction without main effects, plus
noise). For each seed, the same random trials go to both libraries; the ranking each
evaluator returns is compared with the true one by Spearman's rank correlation. Reported per
problem and evaluator: the share of seeds with Spearman >= 0.9 and the mean Spearman.

Usage:
    pip install optuna==5.0.0   # only for this benchmark
    nice -n 10 python benchmarks/importance.py [--seeds 10] [--trials 200] [--skip-optuna-fanova-speed]

Output: the latest run is committed in benchmarks/results/importance.txt.
"""

from __future__ import annotations

import argparse
import math
import platform
import statistics
import time
import warnings
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

import albacore
import albacore.importance


@dataclass(frozen=True)
class Param:
    name: str
    kind: str  # "float", "log", "int", "cat"
    low: float = 0.0
    high: float = 1.0
    choices: tuple[str, ...] = ()

    def sample(self, rng: np.random.Generator, n: int) -> list[Any]:
        if self.kind == "float":
            return rng.uniform(self.low, self.high, n).tolist()
        if self.kind == "log":
            return np.exp(rng.uniform(math.log(self.low), math.log(self.high), n)).tolist()
        if self.kind == "int":
            return rng.integers(int(self.low), int(self.high) + 1, n).tolist()
        return [self.choices[i] for i in rng.integers(0, len(self.choices), n)]

    def distribution(self, module: Any) -> Any:
        d = module.distributions
        if self.kind == "cat":
            return d.CategoricalDistribution(list(self.choices))
        if self.kind == "int":
            return d.IntDistribution(int(self.low), int(self.high))
        return d.FloatDistribution(self.low, self.high, log=self.kind == "log")


@dataclass(frozen=True)
class Synthetic:
    name: str
    params: tuple[Param, ...]
    effects: dict[str, Callable[[np.ndarray], np.ndarray]]  # additive main effect per parameter
    interaction: Callable[[dict[str, np.ndarray]], np.ndarray]  # zero main effects
    noise: float

    def values(self, columns: dict[str, np.ndarray], rng: np.random.Generator) -> np.ndarray:
        total = sum(self.effects[p.name](columns[p.name]) for p in self.params)
        return total + self.interaction(columns) + self.noise * rng.normal(size=len(columns[self.params[0].name]))

    def truth(self) -> list[str]:
        """Parameters by decreasing main-effect variance (Monte Carlo, 400k draws)."""
        rng = np.random.default_rng(12345)
        variances = {}
        for p in self.params:
            x = np.array(p.sample(rng, 400_000), dtype=object if p.kind == "cat" else float)
            variances[p.name] = float(np.var(self.effects[p.name](x)))
        return sorted(variances, key=variances.__getitem__, reverse=True)


_CAT = {"relu": 1.0, "tanh": -1.0, "gelu": 0.5, "none": -0.5}


def _cat_effect(scale: float) -> Callable[[np.ndarray], np.ndarray]:
    return lambda x: scale * np.array([_CAT[v] for v in x], dtype=float)


PROBLEMS = [
    Synthetic(
        "linear6 (floats, one interaction)",
        tuple(Param(f"x{i}", "float") for i in range(6)),
        {
            f"x{i}": (lambda c: lambda x: c * np.asarray(x, float))(c)  # noqa: B023 - c is bound by the outer lambda
            for i, c in enumerate([6.0, 4.0, 3.0, 2.0, 1.0, 0.5])
        },
        lambda cols: 4.0 * (cols["x4"] - 0.5) * (cols["x5"] - 0.5),
        0.2,
    ),
    Synthetic(
        "mixed6 (log, int, categorical)",
        (
            Param("lr", "log", 1e-5, 1e-1),
            Param("layers", "int", 1, 8),
            Param("act", "cat", choices=tuple(_CAT)),
            Param("dropout", "float", 0.0, 0.5),
            Param("wd", "log", 1e-6, 1e-2),
            Param("batch", "int", 16, 256),
        ),
        {
            "lr": lambda x: 1.2 * (np.log10(np.asarray(x, float)) + 3.0) ** 2,
            "layers": lambda x: 0.6 * np.abs(np.asarray(x, float) - 4.0),
            "act": _cat_effect(0.9),
            "dropout": lambda x: 2.0 * np.asarray(x, float),
            "wd": lambda x: 0.15 * np.log10(np.asarray(x, float)),
            "batch": lambda x: 0.001 * np.asarray(x, float),
        },
        lambda cols: 0.5 * (np.asarray(cols["dropout"], float) - 0.25) * (np.asarray(cols["batch"], float) - 136) / 120,
        0.1,
    ),
    Synthetic(
        "wave5 (non-monotone effects)",
        tuple(Param(f"z{i}", "float", -1.0, 1.0) for i in range(5)),
        {
            "z0": lambda x: 3.0 * np.sin(3 * np.asarray(x, float)),
            "z1": lambda x: 4.0 * np.asarray(x, float) ** 2,
            "z2": lambda x: 1.0 * np.cos(5 * np.asarray(x, float)),
            "z3": lambda x: 0.8 * np.abs(np.asarray(x, float)),
            "z4": lambda x: 0.2 * np.asarray(x, float),
        },
        lambda cols: 1.0 * cols["z3"] * cols["z4"],
        0.1,
    ),
]


def _study(module: Any, params: tuple[Param, ...], columns: dict[str, list], values: np.ndarray) -> Any:
    study = module.create_study()
    dists = {p.name: p.distribution(module) for p in params}
    study.add_trials(
        [
            module.trial.create_trial(
                params={p.name: columns[p.name][i] for p in params}, distributions=dists, value=float(values[i])
            )
            for i in range(len(values))
        ]
    )
    return study


def _studies(problem: Synthetic, n_trials: int, seed: int, optuna: Any) -> tuple[Any, Any]:
    rng = np.random.default_rng(seed)
    columns = {p.name: p.sample(rng, n_trials) for p in problem.params}
    arrays = {k: np.array(v, dtype=object if isinstance(v[0], str) else float) for k, v in columns.items()}
    values = problem.values(arrays, rng)
    return _study(albacore, problem.params, columns, values), _study(optuna, problem.params, columns, values)


def spearman(ranking: list[str], truth: list[str]) -> float:
    n = len(truth)
    pos = {name: i for i, name in enumerate(ranking)}
    return 1.0 - 6.0 * sum((pos[name] - i) ** 2 for i, name in enumerate(truth)) / (n * (n * n - 1))


def _evaluators(optuna: Any, seed: int) -> dict[str, tuple[Any, Any]]:
    a, o = albacore.importance, optuna.importance
    return {
        "fANOVA": (a.FanovaImportanceEvaluator(seed=seed), o.FanovaImportanceEvaluator(seed=seed)),
        "PED-ANOVA": (a.PedAnovaImportanceEvaluator(), o.PedAnovaImportanceEvaluator()),
    }


def correctness(optuna: Any, seeds: int, n_trials: int) -> list[str]:
    lines = [
        f"Correctness: ranking vs the true main-effect ranking, {n_trials} random trials, seeds 0..{seeds - 1}",
        f"{'problem':36} {'evaluator':10} {'albacore >=0.9':>15} {'optuna >=0.9':>13} {'mean rho a/o':>14}",
    ]
    for problem in PROBLEMS:
        truth = problem.truth()
        scores: dict[str, tuple[list[float], list[float]]] = {}
        for seed in range(seeds):
            study_a, study_o = _studies(problem, n_trials, seed, optuna)
            for name, (ev_a, ev_o) in _evaluators(optuna, seed).items():
                rho_a = spearman(list(albacore.importance.get_param_importances(study_a, evaluator=ev_a)), truth)
                rho_o = spearman(list(optuna.importance.get_param_importances(study_o, evaluator=ev_o)), truth)
                scores.setdefault(name, ([], []))[0].append(rho_a)
                scores[name][1].append(rho_o)
        for name, (ra, ro) in scores.items():
            hits_a, hits_o = sum(r >= 0.9 for r in ra), sum(r >= 0.9 for r in ro)
            lines.append(
                f"{problem.name:36} {name:10} {hits_a:>9}/{seeds:<5} {hits_o:>7}/{seeds:<5} "
                f"{statistics.mean(ra):>6.3f}/{statistics.mean(ro):.3f}"
            )
        lines.append(f"{'':36} true ranking: {' > '.join(truth)}")
    lines.append("target: albacore reaches Spearman >= 0.9 on at least as many seeds as Optuna (fANOVA, PED-ANOVA)")
    return lines


SPEED_PROBLEM = Synthetic(
    "speed10",
    tuple(
        [Param(f"f{i}", "float", -5.0, 5.0) for i in range(5)]
        + [Param("l0", "log", 1e-5, 1.0), Param("l1", "log", 1e-3, 10.0)]
        + [Param("i0", "int", 0, 20), Param("i1", "int", 1, 5), Param("c", "cat", choices=tuple(_CAT))]
    ),
    {
        **{f"f{i}": (lambda c: lambda x: c * np.asarray(x, float) ** 2)(i + 1.0) for i in range(5)},
        "l0": lambda x: np.log(np.asarray(x, float)),
        "l1": lambda x: 0.1 * np.log(np.asarray(x, float)),
        "i0": lambda x: 0.3 * np.asarray(x, float),
        "i1": lambda x: np.asarray(x, float),
        "c": _cat_effect(2.0),
    },
    lambda cols: 0.0 * cols["i1"],
    0.5,
)


def _best_time(fn: Callable[[], Any], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def speed(optuna: Any, repeats: int, skip_optuna_fanova: bool) -> list[str]:
    study_a, study_o = _studies(SPEED_PROBLEM, 1000, 0, optuna)
    a, o = albacore.importance, optuna.importance
    rows = [
        (
            "default (PED-ANOVA)",
            lambda: a.get_param_importances(study_a),
            lambda: o.get_param_importances(study_o),
            repeats,
        ),
        (
            "fANOVA",
            lambda: a.get_param_importances(study_a, evaluator=a.FanovaImportanceEvaluator(seed=0)),
            None
            if skip_optuna_fanova
            else (lambda: o.get_param_importances(study_o, evaluator=o.FanovaImportanceEvaluator(seed=0))),
            1,
        ),
        (
            "mean decrease impurity",
            lambda: a.get_param_importances(study_a, evaluator=a.MeanDecreaseImpurityImportanceEvaluator(seed=0)),
            lambda: o.get_param_importances(study_o, evaluator=o.MeanDecreaseImpurityImportanceEvaluator(seed=0)),
            3,
        ),
    ]
    lines = [
        "Speed: get_param_importances on 1,000 trials x 10 parameters (median of runs)",
        f"{'evaluator':24} {'albacore s':>11} {'optuna s':>10} {'ratio':>7}",
    ]
    for name, fa, fo, n in rows:
        ta = _best_time(fa, max(n, 3))
        to = _best_time(fo, n) if fo is not None else float("nan")
        lines.append(f"{name:24} {ta:>11.4f} {to:>10.4f} {ta / to:>7.3f}")
    lines.append("target: default evaluator ratio <= 0.50")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--trials", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument(
        "--skip-optuna-fanova-speed", action="store_true", help="skip Optuna's fANOVA on 1,000 trials (about a minute)"
    )
    args = parser.parse_args()
    import optuna

    warnings.filterwarnings("ignore")
    albacore.logging.set_verbosity(albacore.logging.WARNING)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    import sklearn

    print(
        f"albacore {albacore.__version__}, optuna {optuna.__version__}, scikit-learn {sklearn.__version__}, "
        f"Python {platform.python_version()}"
    )
    print()
    for line in speed(optuna, args.repeats, args.skip_optuna_fanova_speed):
        print(line, flush=True)
    print()
    for line in correctness(optuna, args.seeds, args.trials):
        print(line, flush=True)


if __name__ == "__main__":
    main()
