"""Terminator: when TerminatorCallback stops a study, and at what regret; albacore vs Optuna 5.0.

Evaluators, the same in both libraries:

* synthetic problems of the quality benchmark (``_problems.py``): ``EMMREvaluator`` +
  ``MedianErrorEvaluator`` (the scale-free pairing for objectives without cross-validation);
* ML problems: the default ``Terminator()`` pairing (regret bound + cross-validation
  error), the objective reporting its fold scores with ``report_cross_validation_scores``.

Two tables:

* replay: one albacore TPE history per seed, run to ``--trials`` trials, is judged after
  every trial (from trial 20, the default ``min_n_trials``) by each library's evaluators;
  both see identical histories, so the stop trials compare the terminators alone;
* live: each library optimizes with its own TPESampler (same seeds) and a
  ``TerminatorCallback``, as a user would; the samplers' histories differ, so the regrets
  also reflect the samplers.

Reported per problem: the median trial count at the stop (``--trials`` when never
stopped), the median regret at the stop (best value minus the optimum; for ML problems minus
the best value any run found), and on how many seeds albacore stopped no later than Optuna,
ended with no worse regret, and both. The replay also prints the quartiles of albacore's
improvement value over Optuna's at the same trial counts (same history, same evaluator):
how far the two implementations' EMMR / regret-bound values agree.

Usage:
    pip install optuna==5.0.0   # only for this benchmark
    nice -n 10 python benchmarks/terminator.py [--seeds 3] [--trials 60] [--mode both|replay|live]
        [--problems sphere5,branin2]

Output: the latest run is committed in benchmarks/results/terminator.txt.
"""

from __future__ import annotations

import argparse
import importlib
import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
import platform
import statistics
import sys
import time
import warnings
from typing import Any, Callable

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _problems import SINGLE_OBJECTIVE, Problem, _dataset  # noqa: E402

import albacore  # noqa: E402

DEFAULT_PROBLEMS = ("sphere5", "branin2", "hartmann6", "log_scale3", "mixed4", "kridge_diabetes")


def kridge_cv(trial: Any, report: Callable[[Any, list[float]], None]) -> float:
    """``kernel_ridge_diabetes`` of ``_problems.py``, reporting its three fold scores."""
    from sklearn.kernel_ridge import KernelRidge
    from sklearn.model_selection import cross_val_score

    kernel = trial.suggest_categorical("kernel", ["rbf", "laplacian", "polynomial"])
    model = KernelRidge(
        alpha=trial.suggest_float("alpha", 1e-4, 1e1, log=True),
        kernel=kernel,
        gamma=trial.suggest_float("gamma", 1e-4, 1e1, log=True),
        degree=trial.suggest_int("degree", 1, 4) if kernel == "polynomial" else 3,
    )
    x, y = _dataset("diabetes")
    scores = -cross_val_score(model, x, y / 100.0, cv=3, scoring="neg_mean_squared_error")
    report(trial, [float(s) for s in scores])
    return float(scores.mean())


CV_OBJECTIVES = {"kridge_diabetes": kridge_cv}


def _objective(module: Any, problem: Problem) -> Callable[[Any], Any]:
    if problem.name in CV_OBJECTIVES:
        report = importlib.import_module(f"{module.__name__}.terminator").report_cross_validation_scores
        base = CV_OBJECTIVES[problem.name]
        return lambda t: base(t, report)
    return problem.objective


def _evaluators(module: Any, problem: Problem, seed: int) -> tuple[Any, Any]:
    """(improvement, error) evaluators of ``module`` for ``problem``."""
    term = importlib.import_module(f"{module.__name__}.terminator")
    if problem.name in CV_OBJECTIVES:
        return term.RegretBoundEvaluator(seed=seed), term.CrossValidationErrorEvaluator()
    emmr = term.EMMREvaluator(seed=seed)
    return emmr, term.MedianErrorEvaluator(emmr)


