"""A CPU-bound objective on several cores: threads vs worker processes, albacore vs Optuna 5.0.

The objective is pure Python arithmetic (about half a second per trial on one core), the case where
``n_jobs`` threads gain nothing because of the interpreter lock. Each configuration runs
the same number of trials against a journal file storage in a fresh directory:

- albacore, 1 worker;
- albacore, ``--workers`` threads (``optimize(n_jobs=W)``);
- albacore, ``--workers`` processes (``optimize(n_jobs=W, executor="process")``);
- Optuna 5.0, ``--workers`` threads (Optuna has no process executor).

Wall time includes starting the worker processes. The speed-up is relative to albacore with
1 worker; with W free cores the process executor should approach W.

Usage:
    python benchmarks/processes.py [--trials 24] [--workers 2]

The latest run is committed in benchmarks/results/processes.txt.
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from typing import Any

import albacore


def objective(trial: Any) -> float:
    x = trial.suggest_float("x", -5.0, 5.0)
    total = 0.0
    for i in range(1_000_000):
        total += (x * i) % 7.0
    return total * 1e-6 + x * x


def _span(trials: list[Any]) -> float:
    """Seconds from the first trial's start to the last trial's end (start-up excluded)."""
    first = min(t.datetime_start for t in trials)
    last = max(t.datetime_complete for t in trials)
    return (last - first).total_seconds()


def _albacore(n_trials: int, n_jobs: int, executor: str) -> tuple[float, float]:
    from albacore.storages.journal import JournalFileBackend, JournalStorage

    with tempfile.TemporaryDirectory() as directory:
        storage = JournalStorage(JournalFileBackend(os.path.join(directory, "journal.log")))
        study = albacore.create_study(storage=storage, sampler=albacore.samplers.RandomSampler(seed=0))
        start = time.perf_counter()
        study.optimize(objective, n_trials=n_trials, n_jobs=n_jobs, executor=executor)
        elapsed = time.perf_counter() - start
        trials = study.get_trials(states=(albacore.trial.TrialState.COMPLETE,))
        assert len(trials) == n_trials
    return elapsed, _span(trials)


def _optuna(n_trials: int, n_jobs: int) -> tuple[float, float]:
    import optuna
    from optuna.storages import JournalStorage
    from optuna.storages.journal import JournalFileBackend

    with tempfile.TemporaryDirectory() as directory:
        storage = JournalStorage(JournalFileBackend(os.path.join(directory, "journal.log")))
        study = optuna.create_study(storage=storage, sampler=optuna.samplers.RandomSampler(seed=0))
        start = time.perf_counter()
        study.optimize(objective, n_trials=n_trials, n_jobs=n_jobs)
        elapsed = time.perf_counter() - start
        trials = study.get_trials(states=(optuna.trial.TrialState.COMPLETE,))
        assert len(trials) == n_trials
    return elapsed, _span(trials)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trials", type=int, default=24)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    albacore.logging.set_verbosity(albacore.logging.WARNING)
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)

    n, w = args.trials, args.workers
    load = os.getloadavg()[0]
    rows = [
        ("albacore, 1 worker", _albacore(n, 1, "thread")),
        (f"albacore, {w} threads", _albacore(n, w, "thread")),
        (f"albacore, {w} processes", _albacore(n, w, "process")),
        (f"optuna, {w} threads", _optuna(n, w)),
    ]
    base, base_span = rows[0][1]
    print(f"CPU-bound objective, {n} trials, journal file storage, RandomSampler; {os.cpu_count()} CPUs, "
          f"load average at start {load:.1f}")
    print(f"albacore {albacore.__version__}, optuna {optuna.__version__}, Python {platform.python_version()}")
    print()
    print(f"{'configuration':<26}{'seconds':>9}{'trials/s':>10}{'speed-up':>10}{'excl. start-up':>16}")
    for name, (seconds, span) in rows:
        print(f"{name:<26}{seconds:>9.2f}{n / seconds:>10.2f}{base / seconds:>10.2f}{base_span / span:>16.2f}")
    print()
    print("speed-up: wall time of 1 worker / wall time; excl. start-up: the same over the span from the")
    print("first trial's start to the last trial's end (process start-up is about a second per worker")
    print("on an idle machine: interpreter, imports, loading the study).")
    print(f"target: {w} processes approach a {w}x speed-up over 1 worker (threads stay near 1x)")


if __name__ == "__main__":
    main()
