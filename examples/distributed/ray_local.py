"""Run a study's trials as Ray tasks, the study living in a Ray actor (no database).

Run: python examples/distributed/ray_local.py --n-trials 20

``ray.init(num_cpus=2)`` starts a local Ray; on a Ray cluster, ``ray.init(address="auto")``
(or submit this script as a Ray job) and nothing else changes. Each trial reserves what
``RayExecutor`` asks for (``RayExecutor(num_gpus=1)`` gives each trial a GPU). For a study
that outlives the Ray job, pass a database URL or a Redis journal as the study's storage
instead of ``RayStorage()``.
"""

from __future__ import annotations

import argparse
import os
import time

import ray

import albacore
from albacore.integrations.ray import RayExecutor, RayStorage
from albacore.storages import RetryHeartbeatStaleTrialCallback


def objective(trial: albacore.Trial) -> float:
    x = trial.suggest_float("x", -5.0, 5.0)
    trial.set_user_attr("worker_pid", os.getpid())
    time.sleep(0.05)  # stands for a real training run
    return (x - 2.0) ** 2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n-trials", type=int, default=20)
    args = parser.parse_args()
    albacore.logging.set_verbosity(albacore.logging.WARNING)
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        storage = RayStorage(heartbeat_interval=5, heartbeat_stale_trial_callback=RetryHeartbeatStaleTrialCallback())
        study = albacore.create_study(storage=storage)
        study.optimize(objective, n_trials=args.n_trials, n_jobs=2, executor=RayExecutor(num_cpus=1))
        pids = {t.user_attrs["worker_pid"] for t in study.trials}
        print(f"trials: {len(study.trials)} on {len(pids)} Ray workers; best value {study.best_value:.4f}")
    finally:
        ray.shutdown()


if __name__ == "__main__":
    main()
