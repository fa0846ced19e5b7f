"""Per-trial engine overhead: albacore vs Optuna 5.0, RandomSampler + in-memory storage.

The objective does no work, so the time per trial is what the engine itself costs: creating
the trial, suggesting parameters, storing them and finishing the trial. Both libraries run
in this one process, alternately, the same number of repetitions; the median is reported.

Usage:
    pip install optuna==5.0.0   # only for this benchmark
    python benchmarks/overhead.py [--trials 1000] [--repeats 5]

Output: a table of milliseconds per trial and albacore/Optuna ratios (lower is better);
the latest run is committed in benchmarks/results/overhead.txt.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import platform
import statistics
import time
from collections.abc import Iterator
from typing import Any, Callable

import albacore


def _objective_1(trial: Any) -> float:
    return trial.suggest_float("x", -10, 10) ** 2


def _objective_10(trial: Any) -> float:
    return sum(trial.suggest_float(f"x{i}", -10, 10) for i in range(10))


def _objective_mixed(trial: Any) -> float:
    x = trial.suggest_float("x", 1e-3, 1.0, log=True)
    n = trial.suggest_int("n", 1, 64)
    kind = trial.suggest_categorical("kind", ["a", "b", "c"])
    if kind == "a":
        x += trial.suggest_float("extra", 0.0, 1.0, step=0.1)
    return x * n


OBJECTIVES: dict[str, Callable[[Any], float]] = {
    "1 float": _objective_1,
    "10 floats": _objective_10,
    "mixed + conditional": _objective_mixed,
}


def _time_albacore(objective: Callable[[Any], float], n_trials: int) -> float:
    study = albacore.create_study(sampler=albacore.samplers.RandomSampler(seed=0), pruner=albacore.pruners.NopPruner())
    start = time.perf_counter()
    study.optimize(objective, n_trials=n_trials)
    return (time.perf_counter() - start) / n_trials


def _time_optuna(objective: Callable[[Any], float], n_trials: int) -> float:
    import optuna

    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0), pruner=optuna.pruners.NopPruner())
    start = time.perf_counter()
    study.optimize(objective, n_trials=n_trials)
    return (time.perf_counter() - start) / n_trials


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    import optuna

    print(f"Engine overhead per trial, RandomSampler + in-memory storage, {args.trials} trials, "
          f"median of {args.repeats} runs")
    print(f"albacore {albacore.__version__}, optuna {optuna.__version__}, Python {platform.python_version()}")
    for quiet in (True, False):
        level = "WARNING (quiet)" if quiet else "INFO (default: one log line per trial, to /dev/null)"
        print(f"\nlog level {level}")
        albacore.logging.set_verbosity(albacore.logging.WARNING if quiet else albacore.logging.INFO)
        optuna.logging.set_verbosity(optuna.logging.WARNING if quiet else optuna.logging.INFO)
        print(f"{'objective':<22}{'albacore ms':>13}{'optuna ms':>12}{'ratio':>8}")
        with open(os.devnull, "w") as devnull, _log_streams_to(devnull):
            rows = [(name, _measure(objective, args.trials, args.repeats)) for name, objective in OBJECTIVES.items()]
        for name, (a, o) in rows:
            print(f"{name:<22}{a:>13.3f}{o:>12.3f}{a / o:>8.2f}")
    print("\ntarget: ratio <= 0.50 (albacore's overhead at most half of Optuna's)")


@contextlib.contextmanager
def _log_streams_to(stream: Any) -> Iterator[None]:
    """Point both libraries' log handlers at ``stream`` for the duration."""
    handlers = [
        h
        for name in ("albacore", "optuna")
        for h in logging.getLogger(name).handlers
        if isinstance(h, logging.StreamHandler)
    ]
    previous = [h.setStream(stream) for h in handlers]
    try:
        yield
    finally:
        for handler, old in zip(handlers, previous):
            handler.setStream(old)


def _measure(objective: Callable[[Any], float], n_trials: int, repeats: int) -> tuple[float, float]:
    ours, theirs = [], []
    for _ in range(repeats):
        ours.append(_time_albacore(objective, n_trials))
        theirs.append(_time_optuna(objective, n_trials))
    return statistics.median(ours) * 1e3, statistics.median(theirs) * 1e3


if __name__ == "__main__":
    main()