def run(module: Any, problem: Problem, seed: int, n_trials: int) -> tuple[int, float, float]:
    """Trials run, best value and seconds for one study of ``module`` (albacore or optuna)."""
    term = importlib.import_module(f"{module.__name__}.terminator")
    improvement, error = _evaluators(module, problem, seed)
    terminator = term.Terminator(improvement_evaluator=improvement, error_evaluator=error)
    study = module.create_study(sampler=module.samplers.TPESampler(seed=seed))
    start = time.perf_counter()
    study.optimize(_objective(module, problem), n_trials=n_trials, callbacks=[term.TerminatorCallback(terminator)])
    return len(study.trials), float(study.best_value), time.perf_counter() - start


def replay(problem: Problem, seed: int, n_trials: int, optuna: Any) -> tuple[int, int, list[float], list[float]]:
    """One albacore TPE history of ``n_trials`` trials, judged after every trial by both
    libraries' terminators (the same evaluators as :func:`run`, min_n_trials=20).

    Returns the trial count at which each library would stop (``n_trials`` if never), the
    running best values of the history, and the ratios albacore / Optuna of the improvement
    values at the trial counts both libraries evaluated.
    """
    study = albacore.create_study(sampler=albacore.samplers.TPESampler(seed=seed))
    study.optimize(_objective(albacore, problem), n_trials=n_trials)
    trials_a = study.get_trials()
    trials_o = [
        optuna.trial.create_trial(
            params=t.params, value=t.value, system_attrs=t.system_attrs,
            distributions={k: _to_optuna(optuna, d) for k, d in t.distributions.items()},
        )
        for t in trials_a
    ]
    direction_a = albacore.StudyDirection.MINIMIZE
    direction_o = optuna.study.StudyDirection.MINIMIZE
    stops, values = [], []
    for module, trials, direction in ((albacore, trials_a, direction_a), (optuna, trials_o, direction_o)):
        improvement, error = _evaluators(module, problem, seed)
        stop, seen = n_trials, []
        for n in range(20, n_trials + 1):
            seen.append(improvement.evaluate(trials[:n], direction))
            if seen[-1] < error.evaluate(trials[:n], direction):
                stop = n
                break
        stops.append(stop)
        values.append(seen)
    best = list(np.minimum.accumulate([t.value for t in trials_a]))
    ratios = [a / o for a, o in zip(*values) if a > 0 and o > 0 and max(a, o) < 1e200]
    return stops[0], stops[1], best, ratios


def _to_optuna(optuna: Any, dist: Any) -> Any:
    d = optuna.distributions
    if isinstance(dist, albacore.distributions.CategoricalDistribution):
        return d.CategoricalDistribution(list(dist.choices))
    cls = d.IntDistribution if isinstance(dist, albacore.distributions.IntDistribution) else d.FloatDistribution
    return cls(dist.low, dist.high, log=dist.log, step=dist.step)


def live_table(problems: list[Problem], seeds: int, n_trials: int, optuna: Any) -> None:
    print(f"Live: each library's own TPE study with TerminatorCallback, at most {n_trials} trials")
    print(f"{'problem':16} {'trials a':>9} {'trials o':>9} {'regret a':>10} {'regret o':>10} "
          f"{'no later':>9} {'no worse':>9} {'both':>6} {'s a/o':>12}", flush=True)
    totals = [0, 0, 0]
    for problem in problems:
        res = {"a": [run(albacore, problem, s, n_trials) for s in range(seeds)],
               "o": [run(optuna, problem, s, n_trials) for s in range(seeds)]}
        best_known = problem.optimum
        if best_known is None:
            best_known = min(r[1] for rs in res.values() for r in rs)
        reg = {k: [r[1] - best_known for r in rs] for k, rs in res.items()}
        n = {k: [r[0] for r in rs] for k, rs in res.items()}
        counts = _paired(n["a"], n["o"], reg["a"], reg["o"])
        totals = [t + c for t, c in zip(totals, counts)]
        secs = [statistics.mean(r[2] for r in res[k]) for k in ("a", "o")]
        print(_row(problem.name, n, reg, counts, seeds) + f" {secs[0]:>5.1f}/{secs[1]:<5.1f}")
        print(f"{'':16} per seed trials a={n['a']} o={n['o']}", flush=True)
    _print_totals(totals, seeds * len(problems))


