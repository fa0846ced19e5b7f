"""Terminator: when TerminatorCallback stops a study, and at what regret; albacore vs Optuna 5.0.

Each library optimizes the quality benchmark's problems (``_problems.py``) with its own
TPESampler (same seeds) and a ``TerminatorCallback``, up to ``--trials`` trials:

* synthetic problems: ``EMMREvaluator`` + ``MedianErrorEvaluator`` (the scale-free pairing
  for objectives without cross-validation);
* ML problems: the default ``Terminator()`` (regret bound + cross-validation error), the
  objective reporting its fold scores with ``report_cross_validation_scores``.

Reported per problem: the median number of trials run (the stop; ``--trials`` when the
study never stopped), the median final regret (best value minus the optimum; for ML
problems minus the best value any run found), and on how many seeds albacore stopped no
later than Optuna and ended with no worse regret.

Usage:
    pip install optuna==5.0.0   # only for this benchmark
    nice -n 10 python benchmarks/terminator.py [--seeds 3] [--trials 80] [--problems sphere5,branin2]

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


def run(module: Any, problem: Problem, seed: int, n_trials: int) -> tuple[int, float, float]:
    """Trials run, best value and seconds for one study of ``module`` (albacore or optuna)."""
    term = importlib.import_module(f"{module.__name__}.terminator")
    if problem.name in CV_OBJECTIVES:
        base = CV_OBJECTIVES[problem.name]
        objective = lambda t: base(t, term.report_cross_validation_scores)  # noqa: E731
        terminator = term.Terminator(improvement_evaluator=term.RegretBoundEvaluator(seed=seed))
    else:
        objective = problem.objective
        emmr = term.EMMREvaluator(seed=seed)
        terminator = term.Terminator(improvement_evaluator=emmr, error_evaluator=term.MedianErrorEvaluator(emmr))
    study = module.create_study(sampler=module.samplers.TPESampler(seed=seed))
    start = time.perf_counter()
    study.optimize(objective, n_trials=n_trials, callbacks=[term.TerminatorCallback(terminator)])
    return len(study.trials), float(study.best_value), time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--trials", type=int, default=80)
    parser.add_argument("--problems", default=",".join(DEFAULT_PROBLEMS))
    args = parser.parse_args()
    import optuna

    warnings.filterwarnings("ignore")
    albacore.logging.set_verbosity(albacore.logging.WARNING)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    by_name = {p.name: p for p in SINGLE_OBJECTIVE}
    problems = [by_name[name] for name in args.problems.split(",")]
    print(f"albacore {albacore.__version__}, optuna {optuna.__version__}, Python {platform.python_version()}")
    print(f"TPESampler per library, TerminatorCallback, at most {args.trials} trials, seeds 0..{args.seeds - 1}")
    print("synthetic: EMMREvaluator + MedianErrorEvaluator; ML: Terminator() (regret bound + CV error)")
    print()
    header = (f"{'problem':16} {'trials a':>9} {'trials o':>9} {'regret a':>10} {'regret o':>10} "
              f"{'no later':>9} {'no worse':>9} {'both':>6} {'s a/o':>12}")
    print(header)
    totals = {"later": 0, "worse": 0, "both": 0, "runs": 0}
    for problem in problems:
        res = {"a": [run(albacore, problem, s, args.trials) for s in range(args.seeds)],
               "o": [run(optuna, problem, s, args.trials) for s in range(args.seeds)]}
        best_known = problem.optimum
        if best_known is None:
            best_known = min(r[1] for rs in res.values() for r in rs)
        reg = {k: [r[1] - best_known for r in rs] for k, rs in res.items()}
        n = {k: [r[0] for r in rs] for k, rs in res.items()}
        no_later = sum(a <= o for a, o in zip(n["a"], n["o"]))
        no_worse = sum(a <= o + 1e-12 for a, o in zip(reg["a"], reg["o"]))
        both = sum(na <= no and ra <= ro + 1e-12 for na, no, ra, ro in zip(n["a"], n["o"], reg["a"], reg["o"]))
        secs = [statistics.mean(r[2] for r in res[k]) for k in ("a", "o")]
        print(f"{problem.name:16} {statistics.median(n['a']):>9.0f} {statistics.median(n['o']):>9.0f} "
              f"{statistics.median(reg['a']):>10.4g} {statistics.median(reg['o']):>10.4g} "
              f"{no_later:>5}/{args.seeds:<3} {no_worse:>5}/{args.seeds:<3} {both:>2}/{args.seeds:<3} "
              f"{secs[0]:>5.1f}/{secs[1]:<5.1f}", flush=True)
        print(f"{'':16} per seed trials a={n['a']} o={n['o']}", flush=True)
        totals["later"] += no_later
        totals["worse"] += no_worse
        totals["both"] += both
        totals["runs"] += args.seeds
    print()
    print(f"all problems: albacore stopped no later on {totals['later']}/{totals['runs']} runs, "
          f"no worse regret on {totals['worse']}/{totals['runs']}, both on {totals['both']}/{totals['runs']}")
    print("target: TerminatorCallback stops no later than Optuna's at no worse final regret")


if __name__ == "__main__":
    main()
