"""Optimization quality: albacore samplers vs Optuna 5.0, side by side, in one run.

For every problem in ``_problems.py`` and every seed, each selected sampler optimizes the
same objective for a fixed number of trials. Reported per problem:

* the median final regret (best value found minus the known optimum; for ML tasks the
  optimum is the best value any run found);
* for multi-objective problems, the median hypervolume of the final front (higher is better);
* paired win rates: on how many seeds an albacore sampler ended better than its Optuna
  counterpart (ties count half).

The suite score of a sampler is the geometric mean over single-objective problems of its
median regret divided by RandomSampler's (lower is better; 1.0 means no better than random).

Samplers come from a registry: other samplers join with ``register(...)`` (name -> factory
taking a seed and the problem), e.g. NSGA-II, CMA-ES or GP rows.

Usage:
    nice -n 10 python benchmarks/quality.py                      # the default run
    python benchmarks/quality.py --samplers tpe,optuna-tpe --seeds 3 --trials 50 --problems sphere5

While tuning a sampler, ``--optuna-cache FILE`` keeps Optuna's outcomes (a seeded Optuna run is
deterministic and does not depend on albacore's code) in a JSON-lines file and reuses them, so
only albacore's rows are re-run. A committed result made with it says so, and which earlier runs of
the same day computed the reused rows; a tuning run's results are not committed.
"""

from __future__ import annotations

import argparse
import json
import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # one BLAS thread per worker: the ML tasks are tiny
import math
import multiprocessing
import sys
import time
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _problems import MULTI_OBJECTIVE, SINGLE_OBJECTIVE, Problem  # noqa: E402


@dataclass
class SamplerSpec:
    name: str
    framework: str  # "albacore" or "optuna"
    factory: Callable[[int, Problem], Any]
    multi_objective: bool = True
    single_objective: bool = True
    compare_to: list[str] = field(default_factory=list)  # samplers to report paired win rates against
    default: bool = True  # part of the default run


REGISTRY: dict[str, SamplerSpec] = {}


def register(spec: SamplerSpec) -> None:
    """Add a sampler row to the benchmark."""
    REGISTRY[spec.name] = spec


def _albacore_tpe(**kwargs: Any) -> Callable[[int, Problem], Any]:
    def make(seed: int, problem: Problem) -> Any:
        import albacore

        return albacore.samplers.TPESampler(seed=seed, **kwargs)

    return make


def _optuna_tpe(**kwargs: Any) -> Callable[[int, Problem], Any]:
    def make(seed: int, problem: Problem) -> Any:
        import optuna

        return optuna.samplers.TPESampler(seed=seed, **kwargs)

    return make


def _albacore_random(seed: int, problem: Problem) -> Any:
    import albacore

    return albacore.samplers.RandomSampler(seed=seed)


register(SamplerSpec("random", "albacore", _albacore_random))
register(SamplerSpec("tpe", "albacore", _albacore_tpe(), compare_to=["optuna-tpe"]))
register(
    SamplerSpec("tpe-univariate", "albacore", _albacore_tpe(multivariate=False), compare_to=["optuna-tpe-univariate"])
)
# Optuna 5.0's default TPE is multivariate for single-objective studies, like albacore's.
register(SamplerSpec("optuna-tpe", "optuna", _optuna_tpe()))
register(SamplerSpec("optuna-tpe-univariate", "optuna", _optuna_tpe(multivariate=False), multi_objective=False))
# Other samplers register here, e.g.:
# register(SamplerSpec("nsga2", "albacore", ..., single_objective=False, compare_to=["optuna-nsga2"]))


def _albacore_nsga2(seed: int, problem: Problem) -> Any:
    import albacore

    return albacore.samplers.NSGAIISampler(seed=seed)


def _optuna_nsga2(seed: int, problem: Problem) -> Any:
    import optuna

    return optuna.samplers.NSGAIISampler(seed=seed)


