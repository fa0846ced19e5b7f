"""Per-trial time limits: a study where 10% of the configurations hang still finishes.

``study.optimize(..., trial_timeout=seconds)`` ends a trial that runs past its limit and
lets its worker go on. This script runs a 100-trial study with 2 workers in which about
10% of the configurations never return (``time.sleep`` for hours) and checks that the
study finishes, that the hanging trials (and only those) end as PRUNED or FAIL, and that
every other trial is COMPLETE. Two runs:

- ``executor="process"``: the hard limit. Hanging configurations are ``x < 0.1``; those
  with ``x < 0.05`` report one intermediate value first (they end PRUNED with it), the
  others report nothing (they end FAIL). A worker process stuck in a hanging trial is
  stopped 0.5 s past the limit and replaced by a new one.
- ``n_jobs`` threads: the soft limit, checked at the trial's next ``report``. Here the
  "hanging" configurations are endless training loops that report every 50 ms; a thread
  cannot be stopped, so a configuration that never calls the trial again could not be
  ended this way, and the script does not pretend otherwise.

Every other configuration does about 0.1 s of arithmetic. The sampler is RandomSampler
(seeded), so which configurations hang is known in advance; the storage is SQLite in a
fresh directory. Wall time includes starting the worker processes; without
``trial_timeout`` neither study would ever finish, so there is no "without" column.
Optuna 5.0 has no per-trial time limit (its ``timeout`` only stops new trials from
starting), so there is no Optuna side.

Usage:
    python benchmarks/trial_timeout.py [--trials 100] [--workers 2] [--trial-timeout 2]

The latest run is committed in benchmarks/results/trial_timeout.txt.
"""

from __future__ import annotations

import argparse
import collections
import os
import platform
import tempfile
import time
from typing import Any

import albacore
from albacore.trial import TrialState

HANG_SECONDS = 3600.0


def _work() -> float:
    """About 0.1 s of pure-Python arithmetic."""
    total = 0.0
    for i in range(400_000):
        total += (i * 7) % 11
    return total


def hard_objective(trial: Any) -> float:
    """Hangs (no Python returns from it) for x < 0.1; reports once first for x < 0.05."""
    x = trial.suggest_float("x", 0.0, 1.0)
    trial.set_user_attr("pid", os.getpid())
    if x < 0.05:
        trial.report(x, 0)
    if x < 0.1:
        time.sleep(HANG_SECONDS)
    _work()
    return x


def soft_objective(trial: Any) -> float:
    """Trains forever, reporting every 50 ms, for x < 0.1; finishes at once otherwise."""
    x = trial.suggest_float("x", 0.0, 1.0)
    if x < 0.1:
        for step in range(10**9):
            trial.report(x + step, step)
            time.sleep(0.05)
    _work()
    return x


def _run(objective: Any, n_trials: int, workers: int, limit: float, executor: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as directory:
        study = albacore.create_study(
            storage=f"sqlite:///{os.path.join(directory, 'study.db')}",
            sampler=albacore.samplers.RandomSampler(seed=0),
        )
        start = time.perf_counter()
        study.optimize(objective, n_trials=n_trials, n_jobs=workers, executor=executor, trial_timeout=limit)
        wall = time.perf_counter() - start
        trials = study.trials
    hanging = [t for t in trials if t.params["x"] < 0.1]
    others = [t for t in trials if t.params["x"] >= 0.1]
    states = collections.Counter(t.state.name for t in trials)
    return {
        "trials": len(trials),
        "states": dict(sorted(states.items())),
        "wall": wall,
        "hanging": len(hanging),
        "hanging_ended": sum(
            t.state in (TrialState.PRUNED, TrialState.FAIL) and "albacore:trial_timeout" in t.system_attrs
            for t in hanging
        ),
        "hanging_pruned_with_value": sum(t.state == TrialState.PRUNED and t.value is not None for t in hanging),
        "others_complete": sum(t.state == TrialState.COMPLETE for t in others),
        "others": len(others),
        "pids": len({t.user_attrs["pid"] for t in trials if "pid" in t.user_attrs}),
    }


def _report(title: str, result: dict[str, Any], workers: int) -> list[str]:
    lines = [
        title,
        f"  trials: {result['trials']}   by state: {result['states']}",
        f"  wall time: {result['wall']:.1f} s",
        f"  hanging configurations: {result['hanging']}, ended by the limit: {result['hanging_ended']} "
        f"(PRUNED with their last reported value: {result['hanging_pruned_with_value']})",
        f"  other configurations: {result['others']}, COMPLETE: {result['others_complete']}"
        + ("   <- every non-hanging trial is COMPLETE" if result["others_complete"] == result["others"] else
           "   <- SOME NON-HANGING TRIAL WAS LOST"),
    ]
    if result["pids"]:
        lines.append(f"  worker processes used: {result['pids']} ({workers} at the start, the rest replacements)")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--trial-timeout", type=float, default=2.0)
    args = parser.parse_args()
    albacore.logging.set_verbosity(albacore.logging.ERROR)

    lines = [
        f"albacore trial_timeout benchmark: {args.trials} trials, {args.workers} workers, "
        f"trial_timeout={args.trial_timeout:g} s, RandomSampler(seed=0), SQLite",
        f"python {platform.python_version()}, {os.cpu_count()} CPUs ({platform.machine()}), albacore "
        f"{albacore.__version__}; Optuna 5.0 has no per-trial time limit (no counterpart)",
        "",
    ]
    hard = _run(hard_objective, args.trials, args.workers, args.trial_timeout, "process")
    lines += _report('executor="process" (hard limit: a hanging worker is stopped and replaced)', hard, args.workers)
    lines.append("")
    soft = _run(soft_objective, args.trials, args.workers, args.trial_timeout, "thread")
    lines += _report(
        f"n_jobs={args.workers} threads (soft limit: checked at the next trial.report)", soft, args.workers
    )
    print("\n".join(lines))
    for result in (hard, soft):
        assert result["trials"] == args.trials
        assert result["hanging_ended"] == result["hanging"]
        assert result["others_complete"] == result["others"]


if __name__ == "__main__":
    main()
