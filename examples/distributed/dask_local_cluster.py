"""Run a study on a Dask cluster, the study living in the Dask scheduler (no database).

Run: python examples/distributed/dask_local_cluster.py --n-workers 2 --n-trials 40

Here the cluster is a ``LocalCluster`` of worker processes on this machine; on a real
cluster, connect the ``Client`` to your scheduler instead (``Client("tcp://scheduler:8786")``,
or a ``dask_jobqueue.SLURMCluster`` / ``dask_kubernetes`` cluster object): nothing else
changes. ``DaskStorage(storage="sqlite:///study.db")`` would keep the study in a file on the
scheduler's machine so that it outlives the cluster. Heartbeats let the study fail and
retry the trial of a worker that dies.
"""

from __future__ import annotations

import argparse
import os
import time

from dask.distributed import Client, LocalCluster

import albacore
from albacore.integrations.dask import DaskStorage
from albacore.storages import RetryHeartbeatStaleTrialCallback


def objective(trial: albacore.Trial) -> float:
    x = trial.suggest_float("x", -5.0, 5.0)
    y = trial.suggest_int("y", -3, 3)
    trial.set_user_attr("worker_pid", os.getpid())
    time.sleep(0.05)  # stands for a real training run
    return (x - 1.0) ** 2 + y**2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n-workers", type=int, default=2)
    parser.add_argument("--n-trials", type=int, default=40)
    args = parser.parse_args()
    albacore.logging.set_verbosity(albacore.logging.WARNING)
    cluster = LocalCluster(n_workers=args.n_workers, threads_per_worker=1, dashboard_address=None)
    with cluster, Client(cluster) as client:
        storage = DaskStorage(
            client=client, heartbeat_interval=5, heartbeat_stale_trial_callback=RetryHeartbeatStaleTrialCallback()
        )
        study = albacore.create_study(storage=storage)
        # One trial per worker at a time; a GPU per trial would be
        # executor=client.get_executor(resources={"GPU": 1}) with workers started with --resources GPU=1.
        study.optimize(objective, n_trials=args.n_trials, n_jobs=args.n_workers, executor=client)
        pids = {t.user_attrs["worker_pid"] for t in study.trials}
        print(f"trials: {len(study.trials)} on {len(pids)} workers; best value {study.best_value:.4f}")


if __name__ == "__main__":
    main()