# NSGA-II with default settings on both sides (population 50).
register(SamplerSpec("nsga2", "albacore", _albacore_nsga2, single_objective=False, compare_to=["optuna-nsga2"]))
register(SamplerSpec("optuna-nsga2", "optuna", _optuna_nsga2, single_objective=False))


# CMA-ES, GP and AutoSampler rows (not in the default run: the GP rows are slow; run them with
# --samplers random,tpe,optuna-tpe,gp,optuna-gp,cmaes,optuna-cmaes,auto).
def _albacore_sampler(name: str, **kwargs: Any) -> Callable[[int, Problem], Any]:
    def make(seed: int, problem: Problem) -> Any:
        import albacore

        return getattr(albacore.samplers, name)(seed=seed, **kwargs)

    return make


def _optuna_sampler(name: str, **kwargs: Any) -> Callable[[int, Problem], Any]:
    def make(seed: int, problem: Problem) -> Any:
        import optuna

        return getattr(optuna.samplers, name)(seed=seed, **kwargs)

    return make


register(SamplerSpec("gp", "albacore", _albacore_sampler("GPSampler"), compare_to=["optuna-gp"], default=False))
register(SamplerSpec("optuna-gp", "optuna", _optuna_sampler("GPSampler"), default=False))
register(
    SamplerSpec(
        "cmaes",
        "albacore",
        _albacore_sampler("CmaEsSampler"),
        multi_objective=False,
        compare_to=["optuna-cmaes"],
        default=False,
    )
)
register(SamplerSpec("optuna-cmaes", "optuna", _optuna_sampler("CmaEsSampler"), multi_objective=False, default=False))
register(
    SamplerSpec(
        "auto",
        "albacore",
        _albacore_sampler("AutoSampler"),
        compare_to=["gp", "tpe", "optuna-tpe", "optuna-gp", "optuna-cmaes"],
        default=False,
    )
)

# The other samplers of both libraries that take these spaces, so that quality_auto.txt ranks
# AutoSampler against all of them (not in the default run): QMC (Sobol), Optuna's random
# search, and NSGA-II on one objective under names of its own.
register(
    SamplerSpec(
        "qmc",
        "albacore",
        _albacore_sampler("QMCSampler"),
        multi_objective=False,
        compare_to=["optuna-qmc"],
        default=False,
    )
)
register(SamplerSpec("optuna-qmc", "optuna", _optuna_sampler("QMCSampler"), multi_objective=False, default=False))
register(SamplerSpec("optuna-random", "optuna", _optuna_sampler("RandomSampler"), multi_objective=False, default=False))
register(
    SamplerSpec(
        "nsga2-single",
        "albacore",
        _albacore_nsga2,
        multi_objective=False,
        compare_to=["optuna-nsga2-single"],
        default=False,
    )
)
register(SamplerSpec("optuna-nsga2-single", "optuna", _optuna_nsga2, multi_objective=False, default=False))

# --- running ----------------------------------------------------------------------------------


def _quiet() -> None:
    warnings.simplefilter("ignore")
    import optuna

    import albacore

    optuna.logging.set_verbosity(optuna.logging.ERROR)
    albacore.logging.set_verbosity(albacore.logging.ERROR)


def run_one(task: tuple[str, str, int, int]) -> tuple[str, str, int, Any, float]:
    """Optimize one problem with one sampler and seed; return its final outcome."""
    problem_name, sampler_name, seed, n_trials = task
    _quiet()
    problem = {p.name: p for p in SINGLE_OBJECTIVE + MULTI_OBJECTIVE}[problem_name]
    spec = REGISTRY[sampler_name]
    sampler = spec.factory(seed, problem)
    if spec.framework == "optuna":
        import optuna as framework
    else:
        import albacore as framework  # type: ignore[no-redef]
    study = framework.create_study(directions=list(problem.directions), sampler=sampler)
    start = time.perf_counter()
    study.optimize(problem.objective, n_trials=n_trials)
    elapsed = time.perf_counter() - start
    if len(problem.directions) == 1:
        return problem_name, sampler_name, seed, study.best_value, elapsed
    from albacore.hypervolume import compute_hypervolume

    values = np.array([t.values for t in study.best_trials])
    hv = compute_hypervolume(values, np.array(problem.reference_point))
    return problem_name, sampler_name, seed, hv, elapsed