def replay_table(problems: list[Problem], seeds: int, n_trials: int, optuna: Any) -> None:
    print(f"Replay: one albacore TPE history of {n_trials} trials per seed, judged after every trial by both "
          "libraries' terminators")
    print(f"{'problem':16} {'stop a':>9} {'stop o':>9} {'regret a':>10} {'regret o':>10} "
          f"{'no later':>9} {'no worse':>9} {'both':>6}", flush=True)
    totals = [0, 0, 0]
    for problem in problems:
        stops: dict[str, list[int]] = {"a": [], "o": []}
        best: list[list[float]] = []
        ratios: list[float] = []
        for seed in range(seeds):
            stop_a, stop_o, running, seed_ratios = replay(problem, seed, n_trials, optuna)
            ratios += seed_ratios
            stops["a"].append(stop_a)
            stops["o"].append(stop_o)
            best.append(running)
        best_known = problem.optimum if problem.optimum is not None else min(b[-1] for b in best)
        reg = {k: [best[i][stops[k][i] - 1] - best_known for i in range(seeds)] for k in stops}
        counts = _paired(stops["a"], stops["o"], reg["a"], reg["o"])
        totals = [t + c for t, c in zip(totals, counts)]
        print(_row(problem.name, stops, reg, counts, seeds))
        q = np.quantile(ratios, [0.25, 0.5, 0.75]) if ratios else [float("nan")] * 3
        print(f"{'':16} per seed stop a={stops['a']} o={stops['o']}; improvement value a/o at equal trials: "
              f"median {q[1]:.2f} (quartiles {q[0]:.2f}..{q[2]:.2f})", flush=True)
    _print_totals(totals, seeds * len(problems))


def _print_totals(totals: list[int], runs: int) -> None:
    print(f"all: albacore no later on {totals[0]}/{runs}, no worse regret on {totals[1]}/{runs}, "
          f"both on {totals[2]}/{runs}", flush=True)


def _paired(n_a: list[int], n_o: list[int], reg_a: list[float], reg_o: list[float]) -> tuple[int, int, int]:
    later = [a <= o for a, o in zip(n_a, n_o)]
    worse = [a <= o + 1e-12 for a, o in zip(reg_a, reg_o)]
    return sum(later), sum(worse), sum(x and y for x, y in zip(later, worse))


def _row(name: str, n: dict[str, list[int]], reg: dict[str, list[float]], counts: tuple[int, int, int],
         seeds: int) -> str:
    return (f"{name:16} {statistics.median(n['a']):>9.0f} {statistics.median(n['o']):>9.0f} "
            f"{statistics.median(reg['a']):>10.4g} {statistics.median(reg['o']):>10.4g} "
            f"{counts[0]:>5}/{seeds:<3} {counts[1]:>5}/{seeds:<3} {counts[2]:>2}/{seeds:<3}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--trials", type=int, default=60)
    parser.add_argument("--problems", default=",".join(DEFAULT_PROBLEMS))
    parser.add_argument("--mode", choices=("live", "replay", "both"), default="both")
    args = parser.parse_args()
    import optuna

    warnings.filterwarnings("ignore")
    albacore.logging.set_verbosity(albacore.logging.WARNING)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    by_name = {p.name: p for p in SINGLE_OBJECTIVE}
    problems = [by_name[name] for name in args.problems.split(",")]
    print(f"albacore {albacore.__version__}, optuna {optuna.__version__}, Python {platform.python_version()}")
    print(f"seeds 0..{args.seeds - 1}; synthetic problems: EMMREvaluator + MedianErrorEvaluator; "
          "ML problems: Terminator() (regret bound + CV error)")
    print("regret: best value at the stop minus the optimum (ML: minus the best value any run found)")
    print()
    if args.mode in ("replay", "both"):
        replay_table(problems, args.seeds, args.trials, optuna)
        print(flush=True)
    if args.mode in ("live", "both"):
        live_table(problems, args.seeds, args.trials, optuna)
        print()
    print("target: TerminatorCallback stops no later than Optuna's at no worse final regret")
    print("EMMR terms of both libraries trial by trial, and the stops of Optuna 5.0 with the paper's KL term: "
          "benchmarks/terminator_diagnose.py (results/terminator_diagnose.txt)")


if __name__ == "__main__":
    main()
