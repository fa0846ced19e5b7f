"""Repeated configurations: objective evaluations and best value, with and without skipping them.

Task: a deterministic objective on a finite space of 60 points, an integer ``x`` in 0..9
and a categorical ``kind`` of 6 choices; each choice has its own optimal ``x``, curvature
and offset, and the single global minimum 0 is at ``kind="c", x=5``. Every study runs
``--trials`` trials (100, more than the space holds), for ``--seeds`` seeds.

Arms, for TPE (each library's defaults) and NSGA-II (``population_size=10``, so 100 trials
are 10 generations; single objective):

* ``albacore, evaluate all``: albacore's sampler (``avoid_duplicates=True``, its default),
  every trial evaluated;
* ``albacore, textbook sampler``: ``avoid_duplicates=False``, every trial evaluated (what
  the sampler alone repeats);
* ``albacore, textbook + skip_duplicates="count"``: the same sampler, repeats recorded
  from the stored values instead of evaluated; 100 trials;
* ``albacore, skip_duplicates="count"``: albacore's sampler, repeats skipped, 100 trials;
* ``albacore, skip_duplicates=True``: repeats do not count against ``n_trials``, so the
  study runs until 100 evaluations or until 100 repeats in a row end it (the space is
  exhausted after 60 evaluations);
* ``Optuna 5.0``: ``optuna.samplers.TPESampler`` / ``NSGAIISampler`` with the same seed,
  every trial evaluated (Optuna has no way to skip a repeat).

Reported per arm, over seeds: objective evaluations (mean), distinct configurations
evaluated, the best value (mean, and in how many seeds it is the optimum 0), and the
evaluations spent until the optimum was first evaluated (mean over seeds that found it).

Run: ``python benchmarks/duplicates.py [--seeds N --trials N]``; the output goes to
stdout and, with ``--out``, to that file.
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings
from typing import Any, Callable

import albacore

OPT_X = (7, 2, 5, 0, 9, 4)
SCALE = (0.2, 0.5, 0.1, 0.3, 0.4, 0.25)
OFFSET = (0.5, 0.8, 0.0, 1.2, 0.3, 0.6)
KINDS = ("a", "b", "c", "d", "e", "f")


class Objective:
    """The 60-point objective, counting its evaluations and when it first met the optimum."""

    def __init__(self) -> None:
        self.evaluations = 0
        self.configs: set[tuple[int, str]] = set()
        self.first_optimum: int | None = None

    def __call__(self, trial: Any) -> float:
        x = trial.suggest_int("x", 0, 9)
        kind = trial.suggest_categorical("kind", list(KINDS))
        self.evaluations += 1
        self.configs.add((x, kind))
        k = KINDS.index(kind)
        value = SCALE[k] * (x - OPT_X[k]) ** 2 + OFFSET[k]
        if value == 0.0 and self.first_optimum is None:
            self.first_optimum = self.evaluations
        return value


# (label, avoid_duplicates, skip_duplicates) of each albacore arm
ARMS: list[tuple[str, bool, Any]] = [
    ("albacore, evaluate all", True, False),
    ("albacore, textbook sampler", False, False),
    ('albacore, textbook + skip_duplicates="count"', False, "count"),
    ('albacore, skip_duplicates="count"', True, "count"),
    ("albacore, skip_duplicates=True", True, True),
]


def _albacore(sampler_name: str, avoid: bool) -> Callable[[int], Any]:
    if sampler_name == "TPE":
        return lambda seed: albacore.samplers.TPESampler(seed=seed, avoid_duplicates=avoid)
    return lambda seed: albacore.samplers.NSGAIISampler(seed=seed, population_size=10, avoid_duplicates=avoid)


def _optuna(sampler_name: str) -> Callable[[int], Any]:
    import optuna

    if sampler_name == "TPE":
        return lambda seed: optuna.samplers.TPESampler(seed=seed)
    return lambda seed: optuna.samplers.NSGAIISampler(seed=seed, population_size=10)


def run_albacore(make_sampler: Callable[[int], Any], seed: int, trials: int, skip: Any) -> tuple[Objective, float]:
    objective = Objective()
    study = albacore.create_study(sampler=make_sampler(seed))
    study.optimize(objective, n_trials=trials, skip_duplicates=skip)
    return objective, study.best_value


def run_optuna(make_sampler: Callable[[int], Any], seed: int, trials: int) -> tuple[Objective, float]:
    import optuna

    objective = Objective()
    study = optuna.create_study(sampler=make_sampler(seed))
    study.optimize(objective, n_trials=trials)
    return objective, study.best_value


def summarize(label: str, runs: list[tuple[Objective, float]]) -> str:
    evaluations = statistics.mean(o.evaluations for o, _ in runs)
    distinct = statistics.mean(len(o.configs) for o, _ in runs)
    best = statistics.mean(b for _, b in runs)
    found = [o.first_optimum for o, b in runs if o.first_optimum is not None]
    to_optimum = f"{statistics.mean(found):9.1f}" if found else f"{'-':>9}"
    return f"{label:<44} {evaluations:7.1f} {distinct:8.1f} {best:9.3f} {len(found):3d}/{len(runs):<3d} {to_optimum}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    albacore.logging.set_verbosity(albacore.logging.ERROR)
    import optuna

    optuna.logging.set_verbosity(optuna.logging.ERROR)
    warnings.simplefilter("ignore")  # Optuna's ExperimentalWarning and the like
    seeds = range(args.seeds)
    start = time.perf_counter()
    lines = []
    header = f"{'arm':<44} {'evals':>7} {'distinct':>8} {'best':>9} {'opt':>7} {'evals2opt':>9}"
    for sampler_name in ("TPE", "NSGA-II"):
        lines.append(f"\n{sampler_name}")
        lines.append(header)
        for label, avoid, skip in ARMS:
            runs = [run_albacore(_albacore(sampler_name, avoid), seed, args.trials, skip) for seed in seeds]
            lines.append(summarize(label, runs))
        runs = [run_optuna(_optuna(sampler_name), seed, args.trials) for seed in seeds]
        lines.append(summarize("Optuna 5.0 (evaluates every trial)", runs))
    elapsed = time.perf_counter() - start
    head = (
        f"60-point space (x: int 0..9, kind: 6 choices; optimum 0 at kind=c, x=5); {args.trials} trials per study, "
        f"{args.seeds} seeds (0..{args.seeds - 1}); NSGA-II population_size=10; {elapsed:.0f} s\n"
        "evals: objective evaluations; distinct: configurations evaluated; best: mean best value; "
        "opt: seeds whose best is the optimum; evals2opt: evaluations until the optimum was first evaluated"
    )
    text = head + "\n" + "\n".join(lines) + "\n"
    print(text, end="")
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