def _init_worker() -> None:
    try:
        current = os.nice(0)
        if current < 10:
            os.nice(10 - current)  # niceness 10 in the workers, not more if already niced
    except OSError:
        pass


# --- reporting --------------------------------------------------------------------------------


def _win_rate(a: list[float], b: list[float], larger_is_better: bool) -> float:
    wins = 0.0
    for x, y in zip(a, b):
        if x == y or math.isclose(x, y, rel_tol=1e-12, abs_tol=1e-12):
            wins += 0.5
        elif (x > y) == larger_is_better:
            wins += 1.0
    return wins / len(a)


def report(results: dict, samplers: list[str], problems: list[Problem], seeds: list[int], out: list[str]) -> None:
    pairs = [(s, c) for s in samplers for c in REGISTRY[s].compare_to if c in samplers]
    single = [p for p in problems if len(p.directions) == 1]
    multi = [p for p in problems if len(p.directions) > 1]
    ratios: dict[str, list[float]] = {s: [] for s in samplers}
    wins_by_pair: dict[tuple[str, str], list[float]] = {pair: [] for pair in pairs}
    if single:
        out.append("Single objective: median final regret (lower is better)")
        header = f"{'problem':<14}" + "".join(f"{s:>25}" for s in samplers)
        header += "".join(f"{'win ' + a + ' vs ' + b:>45}" for a, b in pairs)
        out.append(header)
    for p in single:
        finals = {s: [results[(p.name, s, seed)] for seed in seeds] for s in samplers}
        optimum = p.optimum
        if optimum is None:
            optimum = min(min(v) for v in finals.values())
        regrets = {s: [max(v - optimum, 0.0) for v in finals[s]] for s in samplers}
        medians = {s: float(np.median(regrets[s])) for s in samplers}
        line = f"{p.name:<14}" + "".join(f"{medians[s]:>25.4g}" for s in samplers)
        for a, b in pairs:
            rate = _win_rate(regrets[b], regrets[a], larger_is_better=True)  # a wins when its regret is lower
            wins_by_pair[(a, b)].append(rate)
            line += f"{rate:>45.2f}"
        out.append(line)
        if "random" in samplers:
            base = max(medians["random"], 1e-12)
            floor = 1e-6 * base
            for s in samplers:
                ratios[s].append(max(medians[s], floor) / base)
    if single and "random" in samplers:
        out.append("")
        out.append("Suite score (geometric mean of median regret / random's; lower is better):")
        for s in samplers:
            out.append(f"  {s:<28}{math.exp(np.mean(np.log(ratios[s]))):.4g}")
    if single and pairs:
        out.append("")
        out.append("Paired comparisons over single-objective problems and seeds:")
        for (a, b), rates in wins_by_pair.items():
            majority = sum(r > 0.5 for r in rates)
            out.append(
                f"  {a} vs {b}: mean win rate {np.mean(rates):.2f}; better on {majority} of {len(rates)} problems "
                f"(win rate > 0.5)"
            )
    if multi:
        out.append("")
        out.append("Multi-objective: median hypervolume of the final front (higher is better)")
        out.append(f"{'problem':<14}" + "".join(f"{s:>25}" for s in samplers))
        for p in multi:
            hv = {s: [results.get((p.name, s, seed), np.nan) for seed in seeds] for s in samplers}
            out.append(f"{p.name:<14}" + "".join(f"{np.median(hv[s]):>25.4f}" for s in samplers))
            for a, b in pairs:
                if not np.isnan(hv[a]).any() and not np.isnan(hv[b]).any():
                    out.append(f"  win {a} vs {b}: {_win_rate(hv[a], hv[b], larger_is_better=True):.2f}")


def _cache_key(task: tuple[str, str, int, int]) -> str:
    import optuna

    return json.dumps([*task, optuna.__version__])


