"""Run one study with N worker processes sharing a PostgreSQL database.

On one machine::

    python examples/distributed/run_workers.py \
        --storage postgresql://postgres@127.0.0.1:5432/test --study-name distributed-demo \
        --n-workers 4 --n-trials 200

On many machines, start the same command on each one with the same --storage and
--study-name: every worker loads the study from the database, and together they stop once
the study holds --n-trials finished trials. A worker that dies (a killed process, a lost
machine) stops sending heartbeats; after the grace period another worker marks its trial
FAIL and runs it again with the same parameters.
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import os
import time

import albacore
from albacore.storages import RDBStorage, RetryHeartbeatStaleTrialCallback
from albacore.study import MaxTrialsCallback
from albacore.trial import TrialState


def objective(trial: albacore.Trial) -> float:
    """A CPU-bound toy objective: a quadratic bowl plus some pure-Python busy work."""
    x = trial.suggest_float("x", -5.0, 5.0)
    y = trial.suggest_float("y", -5.0, 5.0)
    noise = sum(math.sin(i * x) * math.cos(i * y) for i in range(200_000)) * 1e-7
    return (x - 1.0) ** 2 + (y + 2.0) ** 2 + noise


def make_storage(url: str) -> RDBStorage:
    """The storage every worker opens: heartbeats let survivors retry a dead worker's trial."""
    return RDBStorage(
        url,
        heartbeat_interval=10,
        grace_period=30,
        heartbeat_stale_trial_callback=RetryHeartbeatStaleTrialCallback(max_retry=2),
    )


def worker(url: str, study_name: str, n_trials: int) -> None:
    """One worker: load the study and run trials until the study holds ``n_trials``."""
    study = albacore.load_study(study_name=study_name, storage=make_storage(url))
    study.optimize(objective, callbacks=[MaxTrialsCallback(n_trials, states=(TrialState.COMPLETE,))])
    print(f"worker {os.getpid()} done")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--storage", required=True, help="Database URL shared by every worker.")
    parser.add_argument("--study-name", default="distributed-demo")
    parser.add_argument("--n-workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--n-trials", type=int, default=100, help="COMPLETE trials the study should reach.")
    args = parser.parse_args()

    # Create the study once (every other worker, here or on other machines, loads it).
    albacore.create_study(study_name=args.study_name, storage=make_storage(args.storage), load_if_exists=True)

    started = time.perf_counter()
    context = multiprocessing.get_context("spawn")
    processes = [
        context.Process(target=worker, args=(args.storage, args.study_name, args.n_trials))
        for _ in range(args.n_workers)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join()

    study = albacore.load_study(study_name=args.study_name, storage=args.storage)
    complete = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
    print(
        f"{len(complete)} complete trials with {args.n_workers} workers in "
        f"{time.perf_counter() - started:.1f}s; best value {study.best_value:.4f} with {study.best_params}"
    )


if __name__ == "__main__":
    main()