def _load_cache(path: str | None) -> dict[str, tuple[Any, float]]:
    """Optuna outcomes saved by earlier runs: key -> (outcome, optimize seconds)."""
    if not path or not os.path.exists(path):
        return {}
    cache = {}
    with open(path) as f:
        for line in f:
            if line.strip():
                record = json.loads(line)
                cache[record["key"]] = (record["outcome"], record["seconds"])
    return cache


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    defaults = [name for name, spec in REGISTRY.items() if spec.default]
    parser.add_argument("--samplers", default=",".join(defaults), help="comma-separated registry names")
    parser.add_argument("--problems", default=None, help="comma-separated problem names (default: all)")
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--trials", type=int, default=100, help="trials per single-objective run")
    parser.add_argument("--mo-trials", type=int, default=200, help="trials per multi-objective run")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (niced)")
    parser.add_argument("--no-multi-objective", action="store_true")
    parser.add_argument(
        "--optuna-cache",
        default=None,
        metavar="FILE",
        help="reuse and save Optuna outcomes in this JSON-lines file (for tuning runs only)",
    )
    args = parser.parse_args()

    samplers = args.samplers.split(",")
    unknown = [s for s in samplers if s not in REGISTRY]
    if unknown:
        parser.error(f"unknown samplers {unknown}; known: {sorted(REGISTRY)}")
    problems = SINGLE_OBJECTIVE + ([] if args.no_multi_objective else MULTI_OBJECTIVE)
    if args.problems:
        wanted = args.problems.split(",")
        problems = [p for p in problems if p.name in wanted]
    seeds = list(range(args.seeds))
    tasks = []
    for p in problems:
        multi = len(p.directions) > 1
        n_trials = args.mo_trials if multi else args.trials
        for s in samplers:
            spec = REGISTRY[s]
            if (multi and spec.multi_objective) or (not multi and spec.single_objective):
                tasks.extend((p.name, s, seed, n_trials) for seed in seeds)
    start = time.perf_counter()
    results: dict = {}
    seconds: dict[str, float] = {s: 0.0 for s in samplers}
    cache = _load_cache(args.optuna_cache)
    cached = [t for t in tasks if _cache_key(t) in cache]
    for task in cached:
        results[task[:3]], elapsed = cache[_cache_key(task)]
        seconds[task[1]] += elapsed
    to_run = [t for t in tasks if _cache_key(t) not in cache]
    trials_of = {t[:3]: t[3] for t in to_run}
    with multiprocessing.get_context("fork").Pool(args.jobs, initializer=_init_worker) as pool:
        for problem_name, sampler_name, seed, outcome, elapsed in pool.imap_unordered(run_one, to_run):
            results[(problem_name, sampler_name, seed)] = outcome
            seconds[sampler_name] += elapsed
            if args.optuna_cache and REGISTRY[sampler_name].framework == "optuna":
                key = _cache_key((problem_name, sampler_name, seed, trials_of[(problem_name, sampler_name, seed)]))
                with open(args.optuna_cache, "a") as f:
                    f.write(json.dumps({"key": key, "outcome": float(outcome), "seconds": elapsed}) + "\n")
    import optuna

    out = [
        f"quality benchmark: {len(seeds)} seeds, {args.trials} trials (multi-objective: {args.mo_trials}); "
        f"optuna {optuna.__version__}; wall time {time.perf_counter() - start:.0f} s"
        + (f"; {len(cached)} Optuna outcomes reused from {args.optuna_cache}" if cached else ""),
        "",
    ]
    mo_samplers = [s for s in samplers if REGISTRY[s].multi_objective]
    so_samplers = [s for s in samplers if REGISTRY[s].single_objective]
    report(results, so_samplers, [p for p in problems if len(p.directions) == 1], seeds, out)
    report(results, mo_samplers, [p for p in problems if len(p.directions) > 1], seeds, out)
    out.append("")
    out.append(
        "Total optimize time per sampler (s, objective included): "
        + ", ".join(f"{s} {t:.0f}" for s, t in seconds.items())
    )
    print("\n".join(out))


if __name__ == "__main__":
    main()
